"""`netmon alerts export` output passes promtool and amtool, and its tests can fail."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from netmon import demo_town
from netmon.cli.main import app

REPO = Path(__file__).resolve().parents[1]
PROMTOOL, AMTOOL = shutil.which("promtool"), shutil.which("amtool")
pytestmark = pytest.mark.skipif(not (PROMTOOL and AMTOOL),
                                reason="Debian prometheus and prometheus-alertmanager")

ALERTS = """
alerts:
  status_url: https://wifi.example.org/status
  zone_down_ratio: 0.6
  email: {host: smtp.example.org, port: 587, username: netmon, password: "${SMTP_PASSWORD}",
          sender: netmon@example.org, to: [astreinte@example.org]}
  webhooks:
    - {url: "https://chat.example.org/hooks/abc", format: slack, name: chat}
    - {url: "https://ops.example.org/netmon", zones: [grand-port], min_severity: critical}
    - {url: "https://example.webhook.office.com/x", format: teams}
maintenance:
  - {ap: centre-04, every: "tuesday 06:00-07:00", timezone: Europe/Paris}
  - {zone: grand-port, every: "sun 23:00-01:30"}
  - {zone: centre, start: "2026-11-04T22:00:00", end: "2026-11-05T03:00:00"}
"""


@pytest.fixture
def exported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    entry = demo_town.prepare(tmp_path)
    entry.write_text(entry.read_text() + ALERTS)
    monkeypatch.setenv("SMTP_PASSWORD", "not-in-any-file")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["alerts", "export", "-c", str(entry), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "no Teams receiver" in result.output
    return out


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=60)


def test_promtool_and_amtool_accept_the_export(exported: Path) -> None:
    assert run("promtool", "check", "rules", "netmon-alerts.rules.yml", cwd=exported)\
        .returncode == 0
    tests = run("promtool", "test", "rules", "netmon-alerts.tests.yml", cwd=exported)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    checked = run("amtool", "check-config", "alertmanager.yml", cwd=exported)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    manager = (exported / "alertmanager.yml").read_text()
    assert "not-in-any-file" not in manager


def test_rule_tests_catch_a_wrong_threshold(exported: Path) -> None:
    rules_path = exported / "netmon-alerts.rules.yml"
    rules = yaml.safe_load(rules_path.read_text())
    zone = next(r for r in rules["groups"][0]["rules"] if r["alert"] == "NetmonZoneDown")
    zone["expr"] = zone["expr"].replace(">= 0.6", ">= 1.5")  # a zone could never be down
    rules_path.write_text(yaml.safe_dump(rules))
    assert run("promtool", "test", "rules", "netmon-alerts.tests.yml", cwd=exported)\
        .returncode != 0


def test_routes_mutes_and_inhibition(exported: Path) -> None:
    manager = yaml.safe_load((exported / "alertmanager.yml").read_text())
    routes = {r["receiver"]: r for r in manager["route"]["routes"]}
    assert set(routes) == {"email", "chat", "webhook-2"}  # Teams: netmon's own channel only
    assert routes["webhook-2"]["matchers"] == ['severity=~"critical"', 'zone=~"grand-port"']
    first = routes["email"]["routes"][0]
    assert first["matchers"] == ['ap="centre-04"']
    assert first["mute_time_intervals"] == ["maintenance-1-centre-04", "maintenance-3-centre"]
    intervals = {i["name"]: i["time_intervals"] for i in manager["time_intervals"]}
    assert intervals["maintenance-1-centre-04"] == [{
        "weekdays": ["tuesday"], "times": [{"start_time": "06:00", "end_time": "07:00"}],
        "location": "Europe/Paris"}]
    assert [t["weekdays"] for t in intervals["maintenance-2-grand-port"]] == [["sunday"],
                                                                           ["monday"]]
    assert [(t["days_of_month"], t["times"]) for t in intervals["maintenance-3-centre"]] == [
        (["4"], [{"start_time": "22:00", "end_time": "24:00"}]),
        (["5"], [{"start_time": "00:00", "end_time": "03:00"}])]
    assert manager["inhibit_rules"][0]["source_matchers"] == ["alertname=NetmonZoneDown"]
