"""The printed coverage map: APs by state and clients, covered area, zones, water."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Final

from geo.crs import LAMBERT93
from geo.labels import Language, label, percent
from geo.map_furniture import add_scale_and_north, add_titles, draw_areas, framed
from geo.mapdata import (
    COVERAGE_COLOUR,
    STATE_COLOURS,
    STATES,
    WATER_COLOUR,
    ZONE_COLOUR,
    MapLayers,
)

if TYPE_CHECKING:
    from pathlib import Path

    import geopandas as gpd
    import numpy as np
    from matplotlib.axes import Axes

A4_LANDSCAPE_IN: Final = (11.69, 8.27)
DPI: Final = 150
MARKER_BASE: Final = 16.0  # points^2 of an AP without clients
MARKER_PER_SQRT_CLIENT: Final = 9.0
CLIENT_EXAMPLES: Final = (0, 10, 50)
# zlib level 3: a third of the default's encoding time for a file about 10 % larger.
PNG_OPTIONS: Final = {"compress_level": 3}
COVERAGE_ALPHA: Final = 0.35
DRAW_ORDER: Final = ("disabled", "unknown", "maintenance", "up", "down")


def marker_size(clients: np.ndarray) -> np.ndarray:
    """Area grows with the square root of the clients, so a busy AP does not hide the rest."""
    import numpy as np

    sizes: np.ndarray = MARKER_BASE + MARKER_PER_SQRT_CLIENT * np.sqrt(
        np.nan_to_num(clients, nan=0.0))
    return sizes


def bounds_of(*frames: gpd.GeoDataFrame | None) -> tuple[float, float, float, float]:
    """Lambert-93 bounds of every non-empty frame."""
    import numpy as np

    boxes = [f.to_crs(LAMBERT93).total_bounds for f in frames
             if f is not None and not f.empty and not f.geometry.is_empty.all()]
    if not boxes:
        return 0.0, 0.0, 1000.0, 1000.0
    stacked = np.vstack(boxes)
    return (float(np.nanmin(stacked[:, 0])), float(np.nanmin(stacked[:, 1])),
            float(np.nanmax(stacked[:, 2])), float(np.nanmax(stacked[:, 3])))


def draw_zones(ax: Axes, zones: gpd.GeoDataFrame, language: Language, with_pct: bool) -> None:
    local = zones.to_crs(LAMBERT93)
    draw_areas(ax, local.geometry, facecolor="none", edgecolor=ZONE_COLOUR, linewidth=1.2,
               linestyle="--", zorder=3)
    for _, zone in local.iterrows():
        point = zone.geometry.representative_point()
        text = str(zone["name"])
        if with_pct:
            text += f"\n{percent(zone.get('coverage_pct'), language)} {label(language, 'covered')}"
        ax.annotate(text, (point.x, point.y), ha="center", va="center", fontsize=8,
                    fontweight="bold", zorder=6,
                    bbox={"boxstyle": "round,pad=0.25", "fc": "white", "alpha": 0.75,
                          "ec": "none"})


def _legend(ax: Axes, layers: MapLayers) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    lang = layers.language
    counts = layers.aps["state"].value_counts()
    handles: list[Line2D | Patch] = [
        Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=STATE_COLOURS[s],
               markeredgecolor="white", label=f"{label(lang, s)} ({int(counts.get(s, 0))})")
        for s in STATES if counts.get(s, 0)]
    handles += [Line2D([], [], marker="o", linestyle="", color="#666666",
                       markersize=float(marker_size_one(n)) ** 0.5,
                       label=f"{n} {label(lang, 'clients')}") for n in CLIENT_EXAMPLES]
    handles.append(Patch(facecolor=COVERAGE_COLOUR, alpha=COVERAGE_ALPHA,
                         label=label(lang, "coverage")))
    handles.append(Line2D([], [], color=ZONE_COLOUR, linestyle="--", label=label(lang, "zones")))
    if layers.water is not None:
        handles.append(Patch(facecolor=WATER_COLOUR, label=label(lang, "water")))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              fontsize=8, title=label(lang, "aps"), title_fontsize=9, alignment="left")


def marker_size_one(clients: float) -> float:
    import numpy as np

    return float(marker_size(np.array([clients], dtype=float))[0])


def render_coverage_png(layers: MapLayers, out: Path | IO[bytes], dpi: int = DPI) -> None:
    """Write the coverage map as a PNG (A4 landscape)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=A4_LANDSCAPE_IN, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.05, 0.76, 0.85))
    framed(ax, bounds_of(layers.zones, layers.aps))
    if layers.water is not None:
        draw_areas(ax, layers.water.to_crs(LAMBERT93).geometry, facecolor=WATER_COLOUR,
                   edgecolor="none", zorder=1)
    # Patches, not a raster: measured faster (bench_geo), the edges stay smooth.
    draw_areas(ax, layers.coverage.to_crs(LAMBERT93).geometry, facecolor=COVERAGE_COLOUR,
               alpha=COVERAGE_ALPHA, edgecolor="none", zorder=2)
    draw_zones(ax, layers.zones, layers.language, with_pct=True)
    aps = layers.aps.to_crs(LAMBERT93)
    if not aps.empty:
        # Down APs on top: the one thing the committee must not miss.
        order = aps["state"].map({s: i for i, s in enumerate(DRAW_ORDER)}).argsort()
        aps = aps.iloc[order.to_numpy()]
        ax.scatter(aps.geometry.x, aps.geometry.y,
                   s=marker_size(aps["clients"].to_numpy(dtype=float)),
                   c=aps["state"].map(STATE_COLOURS).tolist(), edgecolors="white",
                   linewidths=0.5, zorder=5)
    add_scale_and_north(ax)
    _legend(ax, layers)
    add_titles(fig, layers, label(layers.language, "coverage_title", site=layers.site),
               layers.coverage_note)
    fig.savefig(out, format="png", dpi=dpi, pil_kwargs=PNG_OPTIONS)
