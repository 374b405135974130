"""Map labels moved apart until no two boxes overlap, with a leader line to their place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation

# adjustText's own rounds; a crowded city centre needs more than its default.
ADJUST_ROUNDS: Final = 400
LEADER_STYLE: Final = {"arrowstyle": "-", "color": "#444444", "lw": 0.6}

Box = tuple[float, float, float, float]


def place_labels(ax: Axes, labels: list[Annotation]) -> None:
    """Spread overlapping labels (adjustText); a moved label keeps a line to its anchor."""
    if len(labels) < 2:
        return
    from adjustText import adjust_text

    adjust_text(labels, ax=ax, ensure_inside_axes=True, iter_lim=ADJUST_ROUNDS,
                expand=(1.05, 1.15), arrowprops=LEADER_STYLE)


def label_boxes(fig: Figure, labels: list[Annotation]) -> list[Box]:
    """Each label's box in the figure's pixels (x0, y0, x1, y1), as drawn."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = []
    for text in labels:
        patch = text.get_bbox_patch()  # the white box a reader sees, not just the glyphs
        extent = (patch or text).get_window_extent(renderer)
        boxes.append((float(extent.x0), float(extent.y0), float(extent.x1), float(extent.y1)))
    return boxes


def overlapping(boxes: list[Box]) -> list[tuple[int, int]]:
    """Pairs of boxes that overlap (touching edges do not count)."""
    return [(i, j) for i, a in enumerate(boxes) for j, b in enumerate(boxes[i + 1:], i + 1)
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
