"""Other towns' published hotspot lists import whole, in every shape their portals export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from netmon.cli.main import app
from netmon.config import load_config
from tests.support import open_data as od

HOST = ["--host-template", "{id}.wifi.example.org"]
Writer = Callable[[list[od.ListedSite], Path], Path]


def _import(listing: Path, config: Path, out: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["inventory", "import", str(listing), "-c", str(config),
                                      "-o", str(out), *HOST, *options])
    return result.exit_code, result.output


def _aps(out: Path) -> list[dict[str, Any]]:
    aps = yaml.safe_load(out.read_text(encoding="utf-8"))["aps"]
    assert isinstance(aps, list)
    return aps


def _expected_ids(listed: list[od.ListedSite]) -> list[str]:
    return [f"{s.site_id.lower()}-{n}" for s in listed for n in range(1, s.aps + 1)]


@pytest.mark.parametrize("writer", [od.ods_geojson, od.ods_csv, od.ods_json, od.ods_api_v1,
                                    od.ods_api_v2], ids=lambda w: w.__name__)
def test_a_city_list_imports_whole_from_every_opendatasoft_export(tmp_path: Path,
                                                                 writer: Writer) -> None:
    listed = od.city_sites()
    config = od.town_config(tmp_path, od.CITY_CENTRE)
    suffix = ".csv" if writer is od.ods_csv else (
        ".geojson" if writer is od.ods_geojson else ".json")
    out = tmp_path / "hotspots.yaml"
    code, output = _import(writer(listed, tmp_path / f"sites{suffix}"), config, out)
    assert code == 0, output
    text = " ".join(output.split())
    assert "id='idpw'" in text and "count='nombre_de_borne_wifi'" in text
    assert "status='etat2'" in text and "name='nom_site'" in text
    assert "columns not read: cp" in text
    aps = _aps(out)
    assert [ap["id"] for ap in aps] == _expected_ids(listed)
    closed = {s.site_id for s in listed if s.status != "Opérationnel"}
    assert {ap["source"]["site"] for ap in aps if ap.get("enabled") is False} == closed
    by_site = {s.site_id: s for s in listed}
    for ap in aps:
        site = by_site[ap["source"]["site"]]
        assert (ap["lat"], ap["lon"]) == (site.lat, site.lon)
        assert ap["name"].startswith(site.name) and ap["zone"] == "ville"
    config.write_text(config.read_text(encoding="utf-8") + f"include: [{out.name}]\n",
                      encoding="utf-8")
    assert len(load_config(config).aps) == sum(s.aps for s in listed)


def test_real_geometry_wins_over_a_broken_geo_point(tmp_path: Path) -> None:
    listed = od.city_sites(3)
    listing = od.ods_geojson(listed, tmp_path / "sites.geojson")
    text = listing.read_text(encoding="utf-8").replace(
        f'"lon": {listed[0].lon}, "lat": {listed[0].lat}', '"lon": "n/a", "lat": null')
    listing.write_text(text, encoding="utf-8")
    out = tmp_path / "hotspots.yaml"
    code, output = _import(listing, od.town_config(tmp_path, od.CITY_CENTRE), out)
    assert code == 0, output
    assert (_aps(out)[0]["lat"], _aps(out)[0]["lon"]) == (listed[0].lat, listed[0].lon)


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
def test_a_town_list_from_data_gouv_with_its_status_words(tmp_path: Path, shape: str) -> None:
    listed = od.town_sites()
    config = od.town_config(tmp_path, od.TOWN_CENTRE)
    out = tmp_path / "bornes.yaml"
    options: tuple[str, ...] = ()
    if shape == "csv":
        listing = od.datagouv_csv(listed, tmp_path / "bornes.csv")
    else:
        listing, options = od.datagouv_xlsx(listed, tmp_path / "bornes.xlsx"), ("--sheet",
                                                                                "Bornes")
    code, output = _import(listing, config, out, *options)
    assert code == 0, output
    text = " ".join(output.split())
    assert "count='nb_points_acces'" in text and "status='statut'" in text
    assert "columns not read: code_postal, commune" in text
    aps = _aps(out)
    assert [ap["id"] for ap in aps] == _expected_ids(listed)
    off = {s.site_id for s in listed if s.status in ("Hors service", "Projet")}
    assert off and {ap["source"]["site"] for ap in aps if ap.get("enabled") is False} == off


def test_a_workbook_without_the_sheet_names_the_sheets_it_has(tmp_path: Path) -> None:
    listing = od.datagouv_xlsx(od.town_sites(3), tmp_path / "bornes.xlsx", sheet="Bornes 2026")
    out = tmp_path / "bornes.yaml"
    code, output = _import(listing, od.town_config(tmp_path, od.TOWN_CENTRE), out,
                           "--sheet", "Bornes")
    assert code == 3 and "no sheet 'Bornes' (sheets: Notice, Bornes 2026)" in output
    assert not out.exists()


def test_unknown_status_words_are_reported_and_can_be_taught(tmp_path: Path) -> None:
    listed = [od.ListedSite("S1", "Plage", "", "", 1, "En réflexion", *od.TOWN_CENTRE),
              od.ListedSite("S2", "Port", "", "", 1, "Non opérationnel", *od.TOWN_CENTRE),
              od.ListedSite("S3", "Gare", "", "", 1, "EN SERVICE ", *od.TOWN_CENTRE)]
    listing = od.datagouv_csv(listed, tmp_path / "bornes.csv")
    config = od.town_config(tmp_path, od.TOWN_CENTRE)
    out = tmp_path / "bornes.yaml"
    code, output = _import(listing, config, out)
    assert code == 0, output
    assert "status words not in the vocabulary, taken as in service: 'En réflexion' (1 site)" \
        in " ".join(output.split())
    assert [ap.get("enabled", True) for ap in _aps(out)] == [True, False, True]
    code, output = _import(listing, config, out, "--status-word", "en réflexion=planned")
    assert code == 0 and "not in the vocabulary" not in output
    assert [ap.get("enabled", True) for ap in _aps(out)] == [False, False, True]
    code, output = _import(listing, config, out, "--status-word", "bof=maybe")
    assert code == 2 and "STANDING one of in-service, closed, planned" in output


def test_columns_named_on_the_command_line_win(tmp_path: Path) -> None:
    listing = tmp_path / "liste.csv"
    listing.write_text("ref;lieu;qty;y;x;etat\nA;Mairie;3;45.8992;6.1294;ouvert\n",
                       encoding="utf-8")
    out = tmp_path / "liste.yaml"
    code, output = _import(listing, od.town_config(tmp_path, od.TOWN_CENTRE), out,
                           "--id", "ref", "--name", "lieu", "--count", "qty")
    assert code == 0, output
    assert [ap["id"] for ap in _aps(out)] == ["a-1", "a-2", "a-3"]
    assert "not found" not in output


@pytest.mark.parametrize("name, content, message", [
    ("export.geojson", '{"type": "FeatureCollection", "features": [',
     "cannot read it as a vector file"),
    ("export.json", '{"type": "FeatureCollection", "features": [', "not JSON"),
    ("export.json", '{"records": 3}', "JSON but not a list of records nor GeoJSON"),
    ("export.json", "[1, 2, 3]", "JSON but not a list of records nor GeoJSON"),
])
def test_broken_json_exports_are_refused_whole(tmp_path: Path, name: str, content: str,
                                               message: str) -> None:
    listing = tmp_path / name
    listing.write_text(content, encoding="utf-8")
    out = tmp_path / "export.yaml"
    code, output = _import(listing, od.town_config(tmp_path, od.TOWN_CENTRE), out)
    assert code == 3 and message in " ".join(output.split())
    assert not out.exists()


def test_the_documented_status_table_lists_every_phrase_netmon_knows() -> None:
    from netmon.inventory.columns import normalised
    from netmon.inventory.status_words import VOCABULARY

    doc = (Path(__file__).resolve().parents[1] / "docs" / "maps-and-report.md").read_text(
        encoding="utf-8")
    rows = {line.split("|")[1].strip(): f" {normalised(line.split('|')[2]).replace('_', ' ')} "
            for line in doc.splitlines()
            if line.startswith("| ") and line.split("|")[1].strip() in (
                "closed", "planned", "in service")}
    for standing, phrases in VOCABULARY.items():
        documented = rows[standing.replace("-", " ")]
        assert [p for p in phrases if f" {p} " not in documented] == [], standing
