"""Map labels moved apart (adjustText), a leader line to their place, none overlapping."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation

# A bound on adjustText's time: 100 labels took 37 s in 400 rounds.
ADJUST_TIME_LIMIT_S: Final = 2.0
LEADER_COLOUR: Final = "#444444"
LEADER_WIDTH_PT: Final = 0.6
# A label moved less than this from its place needs no leader line.
LEADER_MIN_PX: Final = 6.0

Box = tuple[float, float, float, float]


def place_labels(ax: Axes, labels: list[Annotation]) -> list[Annotation]:
    """Spread the labels, then hide any still overlapping one placed earlier; returns them.

    `labels` come most important first (e.g. the largest zone): they keep their place.
    """
    if len(labels) > 1:
        from adjustText import adjust_text

        adjust_text(labels, ax=ax, ensure_inside_axes=True, time_lim=ADJUST_TIME_LIMIT_S,
                    expand=(1.05, 1.15))
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    kept: list[Box] = []
    hidden = []
    for text in labels:
        box = _box(text, renderer)
        if any(_overlap(box, k) for k in kept):
            text.set_visible(False)
            hidden.append(text)
            continue
        kept.append(box)
        _leader(ax, text)
    return hidden


def _leader(ax: Axes, text: Annotation) -> None:
    """A thin line from a moved label back to the point it names, under the label."""
    anchor = ax.transData.transform(text.xy)
    placed = ax.transData.transform(text.get_position())
    if ((anchor - placed) ** 2).sum() ** 0.5 < LEADER_MIN_PX:
        return
    (x0, y0), (x1, y1) = text.xy, text.get_position()
    ax.plot([x0, x1], [y0, y1], color=LEADER_COLOUR, linewidth=LEADER_WIDTH_PT,
            zorder=text.get_zorder() - 0.5)


def _box(text: Annotation, renderer: RendererBase) -> Box:
    patch = text.get_bbox_patch()  # the white box a reader sees, not just the glyphs
    if patch is not None:
        text.update_bbox_position_size(renderer)  # else it holds the last draw's place
    extent = (patch or text).get_window_extent(renderer)
    return float(extent.x0), float(extent.y0), float(extent.x1), float(extent.y1)


def label_boxes(fig: Figure, labels: list[Annotation]) -> list[Box]:
    """Each shown label's box in the figure's pixels (x0, y0, x1, y1), as drawn."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    return [_box(text, renderer) for text in labels if text.get_visible()]


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def overlapping(boxes: list[Box]) -> list[tuple[int, int]]:
    """Pairs of boxes that overlap (touching edges do not count)."""
    return [(i, j) for i, a in enumerate(boxes) for j, b in enumerate(boxes[i + 1:], i + 1)
            if _overlap(a, b)]
