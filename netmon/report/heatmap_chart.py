"""The hour-of-week heatmap of the report: one 7 x 24 grid per zone, as one PNG."""

from __future__ import annotations

import io
from typing import Final

from netmon.report.texts import text
from netmon.report.usage_tables import ZoneHeatmap

DPI: Final = 130
ROW_IN: Final = 1.75  # height of one zone's grid
WIDTH_IN: Final = 7.5
NO_DATA: Final = "#e6e6e6"


def heatmap_png(maps: list[ZoneHeatmap], names: dict[str, str], language: str) -> bytes:
    """Small multiples, one per zone, one colour scale for all; grey where nothing was polled."""
    import numpy as np
    from matplotlib import colormaps
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, ROW_IN * len(maps) + 0.6), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(maps), 1, squeeze=False)[:, 0]
    highest = max((m.highest for m in maps if m.highest is not None), default=1.0)
    cmap = colormaps["Purples"].with_extremes(bad=NO_DATA)
    norm = Normalize(0.0, max(highest, 1e-9))
    days = text(language, "weekdays").split(",")
    image = None
    for ax, zone in zip(axes, maps, strict=True):
        grid = np.ma.masked_invalid(np.array(
            [[np.nan if c is None else c for c in row] for row in zone.cells], dtype=float))
        image = ax.imshow(grid, cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
        ax.set_title(names.get(zone.zone, zone.zone), fontsize=9, loc="left")
        ax.set_yticks(range(7), days, fontsize=7)
        ax.set_xticks(range(0, 24, 2), [f"{h} h" for h in range(0, 24, 2)], fontsize=7)
        ax.tick_params(length=0)
    axes[-1].set_xlabel(text(language, "heatmap_axis"), fontsize=8)
    if image is not None:
        bar = fig.colorbar(image, ax=list(axes), shrink=0.8, pad=0.01)
        bar.set_label(text(language, "mean_clients"), fontsize=8)
        bar.ax.tick_params(labelsize=7)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
