"""What every printed map carries: scale bar, north arrow, title, date and sources."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from geo.labels import label, when
from geo.mapdata import MapLayers

# Characters of the subtitle per line on an A4 landscape page at 9 pt.
SUBTITLE_CHARS = 150
SOURCES_CHARS = 230  # at 7 pt

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from shapely.geometry.base import BaseGeometry


def add_scale_and_north(ax: Axes) -> None:
    """A metric scale bar (the axes are in Lambert-93 metres) and a north arrow."""
    from matplotlib_scalebar.scalebar import ScaleBar

    ax.set_xlabel("")  # GeoPandas names the projected axes; a printed map does not
    ax.set_ylabel("")
    ax.add_artist(ScaleBar(1.0, units="m", location="lower left", box_alpha=0.8,
                           scale_loc="top", length_fraction=0.22))
    ax.annotate("N", xy=(0.95, 0.97), xytext=(0.95, 0.86), xycoords="axes fraction",
                ha="center", va="center", fontsize=12, fontweight="bold",
                arrowprops={"facecolor": "black", "width": 4, "headwidth": 11,
                            "headlength": 10})


def add_titles(fig: Figure, layers: MapLayers, title: str, note: str) -> None:
    """Title, the moment the data describe, what the figure counts, and its sources."""
    lang = layers.language
    fig.suptitle(title, x=0.02, y=0.975, ha="left", fontsize=15, fontweight="bold")
    line = f"{label(lang, 'as_of', when=when(layers.generated, lang))} — {note}"
    fig.text(0.02, 0.935, textwrap.fill(line, SUBTITLE_CHARS), ha="left", va="top", fontsize=9,
             color="#444444")
    basemap = layers.tiles.attribution if layers.tiles else label(lang, "no_basemap")
    colon = "\u00a0:" if lang == "fr" else ":"
    credits = "; ".join([*layers.sources, basemap])
    fig.text(0.02, 0.012, textwrap.fill(f"{label(lang, 'sources')}{colon} {credits}",
                                        SOURCES_CHARS), ha="left", va="bottom", fontsize=7,
             color="#444444")


def draw_areas(ax: Axes, geometries: Iterable[BaseGeometry], **style: Any) -> None:
    """Polygons as patches (Lambert-93).

    Not GeoDataFrame.plot: it redraws the whole figure after each layer (draw_idle).
    """
    from matplotlib.collections import PatchCollection
    from shapely.plotting import patch_from_polygon

    patches = [patch_from_polygon(g) for g in geometries if g is not None and not g.is_empty
               and g.geom_type in ("Polygon", "MultiPolygon")]
    # autolim off: the frame is set by `framed`, and limits of curved paths are slow to find.
    ax.add_collection(PatchCollection(patches, **style), autolim=False)


def framed(ax: Axes, bounds: tuple[float, float, float, float], margin: float = 0.08) -> None:
    """Show `bounds` (Lambert-93) with a margin, metres equal both ways, no axis ticks."""
    minx, miny, maxx, maxy = bounds
    pad = max(maxx - minx, maxy - miny, 200.0) * margin
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#999999")
