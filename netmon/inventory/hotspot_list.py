"""Reading a published list of hotspot sites (CSV or any vector file) into sites and rejects."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from netmon.inventory.columns import ColumnMap, inactive

ENCODINGS: Final = ("utf-8-sig", "cp1252")
VECTOR_SUFFIXES: Final = (".geojson", ".json", ".gpkg", ".shp", ".kml", ".fgb")
MAX_APS_PER_SITE: Final = 500
NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


class HotspotListError(Exception):
    """The file cannot be read as a hotspot list at all (nothing is imported)."""


@dataclass(frozen=True, slots=True)
class HotspotSite:
    """One site of the list: where, what it is called, how many APs, whether in service."""

    line: int
    site_id: str
    name: str
    address: str
    lat: float
    lon: float
    aps: int
    active: bool
    status: str
    cells: tuple[str, ...] = ()  # the row as read, for the rejects file


@dataclass(slots=True)
class HotspotRows:
    """The sites read, the rejected rows (line, reason, cells) and the header."""

    header: list[str]
    columns: ColumnMap
    sites: list[HotspotSite] = field(default_factory=list)
    rejected: list[tuple[int, str, list[str]]] = field(default_factory=list)


def _coordinate(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    return float(text) if NUMBER.match(text) else None


def _point(text: str) -> tuple[float, float] | None:
    """`45.69, 5.91` (Opendatasoft's geo_point_2d: lat first), `[45.69, 5.91]`, or a GeoJSON
    Point (Opendatasoft's geo_shape: lon first)."""
    if text.lstrip().startswith("{"):
        try:
            lon, lat = json.loads(text)["coordinates"][:2]
            return float(lat), float(lon)
        except (ValueError, KeyError, TypeError):
            return None
    parts = [p for p in re.split(r"[\s,;\[\]()]+", text.strip()) if p]
    if len(parts) != 2:
        return None
    lat, lon = (_coordinate(p) for p in parts)
    return None if lat is None or lon is None else (lat, lon)


def _table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and rows (with their line number) of a CSV or a vector file."""
    if path.suffix.lower() in VECTOR_SUFFIXES:
        return _vector_table(path)
    raw = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 decodes nearly anything; this is for safety
        raise HotspotListError(f"{path}: not text in UTF-8 or Windows-1252")
    try:
        dialect = csv.Sniffer().sniff(text[:20_000], delimiters=";,\t|")
    except csv.Error as exc:
        raise HotspotListError(f"{path}: not a CSV table (no ; , tab or | separated "
                               "columns found)") from exc
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise HotspotListError(f"{path}: empty file")
    header = [h.strip() for h in header]
    rows = []
    for row in reader:
        if any(cell.strip() for cell in row):
            rows.append((reader.line_num, dict(zip(header, (c.strip() for c in row),
                                                   strict=False))))
    return header, rows


def _vector_table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    import geopandas as gpd
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except (DataSourceError, DataLayerError, OSError, ValueError) as exc:
        raise HotspotListError(f"{path}: cannot read it as a vector file: {exc}") from exc
    if frame.crs is not None:
        frame = frame.to_crs("EPSG:4326")
    header = [c for c in frame.columns if c != "geometry"]
    rows = []
    for i, (_, feature) in enumerate(frame.iterrows()):
        cells = {c: "" if feature[c] is None or feature[c] != feature[c] else str(feature[c])
                 for c in header}
        geom = feature.geometry
        if geom is not None and not geom.is_empty:
            point = geom if geom.geom_type == "Point" else geom.representative_point()
            cells["__lat__"], cells["__lon__"] = repr(point.y), repr(point.x)
        rows.append((i + 1, cells))  # feature number: the "line" of a vector file
    return header, rows


def read_hotspot_list(path: Path, given: dict[str, str | None],
                      crs: str | None = None) -> HotspotRows:
    """Every row becomes a site or a rejection with its reason; never an exception per row.

    `crs`: the reference system of the lat/lon (Y/X) columns when not WGS84, e.g. EPSG:2154.
    """
    if not path.is_file():
        raise HotspotListError(f"{path}: no such file")
    header, rows = _table(path)
    try:
        columns = ColumnMap.detect(header, given)
    except ValueError as exc:
        raise HotspotListError(str(exc)) from exc
    has_geometry = any("__lat__" in cells for _, cells in rows)
    if not has_geometry and columns.point is None and (columns.lat is None or columns.lon is None):
        raise HotspotListError(
            f"{path}: no position: found neither a point geometry, nor lat/lon columns, nor a "
            f"geo_point column (columns: {', '.join(header)}); name them with --lat-column/"
            "--lon-column or --point-column")
    if columns.id is None and columns.name is None:
        raise HotspotListError(f"{path}: no site id nor name column (columns: "
                               f"{', '.join(header)}); name one with --id-column or "
                               "--name-column")
    to_wgs84 = _transformer(crs)
    out = HotspotRows(header, columns)
    for line, cells in rows:
        site = _site(line, cells, columns, to_wgs84)
        original = [cells.get(h, "") for h in header]
        if isinstance(site, str):
            out.rejected.append((line, site, original))
        else:
            out.sites.append(dataclasses.replace(site, cells=tuple(original)))
    return out


def _transformer(crs: str | None) -> Callable[[float, float], tuple[float, float]] | None:
    """(lat, lon) in `crs` -> (lat, lon) in WGS84; HotspotListError for an unknown CRS."""
    if crs is None:
        return None
    from pyproj import Transformer
    from pyproj.exceptions import CRSError

    try:
        transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    except CRSError as exc:
        raise HotspotListError(f"--crs {crs!r}: not a coordinate reference system: {exc}") \
            from exc

    def convert(y: float, x: float) -> tuple[float, float]:
        lon, lat = transformer.transform(x, y)
        return float(lat), float(lon)

    return convert


def _site(line: int, cells: dict[str, str], columns: ColumnMap,
          to_wgs84: Callable[[float, float], tuple[float, float]] | None = None
          ) -> HotspotSite | str:
    """The site of one row, or why the row cannot be one."""
    def cell(column: str | None) -> str:
        return cells.get(column, "").strip() if column else ""

    position: tuple[float, float] | None = None
    if columns.lat and columns.lon and cell(columns.lat) and cell(columns.lon):
        lat, lon = _coordinate(cell(columns.lat)), _coordinate(cell(columns.lon))
        position = None if lat is None or lon is None else (lat, lon)
        if position is None:
            return f"lat/lon {cell(columns.lat)!r}, {cell(columns.lon)!r} are not numbers"
    elif columns.point and cell(columns.point):
        position = _point(cell(columns.point))
        if position is None:
            return f"{columns.point} {cell(columns.point)!r} is not 'lat, lon'"
    elif "__lat__" in cells:
        position = (float(cells["__lat__"]), float(cells["__lon__"]))
    if position is None:
        return "no position (empty coordinates)"
    if to_wgs84 is not None and "__lat__" not in cells:
        position = to_wgs84(*position)
    lat, lon = position
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat + lon):
        return f"position {lat}, {lon} is outside WGS84 longitude/latitude"
    site_id, name = cell(columns.id), cell(columns.name)
    if not site_id and not name:
        return "no site id and no name"
    count_text = cell(columns.count)
    aps = 1
    if count_text:
        number = _coordinate(count_text)
        if number is None or number != int(number) or not 0 <= number <= MAX_APS_PER_SITE:
            return f"number of APs {count_text!r} is not a whole number from 0 to " \
                   f"{MAX_APS_PER_SITE}"
        aps = int(number)
    if aps == 0:
        return "the site has 0 APs"
    status = cell(columns.status)
    return HotspotSite(line, site_id or name, name or site_id, cell(columns.address), lat, lon,
                       aps, not inactive(status) if status else True, status)
