"""Reading a published list of hotspot sites (CSV or any vector file) into sites and rejects."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from netmon.inventory.columns import ColumnMap
from netmon.inventory.list_tables import LAT, LON, ListFormatError, point_of, read_table
from netmon.inventory.status_words import Standing, StatusVocabulary

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
    status: str
    standing: Standing | None  # None: no status, or a word the vocabulary does not know
    cells: tuple[str, ...] = ()  # the row as read, for the rejects file

    @property
    def active(self) -> bool:
        """In service: said so, or said nothing we understand (reported, see `unknown`)."""
        return self.standing in (None, "in-service")


@dataclass(slots=True)
class HotspotRows:
    """The sites read, the rejected rows (line, reason, cells) and the header."""

    header: list[str]
    columns: ColumnMap
    sites: list[HotspotSite] = field(default_factory=list)
    rejected: list[tuple[int, str, list[str]]] = field(default_factory=list)
    unknown_statuses: Counter[str] = field(default_factory=Counter)
    rejected_sites: set[str] = field(default_factory=set)  # ids of rejected rows, if known


def _coordinate(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    return float(text) if NUMBER.match(text) else None


def _point(text: str) -> tuple[float, float] | None:
    """`45.69, 5.91` (Opendatasoft's geo_point_2d in CSV: lat first), `[45.69, 5.91]`, an
    object `{"lon": …, "lat": …}` (geo_point_2d in JSON and GeoJSON exports), or a GeoJSON
    geometry or Feature (geo_shape: lon first)."""
    if text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError:
            return None
        if isinstance(doc, dict) and {"lat", "lon"} <= doc.keys():
            lat, lon = _coordinate(str(doc["lat"])), _coordinate(str(doc["lon"]))
            return None if lat is None or lon is None else (lat, lon)
        return point_of(doc)
    parts = [p for p in re.split(r"[\s,;\[\]()]+", text.strip()) if p]
    if len(parts) != 2:
        return None
    lat, lon = (_coordinate(p) for p in parts)
    return None if lat is None or lon is None else (lat, lon)


def read_hotspot_list(path: Path, given: dict[str, str | None], crs: str | None = None,
                      sheet: str | None = None,
                      vocabulary: StatusVocabulary | None = None) -> HotspotRows:
    """Every row becomes a site or a rejection with its reason; never an exception per row.

    `crs`: the reference system of the lat/lon (Y/X) columns when not WGS84, e.g. EPSG:2154.
    A row's real geometry wins over its coordinate columns, unless the user named them.
    """
    if not path.is_file():
        raise HotspotListError(f"{path}: no such file")
    try:
        header, rows = read_table(path, sheet)
        columns = ColumnMap.detect(header, given)
    except (ListFormatError, ValueError) as exc:
        raise HotspotListError(str(exc)) from exc
    has_geometry = any(LAT in cells for _, cells in rows)
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
    named = any(given.get(role) for role in ("lat", "lon", "point"))
    words = vocabulary or StatusVocabulary()
    out = HotspotRows(header, columns)
    for line, cells in rows:
        site = _site(line, cells, columns, to_wgs84, named, words)
        original = [cells.get(h, "") for h in header]
        if isinstance(site, str):
            out.rejected.append((line, site, original))
            if key := (cells.get(columns.id or "") or cells.get(columns.name or "") or "").strip():
                out.rejected_sites.add(key)
            continue
        out.sites.append(dataclasses.replace(site, cells=tuple(original)))
        if site.status and site.standing is None:
            out.unknown_statuses[site.status] += 1
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
          to_wgs84: Callable[[float, float], tuple[float, float]] | None, named: bool,
          words: StatusVocabulary) -> HotspotSite | str:
    """The site of one row, or why the row cannot be one."""
    def cell(column: str | None) -> str:
        return cells.get(column, "").strip() if column else ""

    position: tuple[float, float] | None = None
    geometry = LAT in cells and not named
    if geometry:
        position = (float(cells[LAT]), float(cells[LON]))
    elif columns.lat and columns.lon and cell(columns.lat) and cell(columns.lon):
        lat, lon = _coordinate(cell(columns.lat)), _coordinate(cell(columns.lon))
        position = None if lat is None or lon is None else (lat, lon)
        if position is None:
            return f"lat/lon {cell(columns.lat)!r}, {cell(columns.lon)!r} are not numbers"
    elif columns.point and cell(columns.point):
        position = _point(cell(columns.point))
        if position is None:
            return f"{columns.point} {cell(columns.point)!r} is not 'lat, lon'"
    elif LAT in cells:
        position = (float(cells[LAT]), float(cells[LON]))
        geometry = True
    if position is None:
        return "no position (empty coordinates)"
    if to_wgs84 is not None and not geometry:
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
                       aps, status, words.standing(status) if status else None)
