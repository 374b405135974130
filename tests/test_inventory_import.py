"""`netmon inventory import`: published hotspot lists -> YAML that check-config accepts."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from netmon.cli.main import app
from netmon.config import load_config
from tests.support.demo import demo_config_copy

# The shape of an Opendatasoft export (Paris, Lyon, Nantes...): ';', cp1252 from Excel,
# geo_point_2d as "lat, lon", a number of APs per site and a status.
CSV_LIST = """Code Site;Nom du site;Adresse;Nombre de bornes;Etat du site;geo_point_2d
AIX-001;Place Carnot;Place Carnot, 73100 Aix-les-Bains;2;Opérationnel;45.6890, 5.9170
AIX-002;Esplanade du Lac;Esplanade du Lac, 73100 Aix-les-Bains;1;En travaux;45.6975, 5.8888
AIX-003;Gare;Place de la Gare;deux;Opérationnel;45.6880, 5.9100
AIX-004;Chambéry;Place du Palais de Justice, Chambéry;1;Opérationnel;45.5646, 5.9178
AIX-005;Sans position;;1;Opérationnel;
AIX-001;Doublon;Place Carnot;1;Opérationnel;45.6890, 5.9170
"""


def _config(tmp_path: Path) -> Path:
    return demo_config_copy(tmp_path)


def _with_include(config: Path, inventory: Path) -> Path:
    doc = yaml.safe_load(config.read_text(encoding="utf-8"))
    doc["include"] = [str(inventory)]
    config.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
                      encoding="utf-8")
    return config


def test_csv_list_round_trips_through_check_config(tmp_path: Path) -> None:
    config = _config(tmp_path)
    listing = tmp_path / "hotspots.csv"
    listing.write_bytes(CSV_LIST.encode("cp1252"))
    out = tmp_path / "hotspots.yaml"
    result = CliRunner().invoke(app, ["inventory", "import", str(listing), "-c", str(config),
                                      "--controller", "zd-centre", "-o", str(out)])
    assert result.exit_code == 1, result.output  # some rows rejected
    assert "3 APs from 2 sites (1 disabled" in result.output
    aps = yaml.safe_load(out.read_text(encoding="utf-8"))["aps"]
    assert [a["id"] for a in aps] == ["aix-001-1", "aix-001-2", "aix-002-1"]
    assert aps[0]["zone"] == "centre" and aps[2]["zone"] == "grand-port"  # by polygon
    assert aps[0]["name"] == "Place Carnot 1" and aps[0]["site"] == "Place Carnot"
    assert aps[2]["enabled"] is False and "enabled" not in aps[0]  # "En travaux"
    assert aps[0]["lat"] == 45.689 and aps[0]["lon"] == 5.917
    rejects = (tmp_path / "hotspots.rejects.csv").read_text(encoding="utf-8-sig").splitlines()
    reasons = {line.split(";")[0]: line.split(";")[1] for line in rejects[1:]}
    assert set(reasons) == {"4", "5", "6", "7"}
    assert "not a whole number" in reasons["4"] and "inside no zone" in reasons["5"]
    assert "no position" in reasons["6"] and "already on line 2" in reasons["7"]
    assert rejects[1].endswith("AIX-003;Gare;Place de la Gare;deux;Opérationnel;45.6880, 5.9100")
    merged = _with_include(config, out)
    check = CliRunner().invoke(app, ["check-config", str(merged)])
    assert check.exit_code == 0, check.output
    loaded = load_config(merged)
    assert len(loaded.aps) == 53
    assert {ap.id for ap in loaded.aps if not ap.enabled} == {"aix-002-1"}


def test_geojson_list_with_renamed_columns_and_host_template(tmp_path: Path) -> None:
    config = _config(tmp_path)
    features = [{"type": "Feature",
                 "properties": {"ref_borne": f"B{i}", "libelle_lieu": f"Lieu {i}", "nb": 1},
                 "geometry": {"type": "Point", "coordinates": [5.9160 + i * 0.0005, 45.6885]}}
                for i in range(3)]
    listing = tmp_path / "bornes.geojson"
    listing.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    out = tmp_path / "bornes.yaml"
    result = CliRunner().invoke(app, [
        "inventory", "import", str(listing), "-c", str(config), "-o", str(out),
        "--id-column", "ref_borne", "--name-column", "libelle_lieu", "--count-column", "nb",
        "--host-template", "{id}.wifi.aixlesbains.fr", "--id-prefix", "odp-",
        "--placement", "outdoor", "--profile", "unifi"])
    assert result.exit_code == 0, result.output
    aps = yaml.safe_load(out.read_text(encoding="utf-8"))["aps"]
    assert [a["host"] for a in aps] == [f"odp-b{i}-1.wifi.aixlesbains.fr" for i in range(3)]
    assert all(a["zone"] == "centre" and a["profile"] == "unifi" for a in aps)
    check = CliRunner().invoke(app, ["check-config", str(_with_include(config, out))])
    assert check.exit_code == 0, check.output


def test_lat_lon_columns_and_a_fallback_zone(tmp_path: Path) -> None:
    config = _config(tmp_path)
    listing = tmp_path / "wifi.csv"
    listing.write_text("id,name,latitude,longitude\nx1,Chambéry,\"45,5646\",\"5,9178\"\n",
                       encoding="utf-8")
    out = tmp_path / "wifi.yaml"
    result = CliRunner().invoke(app, ["inventory", "import", str(listing), "-c", str(config),
                                      "--controller", "wlc-port", "--fallback-zone",
                                      "grand-port", "-o", str(out)])
    assert result.exit_code == 0, result.output
    aps = yaml.safe_load(out.read_text(encoding="utf-8"))["aps"]
    assert aps == [{"id": "x1-1", "zone": "grand-port", "name": "Chambéry", "site": "Chambéry",
                    "lat": 45.5646, "lon": 5.9178, "controller": "wlc-port",
                    "source": {"site": "x1"}}]


def test_geojson_point_in_a_csv_cell(tmp_path: Path) -> None:
    config = _config(tmp_path)
    listing = tmp_path / "ods.csv"
    listing.write_text('identifiant;nom_site;geo_shape\n7;Thermes;"{""coordinates"": '
                       '[5.9157, 45.6884], ""type"": ""Point""}"\n', encoding="utf-8")
    out = tmp_path / "ods.yaml"
    result = CliRunner().invoke(app, ["inventory", "import", str(listing), "-c", str(config),
                                      "--controller", "zd-centre", "-o", str(out)])
    assert result.exit_code == 0, result.output
    ap = yaml.safe_load(out.read_text(encoding="utf-8"))["aps"][0]
    assert (ap["id"], ap["lat"], ap["lon"], ap["zone"]) == ("7-1", 45.6884, 5.9157, "centre")


def test_lambert93_columns_with_crs(tmp_path: Path) -> None:
    config = _config(tmp_path)
    listing = tmp_path / "bornes-l93.csv"
    # Hôtel de Ville, in Lambert-93 metres (X east, Y north), as some towns publish them.
    listing.write_text("id;nom;X;Y\nhdv;Hôtel de Ville;926880.8;6514059.8\n", encoding="utf-8")
    out = tmp_path / "l93.yaml"
    result = CliRunner().invoke(app, ["inventory", "import", str(listing), "-c", str(config),
                                      "--controller", "zd-centre", "--crs", "EPSG:2154",
                                      "--lat-column", "Y", "--lon-column", "X", "-o", str(out)])
    assert result.exit_code == 0, result.output
    ap = yaml.safe_load(out.read_text(encoding="utf-8"))["aps"][0]
    assert ap["zone"] == "centre"
    assert abs(ap["lat"] - 45.6884) < 0.001 and abs(ap["lon"] - 5.9157) < 0.001


def test_bad_input_is_refused_with_a_reason_and_nothing_written(tmp_path: Path) -> None:
    config = _config(tmp_path)
    listing = tmp_path / "hotspots.csv"
    listing.write_bytes(CSV_LIST.encode("cp1252"))
    out = tmp_path / "out.yaml"
    runner = CliRunner()
    no_host = runner.invoke(app, ["inventory", "import", str(listing), "-c", str(config),
                                  "-o", str(out)])
    assert no_host.exit_code == 2 and "--controller ID" in no_host.output
    bad_zone = runner.invoke(app, ["inventory", "import", str(listing), "-c", str(config),
                                   "--controller", "zd-centre", "--zone", "lune"])
    assert bad_zone.exit_code == 2 and "unknown zone 'lune'" in bad_zone.output
    bad_column = runner.invoke(app, ["inventory", "import", str(listing), "-c", str(config),
                                     "--controller", "zd-centre", "--lat-column", "Y"])
    assert bad_column.exit_code == 3 and "--lat-column 'Y': no such column" in bad_column.output
    minutes = tmp_path / "minutes.csv"
    minutes.write_text("Compte rendu;du comité\nRien;à signaler\n", encoding="utf-8")
    no_position = runner.invoke(app, ["inventory", "import", str(minutes), "-c", str(config),
                                      "--controller", "zd-centre", "-o", str(out)])
    assert no_position.exit_code == 3 and "no position" in no_position.output
    assert not out.exists()
