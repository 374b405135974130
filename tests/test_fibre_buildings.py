"""ARCEP's base_imb: buildings placed in the districts (point in polygon) and counted."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

from pyproj import Transformer
from shapely.geometry import Point, Polygon, shape

from collectors.fibre.arcep_buildings import STATES
from collectors.fibre.detect import read_fibre_file
from collectors.fibre.scope import District, ImportScope
from tests.support.fibre_files import CENTRE, COMMUNE_OUTLINE, GRAND_PORT, SAMPLES

SAMPLE = SAMPLES / "base_imb-73-20241231.csv"
DISTRICTS = (District("centre", "Centre-ville", tuple((x, y) for x, y in CENTRE)),
             District("grand-port", "Grand Port", tuple((x, y) for x, y in GRAND_PORT)))
SCOPE = ImportScope.of(DISTRICTS, ["73008"])
TO_WGS84 = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)


def sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="cp1252", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def expected_counts(rows: list[dict[str, str]], polygon: Polygon,
                    lambert: bool = True) -> tuple[int, int]:
    """(targeted, connectable) counted here with pyproj and shapely, not with the importer."""
    targeted = connectable = 0
    for row in rows:
        x, y = float(row["x"]), float(row["y"])
        lon, lat = TO_WGS84.transform(x, y) if lambert else (x, y)
        if polygon.contains(Point(lon, lat)):
            state = STATES[row["imb_etat"]]
            targeted += state != "abandoned"
            connectable += state == "connectable"
    return targeted, connectable


def counts(result_milestones: list) -> dict[str, tuple[int, int]]:  # type: ignore[type-arg]
    return {m.zone: (m.premises_total, m.premises_connectable) for m in result_milestones}


def test_lambert93_sample_is_counted_per_district_and_commune() -> None:
    rows = sample_rows()
    result = read_fibre_file(SAMPLE, SCOPE)
    assert result.format == "arcep-buildings"
    assert result.rejections == []
    found = counts(result.milestones)
    assert found["centre"] == expected_counts(rows, Polygon(CENTRE))
    assert found["grand-port"] == expected_counts(rows, Polygon(GRAND_PORT))
    ours = [r for r in rows if r["code_insee"] == "73008"]
    states = Counter(STATES[r["imb_etat"]] for r in ours)
    assert found["73008"] == (len(ours) - states["abandoned"], states["connectable"])
    assert result.skipped == len(rows) - len(ours)  # Grésy-sur-Aix, next door
    assert {m.day for m in result.milestones} == {date(2024, 12, 31)}  # from the file name
    assert all(m.source == "arcep-buildings" and m.operator == "all" for m in result.milestones)


def test_building_points_are_kept_in_wgs84_with_their_zone() -> None:
    result = read_fibre_file(SAMPLE, SCOPE)
    points = result.buildings
    assert points.crs.to_epsg() == 4326
    assert len(points) == sum(1 for r in sample_rows() if r["code_insee"] == "73008")
    centre = Polygon(CENTRE)
    for _, row in points.iterrows():
        assert ("centre" in row["zone"]) == centre.contains(row.geometry)
    assert set(points["status"]) <= {"connectable", "planned", "abandoned"}
    assert points["address"].str.len().min() > 0


def test_wgs84_coordinates_with_commas_and_utf8_give_the_same_counts(tmp_path: Path) -> None:
    rows = sample_rows()
    path = tmp_path / "base_imb_wgs84.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            lon, lat = TO_WGS84.transform(float(row["x"]), float(row["y"]))
            writer.writerow({**row, "x": f"{lon:.7f}", "y": f"{lat:.7f}"})
    lambert = counts(read_fibre_file(SAMPLE, SCOPE).milestones)
    wgs84 = read_fibre_file(path, SCOPE, day=date(2025, 1, 15))
    assert counts(wgs84.milestones) == lambert
    assert {m.day for m in wgs84.milestones} == {date(2025, 1, 15)}


def test_bad_buildings_of_ours_are_rejected_others_skipped(tmp_path: Path) -> None:
    header = ("x;y;imb_id;num_voie;cp_no_voie;type_voie;nom_voie;batiment;code_insee;code_poste;"
              "nom_com;catg_loc_imb;imb_etat;pm_ref;pm_etat;code_l331;geom_mod;type_imb;"
              "date_completude")
    rows = [
        "926950,1;6513720,4;IMB/1;1;;RUE;DE GENEVE;;73008;73100;Aix;individuel;deploye;;;;;P;",
        "926950,1;6513720,4;IMB/2;2;;RUE;DE GENEVE;;73008;73100;Aix;individuel;inconnu;;;;;P;",
        "abc;6513720;IMB/3;3;;RUE;DE GENEVE;;73008;73100;Aix;individuel;deploye;;;;;P;",
        "926950,1;6513720,4;IMB/1;1;;RUE;DE GENEVE;;73008;73100;Aix;individuel;deploye;;;;;P;",
        "2000000;6513720;IMB/4;3;;RUE;X;;73008;73100;Aix;individuel;deploye;;;;;P;",
        "abc;def;IMB/5;3;;RUE;X;;73128;73100;Grésy;individuel;bof;;;;;P;",
    ]
    path = tmp_path / "base_imb_20250331.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="cp1252")
    result = read_fibre_file(path, SCOPE)
    reasons = {r.line: r.reason for r in result.rejections}
    assert "imb_etat 'inconnu' is not one of deploye" in reasons[3]
    assert "coordinates x='abc' y='6513720' are not numbers" in reasons[4]
    assert reasons[5] == "building IMB/1 appears twice (first on line 2)"
    assert "neither WGS84 lon/lat nor Lambert-93" in reasons[6]
    assert 7 not in reasons and result.skipped == 1  # another commune: not ours
    assert counts(result.milestones)["73008"] == (1, 1)


def test_real_commune_outline_as_a_district(tmp_path: Path) -> None:
    """The IGN outline of Aix-les-Bains as a zone: every building of 73008 falls inside it."""
    import json

    geometry = shape(json.loads(COMMUNE_OUTLINE.read_text())["features"][0]["geometry"])
    ring = tuple((float(x), float(y)) for x, y in geometry.exterior.coords)
    scope = ImportScope.of([District("aix", "Aix-les-Bains", ring)], [])
    rows = sample_rows()
    result = read_fibre_file(SAMPLE, scope)
    assert counts(result.milestones)["aix"] == expected_counts(rows, Polygon(ring))
    assert counts(result.milestones)["aix"][0] > 100
