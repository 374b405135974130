"""`netmon dashboards push` against a stand-in implementing Grafana's documented HTTP API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dashboards.catalog import DASHBOARDS, context, dashboard_json
from dashboards.push import PushError, push
from netmon.config.loader import load_config
from tests.support.demo import DEMO, demo_secrets
from tests.support.grafana_api import grafana_api

TOKEN = "glsa_netmonTestToken_0123456789abcdef"
INFLUX_TOKEN = "influx-secret-token-42"
CLI_TIMEOUT_S = 60


def _config(tmp_path: Path, grafana: dict[str, object], influx: bool = False) -> Path:
    doc = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    doc["include"] = [str(DEMO.parent / p) for p in doc["include"]]
    doc["secrets_file"] = str(demo_secrets(tmp_path))
    doc.pop("fibre", None)
    doc.pop("maps", None)
    doc["store"] = {"path": str(tmp_path / "netmon.db")}
    doc["grafana"] = grafana
    if influx:
        doc["influxdb"] = {"url": "http://127.0.0.1:8086", "bucket": "wifi",
                           "token": "${TEST_INFLUX_TOKEN}"}
    path = tmp_path / "netmon.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _cli(config: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netmon", "dashboards", "push", "-c",
                           str(config)], capture_output=True, text=True, timeout=CLI_TIMEOUT_S,
                          env={**os.environ, **env}, check=False)


def test_push_creates_everything_then_a_second_push_changes_nothing(tmp_path: Path) -> None:
    with grafana_api(TOKEN) as (url, grafana):
        config_file = _config(tmp_path, {"url": url, "flavour": "prometheus", "folder": "Wi-Fi"})
        done = _cli(config_file, {"NETMON_GRAFANA_TOKEN": TOKEN})
        assert done.returncode == 0, done.stderr
        assert TOKEN not in done.stdout + done.stderr
        assert done.stdout.count("created") == 8  # folder, 2 data sources, 5 dashboards
        assert grafana.folders["netmon"]["title"] == "Wi-Fi"
        assert set(grafana.datasources) == {"netmon-prometheus", "netmon-inventory"}
        assert grafana.datasources["netmon-prometheus"]["type"] == "prometheus"
        config = load_config(config_file)
        for spec in DASHBOARDS:
            wanted = dashboard_json(spec, context(config, "prometheus"))
            stored = grafana.dashboards[wanted["uid"]]
            assert stored["meta"]["folderUid"] == "netmon"
            assert {k: v for k, v in stored["dashboard"].items()
                    if k not in ("id", "version")} == wanted

        grafana.requests.clear()
        again = _cli(config_file, {"NETMON_GRAFANA_TOKEN": TOKEN})
        assert again.returncode == 0, again.stderr
        assert again.stdout.count("unchanged") == 8
        assert {method for method, _ in grafana.requests} == {"GET"}
        assert all(d["dashboard"]["version"] == 1 for d in grafana.dashboards.values())


def test_push_updates_what_changed_in_grafana(tmp_path: Path) -> None:
    with grafana_api(TOKEN) as (url, grafana):
        config = load_config(_config(tmp_path, {"url": url, "token": TOKEN}))
        push(config)
        uid = "netmon-fleet-prom"
        grafana.dashboards[uid]["dashboard"]["title"] = "edited by hand"
        grafana.datasources["netmon-prometheus"]["url"] = "http://elsewhere:9090"
        grafana.folders["netmon"]["title"] = "renamed"
        actions = {(r.kind, r.uid): r.action for r in push(config)}
        assert actions[("dashboard", uid)] == "updated"
        assert actions[("datasource", "netmon-prometheus")] == "updated"
        assert actions[("folder", "netmon")] == "updated"
        assert actions[("dashboard", "netmon-ap-prom")] == "unchanged"
        assert grafana.dashboards[uid]["dashboard"]["version"] == 2
        assert grafana.dashboards[uid]["dashboard"]["title"].endswith("Fleet overview "
                                                                      "(Prometheus)")


def test_influxdb_flavour_sends_the_influx_token_to_grafana_only(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    monkeypatch.setenv("TEST_INFLUX_TOKEN", INFLUX_TOKEN)
    with grafana_api(TOKEN) as (url, grafana):
        config_file = _config(tmp_path, {"url": url, "flavour": "influxdb"}, influx=True)
        done = _cli(config_file, {"NETMON_GRAFANA_TOKEN": TOKEN,
                                  "TEST_INFLUX_TOKEN": INFLUX_TOKEN})
        assert done.returncode == 0, done.stderr
        assert INFLUX_TOKEN not in done.stdout + done.stderr
        source = grafana.datasources["netmon-influxdb"]
        assert source["jsonData"] == {"version": "InfluxQL", "dbName": "wifi",
                                      "httpMode": "POST", "httpHeaderName1": "Authorization"}
        assert source["secureJsonData"] == {"httpHeaderValue1": f"Token {INFLUX_TOKEN}"}
        assert "netmon-fleet-influx" in grafana.dashboards


def test_a_wrong_token_fails_clearly_without_printing_it(tmp_path: Path) -> None:
    wrong = "glsa_wrong_token_do_not_print"
    with grafana_api(TOKEN) as (url, grafana):
        done = _cli(_config(tmp_path, {"url": url}), {"NETMON_GRAFANA_TOKEN": wrong})
        assert done.returncode == 1
        assert "HTTP 401" in done.stderr and url in done.stderr
        assert wrong not in done.stdout + done.stderr
        assert grafana.folders == {}


def test_missing_url_or_token_and_unreachable_grafana(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETMON_GRAFANA_URL", raising=False)
    monkeypatch.delenv("NETMON_GRAFANA_TOKEN", raising=False)
    with pytest.raises(PushError, match="no Grafana URL"):
        push(load_config(_config(tmp_path, {})))
    with pytest.raises(PushError, match="no Grafana token"):
        push(load_config(_config(tmp_path, {"url": "http://127.0.0.1:9"})))
    monkeypatch.setenv("NETMON_GRAFANA_TOKEN", TOKEN)
    with pytest.raises(PushError, match=r"http://127\.0\.0\.1:9"):  # nothing listens on 9
        push(load_config(_config(tmp_path, {"url": "http://127.0.0.1:9", "timeout_s": 2})))
