"""Importing a newer export onto the inventory file the config includes refreshes it: APs
updated by site id, new ones added, gone ones disabled, hand-made fields kept."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from netmon.cli.main import app
from netmon.config import load_config
from tests.support import open_data as od

HOST = ["--host-template", "{id}.wifi.example.org"]


def _import(listing: Path, config: Path, out: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["inventory", "import", str(listing), "-c", str(config),
                                      "-o", str(out), *HOST, *options])
    return result.exit_code, " ".join(result.output.split())


def _aps(out: Path) -> dict[str, dict[str, Any]]:
    return {ap["id"]: ap for ap in yaml.safe_load(out.read_text(encoding="utf-8"))["aps"]}


def _included(tmp_path: Path, listed: list[od.ListedSite]) -> tuple[Path, Path]:
    """A config including the inventory imported from `listed`, as a town would run it."""
    config = od.town_config(tmp_path, od.CITY_CENTRE)
    out = tmp_path / "hotspots.yaml"
    code, output = _import(od.ods_geojson(listed, tmp_path / "v1.geojson"), config, out)
    assert code == 0, output
    config.write_text(config.read_text(encoding="utf-8") + "include: [hotspots.yaml]\n",
                      encoding="utf-8")
    return config, out


def _edit_by_hand(out: Path, edit: dict[str, dict[str, Any]]) -> None:
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    for ap in doc["aps"]:
        ap.update(edit.get(ap["id"], {}))
    out.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_newer_export_refreshes_the_included_file_and_keeps_hand_made_fields(
        tmp_path: Path) -> None:
    listed = [replace(s, status="Opérationnel", aps=1) for s in od.city_sites(12)]
    listed[4] = replace(listed[4], aps=2)
    config, out = _included(tmp_path, listed)
    _edit_by_hand(out, {
        "pw001-1": {"host": "10.20.0.11", "profile": "unifi", "mac": "00:3a:7d:11:22:01",
                    "zone": "ville", "model": "U6-Mesh"},
        "pw002-1": {"enabled": False},  # switched off by a person: stays off
    })
    newer = [*listed]
    newer[0] = replace(newer[0], name="Square Carnot", lat=newer[0].lat + 0.001)
    newer[2] = replace(newer[2], status="Fermé pour travaux")
    newer[4] = replace(newer[4], aps=3)
    gone = newer.pop(7)
    newer.append(od.ListedSite("PW900", "Nouveau parc", "1 allée", "75001", 1, "Opérationnel",
                               *od.CITY_CENTRE))
    code, output = _import(od.ods_geojson(newer, tmp_path / "v2.geojson"), config, out)
    assert code == 0, output
    assert "~ pw001-1: name 'Square 1' -> 'Square Carnot'" in output and "moved 111 m" in output
    assert "~ pw003-1: status 'Opérationnel' -> 'Fermé pour travaux'" in output
    assert f"- {gone.site_id.lower()}-1: gone from the list, disabled" in output
    assert "+ pw005-3" in output and "+ pw900-1" in output
    assert "2 added, 2 updated, 1 disabled (gone from the list), 0 enabled again" in output
    aps = _aps(out)
    hand = aps["pw001-1"]
    assert (hand["host"], hand["profile"], hand["mac"], hand["model"]) == (
        "10.20.0.11", "unifi", "00:3a:7d:11:22:01", "U6-Mesh")
    assert hand["name"] == "Square Carnot" and hand["lat"] == round(newer[0].lat, 7)
    assert aps["pw002-1"]["enabled"] is False and aps["pw003-1"]["enabled"] is False
    away = aps[f"{gone.site_id.lower()}-1"]
    assert away["enabled"] is False and away["source"]["missing_since"]
    loaded = load_config(config)
    assert len(loaded.aps) == 15  # 12 sites, one with 3 APs, one new: none deleted
    assert {ap.id for ap in loaded.aps if not ap.enabled} == {
        "pw002-1", "pw003-1", f"{gone.site_id.lower()}-1"}

    # The first export again: the gone site and the closed one come back, the hand-made
    # switch-off stays, the AP added for the third AP of site 5 is disabled as gone.
    code, output = _import(tmp_path / "v1.geojson", config, out)
    assert code == 0, output
    aps = _aps(out)
    assert aps[f"{gone.site_id.lower()}-1"].get("enabled", True) is True
    assert "missing_since" not in aps[f"{gone.site_id.lower()}-1"]["source"]
    assert aps["pw003-1"].get("enabled", True) is True
    assert aps["pw002-1"]["enabled"] is False
    assert aps["pw005-3"]["enabled"] is False and aps["pw900-1"]["enabled"] is False
    assert aps["pw001-1"]["host"] == "10.20.0.11"


def test_a_truncated_export_is_refused_and_the_file_kept(tmp_path: Path) -> None:
    listed = od.city_sites(20)
    config, out = _included(tmp_path, listed)
    before = out.read_bytes()
    half = od.ods_geojson(listed[:10], tmp_path / "half.geojson")
    code, output = _import(half, config, out)
    assert code == 2 and "would be disabled (more than 20%)" in output
    assert "--replace" in output and out.read_bytes() == before
    code, output = _import(half, config, out, "--dry-run")
    assert code == 2 and out.read_bytes() == before
    code, output = _import(half, config, out, "--replace")
    assert code == 0, output
    off = [ap for ap in _aps(out).values() if ap.get("source", {}).get("missing_since")]
    assert len(off) == sum(s.aps for s in listed[10:])


def test_a_dry_run_shows_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    listed = od.city_sites(5)
    config, out = _included(tmp_path, listed)
    before = out.read_bytes()
    newer = [*listed, od.ListedSite("PW777", "Quai", "", "", 1, "Opérationnel",
                                    *od.CITY_CENTRE)]
    code, output = _import(od.ods_geojson(newer, tmp_path / "v2.geojson"), config, out,
                           "--dry-run")
    assert code == 0 and "+ pw777-1" in output and "would be written" in output
    assert out.read_bytes() == before


def test_a_rejected_row_keeps_its_aps_as_they_were(tmp_path: Path) -> None:
    listed = [replace(s, aps=1) for s in od.city_sites(6)]
    config, out = _included(tmp_path, listed)
    listing = od.datagouv_csv(listed, tmp_path / "v2.csv")
    lines = listing.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(f",{listed[2].lat},", ",quarante-huit,")
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = _import(listing, config, out)
    assert code == 1 and f"{listing}:4: lat/lon" in output
    assert "= pw003-1: row rejected this time, kept as it was" in output
    assert _aps(out)["pw003-1"].get("enabled", True) is True


def test_the_main_config_is_never_taken_for_an_inventory_file(tmp_path: Path) -> None:
    config = od.town_config(tmp_path, od.CITY_CENTRE)
    before = config.read_bytes()
    code, output = _import(od.ods_geojson(od.city_sites(3), tmp_path / "l.geojson"), config,
                           config)
    assert code == 2 and "not an inventory file written by `netmon inventory import`" in output
    assert config.read_bytes() == before
