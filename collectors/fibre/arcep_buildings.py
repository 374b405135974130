"""ARCEP's per-building file (`base_imb` of "Ma connexion internet"), counted per district.

Each building (imb_id) has a position (x, y), a commune (code_insee) and a state (imb_etat).
Buildings are placed in the config's district polygons (point in polygon, WGS84) and counted
per district and per configured commune; the points are kept for the maps.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

import geopandas as gpd
import numpy as np
from shapely import wkt
from shapely.geometry import Polygon

from collectors.fibre.coordinates import WGS84, Crs, crs_of, to_wgs84
from collectors.fibre.filedate import snapshot_day
from collectors.fibre.labels import Column, find_header, normalise
from collectors.fibre.reading import CUT_ROW, TextTable, is_csv_error, parse_number
from collectors.fibre.records import ALL_OPERATORS, FormatError, ImportResult, Milestone
from collectors.fibre.scope import ImportScope, insee_code

Status = Literal["connectable", "planned", "abandoned"]
# imb_etat -> what it means for the rollout. Connectable: a subscriber can order a line now
# (or on request); planned: targeted but not connectable yet; abandoned: no longer targeted.
STATES: Final[dict[str, Status]] = {
    "deploye": "connectable",
    "raccordable demande": "connectable",
    "en cours de deploiement": "planned",
    "signe": "planned",
    "cible": "planned",
    "abandonne": "abandoned",
}
COLUMNS: Final = (
    Column("x", ("x", "lon", "longitude", "coord x", "x l93")),
    Column("y", ("y", "lat", "latitude", "coord y", "y l93")),
    Column("imb_id", ("imb_id", "id immeuble", "identifiant immeuble")),
    Column("code_insee", ("code_insee", "code commune", "insee")),
    Column("imb_etat", ("imb_etat", "etat immeuble", "etat")),
    Column("num_voie", ("num_voie",), required=False),
    Column("cp_no_voie", ("cp_no_voie",), required=False),
    Column("type_voie", ("type_voie",), required=False),
    Column("nom_voie", ("nom_voie",), required=False),
    Column("nom_com", ("nom_com", "nom commune"), required=False),
    Column("catg_loc_imb", ("catg_loc_imb",), required=False),
    Column("pm_etat", ("pm_etat",), required=False),
    Column("code_l331", ("code_l331",), required=False),
    Column("type_imb", ("type_imb",), required=False),
)
# catg_loc_imb -> the fewest premises (locaux) such a building has; base_imb gives a range.
PREMISES_AT_LEAST: Final[dict[str, int]] = {
    "individuel": 1,
    "1": 1,
    "entre 2 et 11": 2,
    "entre 12 et 35": 12,
    "plus de 35": 36,
}
EXPECTED: Final = ("an ARCEP base_imb file: the columns x, y, imb_id, code_insee and imb_etat "
                   "(deploye, raccordable demande, en cours de deploiement, signe, cible, "
                   "abandonne)")
ADDRESS_KEYS: Final = ("num_voie", "cp_no_voie", "type_voie", "nom_voie")


@dataclass(slots=True)
class _Building:
    line: int
    cells: list[str]
    imb_id: str
    code: str | None
    x: float | None
    y: float | None
    crs: Crs | None
    status: Status | None
    problem: str | None  # why it cannot be counted, if it turns out to be ours
    zones: tuple[str, ...] = ()


def header_of(table: TextTable) -> tuple[int, dict[str, int]]:
    match = find_header(table.rows, COLUMNS)
    if not match.complete:
        first = table.rows[match.index][1] if table.rows else []
        raise FormatError(f"{table.path}: not {EXPECTED}; missing {', '.join(match.missing)} "
                          f"(header found: {', '.join(first)[:300] or 'none'})")
    return match.index, match.columns


def read_arcep_buildings(table: TextTable, scope: ImportScope,
                         day: date | None = None) -> ImportResult:
    """Connectable and targeted buildings per district and commune, for the file's day."""
    header_index, columns = header_of(table)
    header = table.rows[header_index][1]
    result = ImportResult(table.path, "arcep-buildings", header, table.delimiter)
    when, origin = snapshot_day(table.path, day)
    result.notes.append(f"buildings counted as of {when.isoformat()} (date from {origin})")
    buildings = [_parse(line, cells, columns, line == table.cut_line)
                 for line, cells in table.rows[header_index + 1 :] if any(c.strip() for c in cells)]
    _place(buildings, scope)
    kept: list[_Building] = []
    first_line: dict[str, int] = {}
    for building in buildings:
        ours = bool(building.zones) or (building.code is not None
                                        and building.code in scope.communes)
        # Another commune's building is skipped only when the row says so: a row that cannot
        # be read (no commune code) may be ours, so it is rejected, never skipped.
        if not ours and (building.problem is None or building.code is not None):
            result.skipped += 1
        elif building.problem is not None:
            result.reject(building.line, building.problem, building.cells)
        elif building.imb_id in first_line:
            result.reject(building.line, f"building {building.imb_id} appears twice "
                          f"(first on line {first_line[building.imb_id]})", building.cells)
        else:
            first_line[building.imb_id] = building.line
            kept.append(building)
    result.milestones = _counts(kept, scope, when)
    result.premises_at_least = sum(premises_at_least(_cell(b.cells, columns, "catg_loc_imb"))
                                   for b in kept)
    result.buildings = _frame(kept, columns, when)
    return result


def premises_at_least(category: str) -> int:
    """The fewest premises a building of this catg_loc_imb has (1 when it is not given)."""
    return PREMISES_AT_LEAST.get(normalise(category), 1)


def _cell(cells: list[str], columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _parse(line: int, cells: list[str], columns: dict[str, int], cut: bool) -> _Building:
    """One row, as far as it can be read; what is wrong is kept as `problem`."""
    if is_csv_error(cells):
        return _Building(line, cells[1:], "", None, None, None, None, None,
                         "not a readable CSV row")
    code_text = _cell(cells, columns, "code_insee")
    code = insee_code(code_text)
    building = _Building(line, cells, _cell(cells, columns, "imb_id"), code, None, None, None,
                         None, None)
    x_text, y_text = _cell(cells, columns, "x"), _cell(cells, columns, "y")
    x, y = parse_number(x_text), parse_number(y_text)
    etat = _cell(cells, columns, "imb_etat")
    problems = []
    if x is None or y is None:
        problems.append(f"coordinates x={x_text!r} y={y_text!r} are not numbers")
    else:
        building.crs = crs_of(x, y)
        if building.crs is None:
            problems.append(f"coordinates x={x_text} y={y_text} are neither WGS84 lon/lat nor "
                            f"Lambert-93 metres")
        else:
            building.x, building.y = x, y
    if code is None:
        problems.append(f"code_insee {code_text!r} is not an INSEE commune code")
    if not building.imb_id:
        problems.append("imb_id is empty")
    building.status = STATES.get(normalise(etat))
    if building.status is None:
        problems.append(f"imb_etat {etat!r} is not one of {', '.join(STATES)}")
    if cut:  # its last cells are missing, whatever the others say
        problems.insert(0, CUT_ROW)
    building.problem = "; ".join(problems) or None
    return building


def _place(buildings: list[_Building], scope: ImportScope) -> None:
    """Turn located buildings' x/y into WGS84 lon/lat and set the districts that contain them."""
    located = [b for b in buildings if b.crs is not None and b.x is not None and b.y is not None]
    if not located:
        return
    lon, lat = to_wgs84([b.x or 0.0 for b in located], [b.y or 0.0 for b in located],
                        [b.crs or WGS84 for b in located])
    for building, x, y in zip(located, lon.tolist(), lat.tolist(), strict=True):
        building.x, building.y = x, y
    districts = [d for d in scope.districts if d.polygon]
    if not districts:
        return
    points = gpd.GeoDataFrame({"n": np.arange(len(located))},
                              geometry=gpd.points_from_xy(lon, lat), crs=WGS84)
    zones = gpd.GeoDataFrame({"zone": [d.id for d in districts]},
                             geometry=[wkt.loads(d.outline_wkt) if d.outline_wkt
                                       else Polygon(d.polygon or ()) for d in districts],
                             crs=WGS84)
    joined = gpd.sjoin(points, zones, how="inner", predicate="within")
    found: dict[int, list[str]] = {}
    for n, zone in zip(joined["n"].tolist(), joined["zone"].tolist(), strict=True):
        found.setdefault(int(n), []).append(str(zone))
    for n, zone_ids in found.items():
        located[n].zones = tuple(sorted(zone_ids))


def _counts(kept: list[_Building], scope: ImportScope, when: date) -> list[Milestone]:
    """Targeted (all but abandoned) and connectable buildings per district and commune."""
    targeted: Counter[str] = Counter()
    connectable: Counter[str] = Counter()
    present: dict[str, int] = {}
    for building in kept:
        zones = list(building.zones)
        if building.code in scope.communes and building.code is not None:
            zones.append(building.code)
        for zone in zones:
            present.setdefault(zone, building.line)
            if building.status != "abandoned":
                targeted[zone] += 1
            if building.status == "connectable":
                connectable[zone] += 1
    return [Milestone(when, zone, ALL_OPERATORS, "arcep-buildings", targeted[zone],
                      connectable[zone], line=line) for zone, line in present.items()]


def _frame(kept: list[_Building], columns: dict[str, int], when: date) -> gpd.GeoDataFrame:
    """The kept buildings as WGS84 points, for the maps."""
    placed = [b for b in kept if b.x is not None and b.y is not None]
    data = {
        "imb_id": [b.imb_id for b in placed],
        "imb_etat": [_cell(b.cells, columns, "imb_etat") for b in placed],
        "status": [b.status or "" for b in placed],
        "zone": [",".join(b.zones) for b in placed],
        "code_insee": [b.code or "" for b in placed],
        "address": [" ".join(p for p in (_cell(b.cells, columns, k) for k in ADDRESS_KEYS) if p)
                    for b in placed],
        "commune": [_cell(b.cells, columns, "nom_com") for b in placed],
        "type_imb": [_cell(b.cells, columns, "type_imb") for b in placed],
        "catg_loc_imb": [_cell(b.cells, columns, "catg_loc_imb") for b in placed],
        "date": [when.isoformat()] * len(placed),
    }
    geometry = gpd.points_from_xy(np.array([b.x for b in placed], dtype=float),
                                  np.array([b.y for b in placed], dtype=float))
    return gpd.GeoDataFrame(data, geometry=geometry, crs=WGS84)
