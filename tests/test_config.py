"""Configuration: inheritance, includes, references, and a clear message for every mistake."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from netmon.cli.main import app
from netmon.config import ConfigError, load_config

REPO = Path(__file__).resolve().parents[1]
SECRET = "s3cret-community-7f2"

BASE: dict[str, Any] = {
    "site": "Test town",
    "defaults": {"credentials": {"version": "2c", "community": "${TEST_COMMUNITY}"},
                 "placement": "outdoor"},
    "groups": {"v3": {"credentials": {"version": "3", "user": "netmon", "auth_protocol": "sha",
                                      "auth_key": "authkey-123", "priv_protocol": "aes",
                                      "priv_key": "privkey-123"}}},
    "zones": [{"id": "centre", "name": "Centre-ville",
               "polygon": [[5.90, 45.68], [5.92, 45.68], [5.92, 45.69]],
               "ap_defaults": {"placement": "indoor", "port": 1161}}],
    "aps": [
        {"id": "ap-1", "name": "Mairie 1", "zone": "centre", "lat": 45.688, "lon": 5.915,
         "host": "127.0.0.1"},
        {"id": "ap-2", "name": "Mairie 2", "zone": "centre", "lat": 45.688, "lon": 5.916,
         "host": "127.0.0.1", "placement": "outdoor", "credentials": {"community": "other"}},
        {"id": "ap-3", "name": "Mairie 3", "zone": "centre", "lat": 45.688, "lon": 5.917,
         "host": "127.0.0.1", "group": "v3"},
    ],
}


def write(tmp_path: Path, doc: dict[str, Any], name: str = "netmon.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _community(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_COMMUNITY", SECRET)
    monkeypatch.setenv("EMPTY_TOKEN", "")


def test_inheritance_defaults_zone_group_ap(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, BASE))
    ap1, ap2, ap3 = config.aps
    assert ap1.placement == "indoor" and ap1.port == 1161  # from the zone
    assert ap1.credentials is not None and ap1.credentials.community is not None
    assert ap1.credentials.community.get_secret_value() == SECRET  # from defaults + ${ENV}
    assert ap2.placement == "outdoor"  # the AP overrides the zone
    assert ap2.credentials is not None and ap2.credentials.version == "2c"
    assert ap2.credentials.community is not None
    assert ap2.credentials.community.get_secret_value() == "other"  # only what differs
    assert ap3.credentials is not None and ap3.credentials.security_level == "authPriv"
    assert config.zones[0].polygon is not None and config.zones[0].polygon[0] == \
        config.zones[0].polygon[-1]  # ring closed


def test_includes_and_geojson_zone(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    inventory = {"aps": doc.pop("aps"), "zones": [
        {"id": "commune", "name": "Aix-les-Bains",
         "geojson": str(REPO / "tests" / "data" / "aix-les-bains-73008.geojson")}]}
    (tmp_path / "inv").mkdir()
    write(tmp_path / "inv", inventory, "aps.yaml")
    doc["include"] = ["inv/aps.yaml"]
    config = load_config(write(tmp_path, doc))
    assert [a.id for a in config.aps] == ["ap-1", "ap-2", "ap-3"]
    commune = config.zone("commune")
    assert commune.polygon is not None and len(commune.polygon) > 20


def test_secrets_file_and_no_leak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_COMMUNITY")
    (tmp_path / "secrets.yaml").write_text(f"TEST_COMMUNITY: {SECRET}\n")
    (tmp_path / "secrets.yaml").chmod(0o600)
    doc = {**copy.deepcopy(BASE), "secrets_file": "secrets.yaml"}
    config = load_config(write(tmp_path, doc))
    assert SECRET not in repr(config) and SECRET not in str(config)
    assert "authkey-123" not in repr(config)
    assert SECRET not in config.model_dump_json()
    result = CliRunner().invoke(app, ["check-config", str(tmp_path / "netmon.yaml")])
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output


def test_an_api_open_to_the_network_without_a_token_is_warned_about(tmp_path: Path) -> None:
    doc = {**copy.deepcopy(BASE), "http": {"listen": "0.0.0.0:9108"}}
    result = CliRunner().invoke(app, ["check-config", str(write(tmp_path, doc))])
    assert result.exit_code == 0, result.output
    assert "reachable from the network and status_page.api_token is not set" in \
        " ".join(result.output.split())
    doc["status_page"] = {"api_token": "a-token-of-enough-length"}
    result = CliRunner().invoke(app, ["check-config", str(write(tmp_path, doc))])
    assert result.exit_code == 0 and "warning" not in result.output


def test_check_config_warns_when_a_silent_ap_cannot_fit_the_cycle(tmp_path: Path) -> None:
    doc = {**copy.deepcopy(BASE), "poll": {"interval_s": 5, "timeout_s": 2, "retries": 2}}
    result = CliRunner().invoke(app, ["check-config", str(write(tmp_path, doc))])
    assert result.exit_code == 0, result.output
    assert "timeout_s x (retries + 1) = 6 s does not fit the 4 s budget of a 5 s cycle" in \
        " ".join(result.output.split())
    doc["poll"] = {"interval_s": 60, "timeout_s": 2, "retries": 2}
    result = CliRunner().invoke(app, ["check-config", str(write(tmp_path, doc))])
    assert result.exit_code == 0 and "warning" not in result.output


def _mutate(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set `a.b[0].c` in a nested doc; value DELETE removes the key."""
    parts = path.replace("]", "").replace("[", ".").split(".")
    node: Any = doc
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    last = parts[-1]
    if value == "DELETE":
        del node[last]
    elif last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value


BAD = [
    ("aps[0].lat", 123.0, "netmon.yaml: aps[0].lat: must be <= 90"),
    ("aps[1].lon", "east", "netmon.yaml: aps[1].lon: Input should be a valid number"),
    ("aps[0].colour", "red", "netmon.yaml: aps[0].colour: unknown key"),
    ("pol", {"interval_s": 5}, "netmon.yaml: pol: unknown key"),
    ("poll", {"interval_s": 1}, "netmon.yaml: poll.interval_s: must be >= 5"),
    ("aps[0].name", "DELETE", "netmon.yaml: aps[0].name: required key is missing"),
    ("aps[0].zone", "harbour", "netmon.yaml: aps[0].zone: unknown zone 'harbour' (known: centre)"),
    ("aps[1].id", "ap-1", "netmon.yaml: aps[1].id: duplicate id 'ap-1'"),
    ("aps[0].profile", "cisco-9999", "netmon.yaml: aps[0].profile: unknown profile 'cisco-9999'"),
    ("aps[0].group", "nope", "netmon.yaml: aps[0].group: unknown group 'nope' (known: v3)"),
    ("aps[0].placement", "underwater", "netmon.yaml: aps[0].placement: Input should be 'indoor'"),
    ("aps[0].port", 70000, "netmon.yaml: aps[0].port: must be <= 65535"),
    ("aps[0].credentials", {"version": "4"}, "netmon.yaml: aps[0].credentials.version:"),
    ("groups.v3.credentials.user", "DELETE",
     "netmon.yaml: aps[2].credentials: SNMPv3 needs a user"),
    ("groups.v3.credentials.priv_key", "DELETE",
     "netmon.yaml: aps[2].credentials: priv_protocol aes needs a priv_key"),
    ("groups.v3.credentials.auth_protocol", "sha1024",
     "netmon.yaml: groups.v3.credentials.auth_protocol: Input should be"),
    ("groups.v3.credentials.priv_key", "short",
     "netmon.yaml: aps[2].credentials: SNMPv3 keys must be at least 8 characters"),
    ("defaults.credentials.community", "${NOT_SET_ANYWHERE}",
     "netmon.yaml: defaults.credentials.community: ${NOT_SET_ANYWHERE} is not set"),
    ("zones[0].polygon", [[5.9, 45.6]],
     "netmon.yaml: zones[0].polygon: a polygon needs at least 3"),
    ("zones[0].polygon[0]", [5.9, 145.6], "netmon.yaml: zones[0].polygon[0][1]: must be <= 90"),
    ("aps[0].host", "DELETE", "netmon.yaml: aps[0]: an AP needs a host"),
    ("include", ["missing.yaml"], "netmon.yaml: include[0]:"),
    ("aps[0].uplink_if", "eth[", "netmon.yaml: aps[0].uplink_if: not a valid regular expression"),
    ("status_page", {"api_token": "${EMPTY_TOKEN}"},
     "netmon.yaml: status_page.api_token: is empty (a ${NAME} set to \"\"?)"),
    ("status_page", {"api_token": "short-token"},
     "netmon.yaml: status_page.api_token: is 11 characters: at least 16"),
    ("groups.v3.credentials.context", "vlan-12",
     "context names are not supported: the poller's SNMP library (gufo-snmp)"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD, ids=[b[0] + "=" + str(b[1])[:12]
                                                                  for b in BAD])
def test_bad_config_names_file_key_and_expectation(tmp_path: Path, path: str, value: Any,
                                                    message: str) -> None:
    doc = copy.deepcopy(BASE)
    _mutate(doc, path, value)
    config_file = write(tmp_path, doc)
    result = CliRunner().invoke(app, ["check-config", str(config_file)])
    assert result.exit_code == 2, result.output
    assert message in result.output.replace("\n  ", " ")
    assert str(tmp_path) in result.output
    assert SECRET not in result.output and "authkey-123" not in result.output
    assert "Traceback" not in result.output


def test_not_yaml_and_not_a_mapping(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("aps: [\n  - id: x\n")
    with pytest.raises(ConfigError, match=r"broken.yaml: line \d+: not valid YAML"):
        load_config(broken)
    listing = tmp_path / "list.yaml"
    listing.write_text("- 1\n- 2\n")
    with pytest.raises(ConfigError, match="must be a YAML mapping"):
        load_config(listing)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.yaml")


def test_included_file_errors_name_the_included_file(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    aps = doc.pop("aps")
    aps[1]["lat"] = -100
    write(tmp_path, {"aps": aps, "poll": {"interval_s": 10}}, "aps.yaml")
    doc["include"] = ["aps.yaml"]
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, doc))
    text = str(info.value)
    assert f"{tmp_path / 'aps.yaml'}: aps[1].lat: must be >= -90" in text
    assert f"{tmp_path / 'aps.yaml'}: poll: unknown key (an included file holds only" in text


def test_cli_exit_code_2_in_a_real_process(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["aps"][0]["lat"] = 91
    result = subprocess.run([sys.executable, "-m", "netmon", "check-config",
                             str(write(tmp_path, doc))], capture_output=True, text=True,
                            env={"TEST_COMMUNITY": SECRET, "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert "aps[0].lat: must be <= 90" in result.stderr
    assert SECRET not in result.stderr + result.stdout


def test_demo_config_is_valid(demo_entry: Path) -> None:
    config = load_config(demo_entry)
    zones = {z.id: 0 for z in config.zones}
    for ap in config.aps:
        zones[ap.zone] += 1
    assert 35 <= zones["centre"] <= 45 and 8 <= zones["grand-port"] <= 12
    assert {ap.sim for ap in config.aps} == {"normal", "down", "flapping", "silent", "saturating"}


def test_check_config_reads_the_map_layers_it_names(tmp_path: Path) -> None:
    commune = REPO / "tests" / "data" / "aix-les-bains-73008.geojson"
    (tmp_path / "not-a-layer.geojson").write_text("this is not GeoJSON\n")
    (tmp_path / "points.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},'
        ' "geometry": {"type": "Point", "coordinates": [5.91, 45.69]}}]}')
    doc = copy.deepcopy(BASE)
    doc["maps"] = {"water": {"path": "missing/lac.geojson"},
                   "targets": {"path": "not-a-layer.geojson"},
                   "coverage": {"pathloss": {"buildings": {"path": "points.geojson"}}}}
    result = CliRunner().invoke(app, ["check-config", str(write(tmp_path, doc))])
    assert result.exit_code == 2, result.output
    output = result.output.replace("\n  ", " ")
    assert f"netmon.yaml: maps.water: {tmp_path}/missing/lac.geojson: no such file" in output
    assert "maps.targets: " in output and "cannot read it as a vector layer" in output
    assert ("maps.coverage.pathloss.buildings: " in output
            and "has no Polygon or MultiPolygon features" in output)

    doc["maps"] = {"water": {"path": str(commune)}, "targets": {"path": str(commune)}}
    result = CliRunner().invoke(app, ["check-config", str(write(tmp_path, doc))])
    assert result.exit_code == 0, result.output
