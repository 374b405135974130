"""The printed fibre map: % of premises connectable per district, and the building points."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Final

from geo.coverage_png import (
    A4_LANDSCAPE_IN,
    DPI,
    MAP_AXES,
    PNG_OPTIONS,
    DrawnMap,
    draw_zones,
    drawn_map,
    hidden_note,
    largest_first,
    map_note,
    zone_label,
)
from geo.crs import LAMBERT93
from geo.fibre_colours import pct_colour
from geo.label_placement import place_labels
from geo.labels import label, percent
from geo.map_frame import frame_of, outlier_note
from geo.map_furniture import add_scale_and_north, add_titles, draw_areas, framed
from geo.mapdata import BUILDING_COLOURS, WATER_COLOUR, MapLayers

if TYPE_CHECKING:
    from pathlib import Path

BUILDING_MARKER: Final = 6.0


def render_fibre_png(layers: MapLayers, out: Path | IO[bytes], dpi: int = DPI) -> DrawnMap:
    """Write the fibre choropleth (A4 landscape); says so when no fibre figure is known.

    The frame holds the districts, the APs and the buildings; far-away points are noted.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import LinearSegmentedColormap, Normalize
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    lang = layers.language
    fig = Figure(figsize=A4_LANDSCAPE_IN, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes(MAP_AXES)
    fibre, buildings = layers.fibre, layers.buildings
    frame = frame_of(layers, with_buildings=True)
    framed(ax, frame.bounds)
    if layers.water is not None:
        draw_areas(ax, layers.water.to_crs(LAMBERT93).geometry, facecolor=WATER_COLOUR,
                   edgecolor="none", zorder=1)
    if fibre is not None and not fibre.empty:
        local = fibre.to_crs(LAMBERT93)
        for geometry, pct in zip(local.geometry, local["pct_connectable"], strict=True):
            draw_areas(ax, [geometry], facecolor=pct_colour(pct), edgecolor="#555555",
                       linewidth=0.8, zorder=2)
        labels = [zone_label(ax, row.geometry.representative_point(),
                             f"{row['name']}\n{percent(row['pct_connectable'], lang)}", 9)
                  for _, row in largest_first(local).iterrows()]
        # A district without a figure says so rather than vanishing from the map.
        missing = layers.zones[~layers.zones["id"].isin(fibre["id"])]
        labels += [zone_label(ax, row.geometry.representative_point(),
                              f"{row['name']}\n{label(lang, 'no_data')}", 9)
                   for _, row in largest_first(missing.to_crs(LAMBERT93)).iterrows()]
        draw_areas(ax, missing.to_crs(LAMBERT93).geometry, facecolor="none",
                   edgecolor="#555555", linewidth=0.8, linestyle="--", zorder=2)
    else:
        labels = draw_zones(ax, layers.zones, lang, with_pct=False)
        ax.text(0.5, 0.5, label(lang, "no_fibre"), transform=ax.transAxes, ha="center",
                fontsize=14, color="#666666")
    handles = []
    if buildings is not None and not buildings.empty and "status" in buildings:
        local_b = buildings.to_crs(LAMBERT93)
        ax.scatter(local_b.geometry.x, local_b.geometry.y, s=BUILDING_MARKER,
                   c=local_b["status"].map(BUILDING_COLOURS).fillna("#999999").tolist(),
                   linewidths=0, zorder=4)
        handles = [Line2D([], [], marker="o", linestyle="", markersize=5, color=colour,
                          label=label(lang, status)) for status, colour in BUILDING_COLOURS.items()]
    colours = LinearSegmentedColormap.from_list(
        "fibre", [pct_colour(p) for p in range(0, 101, 5)])
    bar = fig.colorbar(ScalarMappable(norm=Normalize(0, 100), cmap=colours), ax=ax,
                       fraction=0.03, pad=0.02, location="right")
    bar.set_label(label(lang, "fibre"))
    if handles:
        ax.legend(handles=handles, loc="lower right", fontsize=8, title=label(lang, "buildings"),
                  title_fontsize=9, framealpha=0.85)
    add_scale_and_north(ax)
    hidden = place_labels(ax, labels)
    add_titles(fig, layers, label(lang, "fibre_title", site=layers.site),
               map_note(_fibre_note(layers), outlier_note(frame, lang), hidden_note(hidden, lang)))
    fig.savefig(out, format="png", dpi=dpi, pil_kwargs=PNG_OPTIONS)
    return drawn_map(fig, frame, labels, hidden)


def _fibre_note(layers: MapLayers) -> str:
    fibre = layers.fibre
    if fibre is None or fibre.empty:
        return label(layers.language, "no_fibre")
    newest = max(fibre["day"])
    return label(layers.language, "as_of_day", day=newest)
