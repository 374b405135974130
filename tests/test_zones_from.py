"""Zones from one districts file: a zone per feature, MultiPolygons and holes kept, bad
features named, overlaps and gaps reported by check-config."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from netmon.cli.main import app
from netmon.config import ConfigError, load_config
from tests.test_config import BASE, write

LON, LAT = 5.90, 45.68  # Aix-les-Bains
D = 0.01  # about 780 m east-west, 1,100 m north-south


def square(x: float, y: float, size: float = D) -> list[list[float]]:
    return [[LON + x, LAT + y], [LON + x + size, LAT + y], [LON + x + size, LAT + y + size],
            [LON + x, LAT + y + size], [LON + x, LAT + y]]


def feature(code: Any, name: str, geometry: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"code_quartier": code, "nom": name},
            "geometry": geometry}


def districts(tmp_path: Path, extra: list[dict[str, Any]] = ()) -> Path:  # type: ignore[assignment]
    """Four quartiers: Centre with a hole (the thermes' park), Lac in two pieces (a
    MultiPolygon), Gare and Marlioz, which overlaps Gare by a tenth of a cell."""
    features = [
        feature("Q1", "Centre", {"type": "Polygon", "coordinates": [
            square(0, 0), square(0.004, 0.004, 0.002)[::-1]]}),
        feature("Q2", "Lac", {"type": "MultiPolygon", "coordinates": [
            [square(-D, 0)], [square(-D, 2 * D)]]}),
        feature("Q3", "Gare", {"type": "Polygon", "coordinates": [square(D, 0)]}),
        feature("Q4", "Marlioz", {"type": "Polygon", "coordinates": [square(1.9 * D, 0)]}),
        *extra,
    ]
    path = tmp_path / "quartiers.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def config_doc(source: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    doc["zones_from"] = [source]
    for ap in doc["aps"]:
        ap["zone"] = "q1"
    doc["zones"] = []
    return doc


@pytest.fixture(autouse=True)
def _community(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_COMMUNITY", "community-for-zones")


def test_one_zone_per_district_with_its_holes_and_pieces(tmp_path: Path) -> None:
    path = districts(tmp_path)
    config = load_config(write(tmp_path, config_doc(
        {"path": str(path), "id_field": "code_quartier", "name_field": "nom"})))
    assert [(z.id, z.name) for z in config.zones] == [
        ("q1", "Centre"), ("q2", "Lac"), ("q3", "Gare"), ("q4", "Marlioz")]
    centre, lac = config.zone("q1").outline(), config.zone("q2").outline()
    assert centre is not None and lac is not None
    assert len(centre.interiors) == 1
    assert centre.area == pytest.approx(D * D - 0.002 * 0.002)
    assert lac.geom_type == "MultiPolygon" and lac.area == pytest.approx(2 * D * D)


def test_bad_features_are_named_by_file_feature_and_field(tmp_path: Path) -> None:
    bowtie = [[LON, LAT], [LON + D, LAT + D], [LON + D, LAT], [LON, LAT + D], [LON, LAT]]
    path = districts(tmp_path, [
        feature(None, "Sans code", {"type": "Polygon", "coordinates": [square(0, 3 * D)]}),
        feature("Q3", "Gare bis", {"type": "Polygon", "coordinates": [square(0, 4 * D)]}),
        feature("Q7", "Un point", {"type": "Point", "coordinates": [LON, LAT]}),
        feature("Q8", "Noeud papillon", {"type": "Polygon", "coordinates": [bowtie]}),
    ])
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, config_doc({"path": str(path), "id_field": "code_quartier"})))
    text = "\n".join(caught.value.problems)
    assert f"zones_from[0]: {path} feature 5: code_quartier is empty" in text
    assert f"{path} feature 6: code_quartier 'Q3' is also feature 3's" in text
    assert f"{path} feature 7 (Q7): a Point, not a Polygon or MultiPolygon" in text
    assert f"{path} feature 8 (Q8): invalid outline: Self-intersection" in text
    with pytest.raises(ConfigError, match=r"no field 'quartier' \(fields: code_quartier, nom"):
        load_config(write(tmp_path, config_doc({"path": str(path), "id_field": "quartier"})))


def test_a_zone_geojson_keeps_every_polygon_of_its_file(tmp_path: Path) -> None:
    path = districts(tmp_path)
    doc = copy.deepcopy(BASE)
    doc["zones"] = [{"id": "centre", "name": "Toute la ville", "geojson": str(path)}]
    outline = load_config(write(tmp_path, doc)).zone("centre").outline()
    assert outline is not None and outline.geom_type == "MultiPolygon"
    assert len(outline.geoms) == 5  # 3 polygons, and Lac in 2


def test_check_config_reports_overlaps_and_gaps(tmp_path: Path) -> None:
    path = districts(tmp_path)
    town = tmp_path / "commune.geojson"
    town.write_text(json.dumps({"type": "Feature", "properties": {"nom": "Aix"}, "geometry": {
        "type": "Polygon", "coordinates": [square(-D, 0, 4 * D)]}}))
    doc = config_doc({"path": str(path), "id_field": "code_quartier", "name_field": "nom"})
    doc["maps"] = {"targets": {"path": str(town)}}
    result = CliRunner().invoke(app, ["check-config", str(write(tmp_path, doc))])
    out = " ".join(result.output.split())
    assert result.exit_code == 0, out
    assert "zones q3 and q4 overlap:" in out and "(10.0% of the smaller)" in out
    assert "q1 and q2 overlap" not in out  # they only touch
    assert "of maps.targets is in no zone" in out
