"""The printed coverage map: APs by state and clients, covered area, zones, water."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Final

from geo.crs import LAMBERT93
from geo.label_placement import Box, label_boxes, place_labels
from geo.labels import Language, covered_text, label
from geo.map_frame import MapFrame, frame_of, outlier_note
from geo.map_furniture import add_scale_and_north, add_titles, draw_areas, framed
from geo.mapdata import (
    COVERAGE_COLOUR,
    LEGEND_STATES,
    STATE_COLOURS,
    WATER_COLOUR,
    ZONE_COLOUR,
    MapLayers,
)

if TYPE_CHECKING:
    from pathlib import Path

    import geopandas as gpd
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation
    from shapely.geometry.base import BaseGeometry

A4_LANDSCAPE_IN: Final = (11.69, 8.27)
DPI: Final = 150
MARKER_BASE: Final = 16.0  # points^2 of an AP without clients
MARKER_PER_SQRT_CLIENT: Final = 9.0
CLIENT_EXAMPLES: Final = (0, 10, 50)
# zlib level 3: a third of the default's encoding time for a file about 10 % larger.
PNG_OPTIONS: Final = {"compress_level": 3}
COVERAGE_ALPHA: Final = 0.35
DRAW_ORDER: Final = ("disabled", "unknown", "assumed", "maintenance", "up", "down")
MAP_AXES: Final = (0.02, 0.05, 0.76, 0.85)  # figure fractions: left, bottom, width, height
# Coverage shows at least this far (px) beyond each counted AP's marker, else it hides under it:
# measured in bench/bench_map_legibility.py (a 700-AP city gets about the village's coverage ink).
COVERAGE_RING_PX: Final = 4.0
POINTS_PER_INCH: Final = 72.0


@dataclass(frozen=True)
class DrawnMap:
    """What a rendered map shows beyond its pixels: label boxes (figure pixels), frame."""

    frame: MapFrame
    label_boxes: list[Box] = field(default_factory=list)
    label_texts: list[str] = field(default_factory=list)
    legend_texts: list[str] = field(default_factory=list)
    hidden_labels: list[str] = field(default_factory=list)
    min_disc_px: float | None = None  # the smallest disc drawn, when larger than the footprint


def marker_size(clients: np.ndarray) -> np.ndarray:
    """Area grows with the square root of the clients, so a busy AP does not hide the rest."""
    import numpy as np

    sizes: np.ndarray = MARKER_BASE + MARKER_PER_SQRT_CLIENT * np.sqrt(
        np.nan_to_num(clients, nan=0.0))
    return sizes


def metres_per_pixel(fig: Figure, ax: Axes) -> float:
    """Ground metres per output pixel once the frame is set (equal aspect: the larger way)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width_px = fig.get_figwidth() * fig.dpi * MAP_AXES[2]
    height_px = fig.get_figheight() * fig.dpi * MAP_AXES[3]
    return max((x1 - x0) / width_px, (y1 - y0) / height_px)


def zone_label(ax: Axes, point: BaseGeometry, text: str, fontsize: float = 8) -> Annotation:
    return ax.annotate(text, (point.x, point.y), ha="center", va="center", fontsize=fontsize,
                       fontweight="bold", zorder=6,
                       bbox={"boxstyle": "round,pad=0.25", "fc": "white", "alpha": 0.8,
                             "ec": "none"})


def draw_zones(ax: Axes, zones: gpd.GeoDataFrame, language: Language,
               with_pct: bool) -> list[Annotation]:
    """Zone outlines and one label each (name, and % covered or "no data"), not yet spread.

    The labels come largest zone first: if some must give way, the small ones do.
    """
    local = zones.to_crs(LAMBERT93)
    draw_areas(ax, local.geometry, facecolor="none", edgecolor=ZONE_COLOUR, linewidth=1.2,
               linestyle="--", zorder=3)
    labels = []
    for _, zone in largest_first(local).iterrows():
        text = str(zone["name"])
        if with_pct:
            text += f"\n{covered_text(zone.get('coverage_pct'), language)}"
        labels.append(zone_label(ax, zone.geometry.representative_point(), text))
    return labels


def marker_radius_px(clients: np.ndarray, dpi: float) -> np.ndarray:
    """The on-screen radius of each AP marker (scatter sizes are areas in points²)."""
    import numpy as np

    radius: np.ndarray = np.sqrt(marker_size(clients)) / 2 * dpi / POINTS_PER_INCH
    return radius


def largest_first(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Zones (Lambert-93) by area, largest first."""
    return zones.iloc[zones.area.to_numpy().argsort()[::-1]]


def coverage_ink() -> tuple[float, float, float]:
    """The coverage colour as seen on the white page, opaque: overlaps do not darken it."""
    from matplotlib.colors import to_rgb

    ink = to_rgb(COVERAGE_COLOUR)
    r, g, b = (COVERAGE_ALPHA * c + (1 - COVERAGE_ALPHA) for c in ink)
    return r, g, b


def draw_visible_coverage(ax: Axes, footprint: gpd.GeoSeries, aps: gpd.GeoDataFrame,
                          disc_px: np.ndarray | None, dpi: float, m_per_px: float) -> bool:
    """The covered area, each counted AP at least `disc_px` in radius on the page.

    The discs are screen-sized markers under the footprint (no union: a path-loss footprint
    is costly to merge); returns True when they are larger than the footprint per AP.
    """
    import numpy as np

    ink = coverage_ink()
    # Patches, not a raster: measured faster (bench_geo), the edges stay smooth.
    draw_areas(ax, footprint, facecolor=ink, edgecolor="none", zorder=2)
    counted = aps["counted"].astype(bool).to_numpy() if "counted" in aps else None
    if disc_px is None or counted is None or not counted.any():
        return False
    points = aps[counted]
    diameter_pt = 2 * disc_px[counted] * POINTS_PER_INCH / dpi
    # Below the water (zorder 1.5): nobody connects from the middle of the lake.
    ax.scatter(points.geometry.x, points.geometry.y, s=diameter_pt ** 2, c=[ink],
               linewidths=0, zorder=1)
    disc_m2 = np.pi * (float(np.median(disc_px[counted])) * m_per_px) ** 2
    footprint_m2 = float(footprint.area.sum()) / int(counted.sum())
    # The reader must be told when the discs, not the footprint, make the coverage visible.
    return disc_m2 > footprint_m2


def _legend(ax: Axes, layers: MapLayers) -> list[str]:
    """The legend beside the map; returns its lines as printed."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    lang = layers.language
    shown = layers.shown_states()
    counts = {s: shown.count(s) for s in LEGEND_STATES}
    handles: list[Line2D | Patch] = [
        Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=STATE_COLOURS[s],
               markeredgecolor="white", label=f"{label(lang, s)} ({counts[s]})")
        for s in LEGEND_STATES if counts[s]]
    handles += [Line2D([], [], marker="o", linestyle="", color="#666666",
                       markersize=float(marker_size_one(n)) ** 0.5,
                       label=f"{n} {label(lang, 'clients')}") for n in CLIENT_EXAMPLES]
    handles.append(Patch(facecolor=coverage_ink(), label=label(lang, "coverage")))
    handles.append(Line2D([], [], color=ZONE_COLOUR, linestyle="--", label=label(lang, "zones")))
    if layers.water is not None:
        handles.append(Patch(facecolor=WATER_COLOUR, label=label(lang, "water")))
    legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                       frameon=False, fontsize=8, title=label(lang, "aps"), title_fontsize=9,
                       alignment="left")
    return [legend.get_title().get_text(), *(t.get_text() for t in legend.get_texts())]


def marker_size_one(clients: float) -> float:
    import numpy as np

    return float(marker_size(np.array([clients], dtype=float))[0])


def map_note(base: str, *extra: str) -> str:
    return " — ".join([base, *(e for e in extra if e)])


def hidden_note(hidden: list[Annotation], language: Language) -> str:
    """`3 zone(s) without a label for lack of room: see the zone table`, or ''."""
    return label(language, "unlabelled", n=len(hidden)) if hidden else ""


def drawn_map(fig: Figure, frame: MapFrame, labels: list[Annotation],
              hidden: list[Annotation], legend: list[str] | None = None,
              min_disc_px: float | None = None) -> DrawnMap:
    shown = [t for t in labels if t.get_visible()]
    return DrawnMap(frame, label_boxes(fig, shown), [t.get_text() for t in shown], legend or [],
                    [t.get_text() for t in hidden], min_disc_px)


def render_coverage_png(layers: MapLayers, out: Path | IO[bytes], dpi: int = DPI,
                        ring_px: float | None = COVERAGE_RING_PX) -> DrawnMap:
    """Write the coverage map as a PNG (A4 landscape); far-away APs are noted, not framed.

    Each counted AP's coverage shows at least `ring_px` beyond its marker (and the map says so
    when that made it larger than the footprint); None draws the footprint alone.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    lang = layers.language
    fig = Figure(figsize=A4_LANDSCAPE_IN, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes(MAP_AXES)
    frame = frame_of(layers, with_buildings=False)
    framed(ax, frame.bounds)
    if layers.water is not None:
        draw_areas(ax, layers.water.to_crs(LAMBERT93).geometry, facecolor=WATER_COLOUR,
                   edgecolor="none", zorder=1.5)
    aps = layers.aps.to_crs(LAMBERT93).assign(shown=layers.shown_states())
    clients = aps["clients"].to_numpy(dtype=float) if "clients" in aps else aps.index.to_numpy()
    disc_px = None if ring_px is None else marker_radius_px(clients, dpi) + ring_px
    enlarged = draw_visible_coverage(ax, layers.coverage.to_crs(LAMBERT93).geometry, aps,
                                     disc_px, dpi, metres_per_pixel(fig, ax))
    labels = draw_zones(ax, layers.zones, lang, with_pct=True)
    if not aps.empty:
        # Down APs on top: the one thing the committee must not miss.
        order = aps["shown"].map({s: i for i, s in enumerate(DRAW_ORDER)}).argsort()
        aps = aps.iloc[order.to_numpy()]
        ax.scatter(aps.geometry.x, aps.geometry.y,
                   s=marker_size(aps["clients"].to_numpy(dtype=float)),
                   c=aps["shown"].map(STATE_COLOURS).tolist(), edgecolors="white",
                   linewidths=0.5, zorder=5)
    add_scale_and_north(ax)
    legend = _legend(ax, layers)
    # Spread before the subtitle is written: it says how many labels had no room.
    hidden = place_labels(ax, labels)
    note = map_note(layers.coverage_note,
                    label(lang, "min_disc", px=f"{ring_px:g}") if enlarged else "",
                    outlier_note(frame, lang), hidden_note(hidden, lang))
    add_titles(fig, layers, label(lang, "coverage_title", site=layers.site), note)
    fig.savefig(out, format="png", dpi=dpi, pil_kwargs=PNG_OPTIONS)
    enlarged_px = float(disc_px.min()) if enlarged and disc_px is not None else None
    return drawn_map(fig, frame, labels, hidden, legend, enlarged_px)
