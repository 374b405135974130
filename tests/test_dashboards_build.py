"""`netmon dashboards build` reproduces the committed dashboards/generated/ exactly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from dashboards.catalog import inventory_csv
from dashboards.output import generated_files, write_tree
from netmon.config.loader import load_config
from tests.support.demo import REPO

COMMITTED = REPO / "dashboards" / "generated"
CLI_TIMEOUT_S = 60


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_committed_dashboards_match_a_fresh_build_exactly(demo_entry: Path) -> None:
    fresh = generated_files(load_config(demo_entry))
    committed = _tree(COMMITTED)
    assert sorted(committed) == sorted(fresh), "files added or removed: run `netmon dashboards " \
        "build --out dashboards/generated` and commit"
    drifted = [path for path, text in fresh.items() if committed[path] != text]
    assert drifted == [], f"generated files differ from the Python: {drifted}"


def test_cli_build_writes_the_same_tree(tmp_path: Path, demo_entry: Path) -> None:
    out = tmp_path / "out"
    (out / "influxdb").mkdir(parents=True)
    (out / "influxdb" / "removed-dashboard.json").write_text("{}", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "netmon", "dashboards", "build", "--out",
                           str(out), "-c", str(demo_entry)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=CLI_TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stderr
    assert "wrote 13 files" in done.stdout
    assert _tree(out) == _tree(COMMITTED)  # the stale file is gone too


def test_every_file_says_it_is_generated_and_dashboards_are_what_grafana_loads(
        demo_entry: Path) -> None:
    files = generated_files(load_config(demo_entry))
    for path, text in files.items():
        if path.endswith(".json"):
            dashboard = json.loads(text)
            assert "do not edit" in dashboard["description"]
            assert dashboard["uid"].startswith("netmon-") and len(dashboard["uid"]) <= 40
            ids = [p["id"] for p in dashboard["panels"]]
            assert ids == list(range(1, len(ids) + 1))
        else:
            assert "do not edit" in text.lower() or "Generated — do not edit" in text
    titles = [json.loads(files[f"{f}/{s}.json"])["title"]
              for f in ("influxdb", "prometheus") for s in ("fleet", "ap", "zones", "fibre", "map")]
    assert len(set(titles)) == 10
    providers = yaml.safe_load(files["provisioning/dashboards/netmon.yaml"])
    assert [p["options"]["path"].rsplit("/", 1)[1] for p in providers["providers"]] == \
        ["influxdb", "prometheus"]
    sources = yaml.safe_load(files["provisioning/datasources/netmon.yaml"])["datasources"]
    assert {s["uid"] for s in sources} == {"netmon-influxdb", "netmon-prometheus",
                                           "netmon-inventory"}


def test_map_inventory_has_every_enabled_ap_of_the_config(demo_entry: Path) -> None:
    config = load_config(demo_entry)
    lines = inventory_csv(config).splitlines()
    assert lines[0] == "ap,name,zone,lat,lon"
    assert {line.split(",")[0] for line in lines[1:]} == {a.id for a in config.aps if a.enabled}
    assert len(lines) - 1 == 50


def test_build_with_a_broken_config_fails_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("site: x\ngrafana: {url: ftp://grafana, flavour: loki}\n", encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "netmon", "dashboards", "build", "--out",
                           str(out), "-c", str(bad)], capture_output=True, text=True,
                          timeout=CLI_TIMEOUT_S, check=False)
    assert done.returncode == 2
    assert "grafana.url" in done.stderr and "grafana.flavour" in done.stderr
    assert not out.exists()


def test_write_tree_is_repeatable(tmp_path: Path, demo_entry: Path) -> None:
    config = load_config(demo_entry)
    write_tree(config, tmp_path)
    first = _tree(tmp_path)
    write_tree(config, tmp_path)
    assert _tree(tmp_path) == first
