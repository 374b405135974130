"""The interactive map as one HTML file that works offline: Leaflet and the data inlined.

No request leaves the page unless `maps.tiles` names a (local) tile server.
"""

from __future__ import annotations

import base64
import json
import re
from html import escape
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Final

from geo.crs import LAMBERT93, WGS84
from geo.fibre_colours import STEPS_PCT, pct_colour
from geo.labels import Language, label, number, percent, percent_or_no_data, when
from geo.map_frame import EMPTY_FRAME, MapFrame, frame_of, outlier_note
from geo.mapdata import (
    BUILDING_COLOURS,
    COVERAGE_COLOUR,
    LEGEND_STATES,
    STATE_COLOURS,
    WATER_COLOUR,
    ZONE_COLOUR,
    MapLayers,
)

if TYPE_CHECKING:
    import geopandas as gpd

ASSETS: Final = files("geo") / "assets" / "leaflet"
CSS_IMAGE = re.compile(r"url\(images/([a-z0-9-]+\.png)\)")
# Each counted AP's coverage is drawn at least this many screen pixels in radius (wider than
# an AP marker, as on the PNG), at any zoom.
MIN_COVERAGE_RADIUS_PX: Final = 9


def leaflet_css() -> str:
    """leaflet.css with its images as data URIs."""
    css = (ASSETS / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        image = (ASSETS / "images" / match[1])
        if not image.is_file():
            return "none"
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    return CSS_IMAGE.sub(inline, css)


def leaflet_js() -> str:
    return (ASSETS / "leaflet.js").read_text(encoding="utf-8")


def _geojson(frame: gpd.GeoDataFrame | None, columns: list[str]) -> dict[str, Any] | None:
    if frame is None or frame.empty:
        return None
    keep = frame[[c for c in columns if c in frame.columns] + ["geometry"]]
    import numpy as np
    import shapely

    shapes = np.asarray(keep.geometry.array)
    keep = keep[~shapely.is_missing(shapes) & ~shapely.is_empty(shapes)]
    if keep.empty:
        return None
    doc: dict[str, Any] = json.loads(keep.to_json(na="null", drop_id=True, to_wgs84=True))
    return doc


def _ap_popup(row: dict[str, Any], lang: Language) -> str:
    clients = row.get("clients")
    uptime = row.get("uptime_30d_pct")
    lines = [f"<b>{escape(str(row['name']))}</b> <small>({escape(str(row['id']))})</small>",
             f"{label(lang, 'status')}: <b style=\"color:{STATE_COLOURS[row['shown']]}\">"
             f"{label(lang, row['shown'])}</b>",
             f"{label(lang, 'clients_now')}: "
             f"{'–' if clients is None or clients != clients else number(clients, lang, 0)}",
             f"{label(lang, 'uptime_30d')}: {percent(uptime, lang, 2)}",
             f"{label(lang, 'zone')}: {escape(str(row.get('zone_name', '')))}"]
    if row.get("address"):
        lines.append(f"{label(lang, 'address')}: {escape(str(row['address']))}")
    return "<br>".join(lines)


def _zone_popup(row: dict[str, Any], lang: Language) -> str:
    pct = row.get("coverage_pct")
    figure = label(lang, "no_data") if pct is None or pct != pct else (
        f"{percent(pct, lang)} {label(lang, 'of_land')} {label(lang, 'covered')}")
    return (f"<b>{escape(str(row['name']))}</b><br>{figure}"
            f"<br>{label(lang, 'aps')}: {int(row.get('aps_counted', 0))} / "
            f"{int(row.get('aps_total', 0))}")


def _fibre_popup(row: dict[str, Any], lang: Language) -> str:
    return (f"<b>{escape(str(row['name']))}</b><br>{percent(row.get('pct_connectable'), lang)} "
            f"{label(lang, 'connectable_pct')} ({label(lang, 'as_of_day', day=row['day'])})")


def _with(frame: gpd.GeoDataFrame | None, **columns: Any) -> gpd.GeoDataFrame | None:
    if frame is None or frame.empty:
        return frame
    return frame.assign(**columns)


def _radius_px(clients: Any) -> float:
    base, per = 5.0, 1.2
    if clients is None or clients != clients:
        return base
    return float(base + per * float(clients) ** 0.5)


def _frame_wgs84(frame: MapFrame) -> list[list[float]] | None:
    """The frame's [[south, west], [north, east]] for Leaflet's fitBounds; None when empty."""
    from pyproj import Transformer

    if frame.bounds == EMPTY_FRAME:
        return None
    to_wgs84 = Transformer.from_crs(LAMBERT93, WGS84, always_xy=True)
    west, south, east, north = to_wgs84.transform_bounds(*frame.bounds)
    return [[south, west], [north, east]]


def _counted_points(aps: gpd.GeoDataFrame) -> list[list[float]]:
    """[lat, lon] of each AP the coverage counts: drawn at a minimum screen size."""
    if aps.empty or "counted" not in aps:
        return []
    counted = aps[aps["counted"].astype(bool)]
    return [[float(p.y), float(p.x)] for p in counted.geometry]


def map_data(layers: MapLayers) -> dict[str, Any]:
    """Everything the page script draws, as plain JSON."""
    lang = layers.language
    aps = layers.aps.assign(shown=layers.shown_states()) if not layers.aps.empty else layers.aps
    records = aps.drop(columns="geometry").to_dict("records") if not aps.empty else []
    aps_out = _with(aps, popup=[_ap_popup(r, lang) for r in records],
                    colour=[STATE_COLOURS[r["shown"]] for r in records],
                    radius=[_radius_px(r.get("clients")) for r in records])
    frame = frame_of(layers, with_buildings=True)
    zone_rows = layers.zones.drop(columns="geometry").to_dict("records")
    zones = _with(layers.zones, popup=[_zone_popup(r, lang) for r in zone_rows],
                  figure=[percent_or_no_data(r.get("coverage_pct"), lang) for r in zone_rows])
    fibre = layers.fibre
    if fibre is not None and not fibre.empty:
        rows = fibre.drop(columns="geometry").to_dict("records")
        fibre = fibre.assign(popup=[_fibre_popup(r, lang) for r in rows],
                             fill=[pct_colour(r.get("pct_connectable")) for r in rows])
    buildings = layers.buildings
    if buildings is not None and not buildings.empty and "status" in buildings:
        buildings = buildings.assign(
            colour=buildings["status"].map(BUILDING_COLOURS).fillna("#999999"),
            popup=[f"{escape(str(a))}<br>{label(lang, s) if s in BUILDING_COLOURS else s}"
                   for a, s in zip(buildings.get("address", [""] * len(buildings)),
                                   buildings["status"], strict=True)])
    shown = layers.shown_states()
    far = outlier_note(frame, lang)
    return {
        "title": label(lang, "coverage_title", site=layers.site),
        "subtitle": f"{label(lang, 'as_of', when=when(layers.generated, lang))} — "
                    f"{layers.coverage_note}" + (f" — {far}" if far else ""),
        "frame": _frame_wgs84(frame),
        "outliers": [{"layer": o.layer, "id": o.id, "km": round(o.distance_m / 1000, 1)}
                     for o in frame.outliers],
        "coverage_points": _counted_points(layers.aps),
        "min_coverage_px": MIN_COVERAGE_RADIUS_PX,
        "sources": "; ".join(layers.sources),
        "tiles": None if layers.tiles is None else layers.tiles.model_dump(),
        "names": {k: label(lang, k) for k in ("aps", "coverage", "zones", "water", "fibre",
                                              "buildings")},
        "colours": {"coverage": COVERAGE_COLOUR, "water": WATER_COLOUR, "zone": ZONE_COLOUR},
        "legend": {
            "states": [{"colour": STATE_COLOURS[s], "text": f"{label(lang, s)} "
                        f"({shown.count(s)})"} for s in LEGEND_STATES if shown.count(s)],
            "fibre": [{"colour": pct_colour(p), "text": f"{p} %"} for p in STEPS_PCT]
            if fibre is not None and not fibre.empty else [],
        },
        "aps": _geojson(aps_out, ["id", "name", "state", "popup", "colour", "radius"]),
        "zones": _geojson(zones, ["id", "name", "coverage_pct", "popup", "figure"]),
        "coverage": _geojson(layers.coverage, ["model"]),
        "water": _geojson(layers.water, []),
        "fibre": _geojson(fibre, ["id", "name", "pct_connectable", "popup", "fill"]),
        "buildings": _geojson(buildings, ["status", "colour", "popup"]),
    }


def render_html_map(layers: MapLayers) -> str:
    """The whole offline page as one string (the status page embeds it too)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("geo", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    data = json.dumps(map_data(layers), ensure_ascii=False, allow_nan=False)
    return env.get_template("map.html.j2").render(
        lang=layers.language, title=label(layers.language, "coverage_title", site=layers.site),
        leaflet_css=leaflet_css(), leaflet_js=leaflet_js(),
        # "</" would end the script element early.
        data=data.replace("</", "<\\/"))
