"""`netmon uptime`, `netmon alerts test` and config errors, as an operator runs them."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from netmon.cli.main import app
from netmon.sim.snmpsim_process import free_udp_ports
from tests.alerts_support.fleet import town, town_doc
from tests.alerts_support.ledger import MakeTracker, tracker_for
from tests.alerts_support.servers import SMTP_PASSWORD, SMTP_USER, WebhookSink, smtp_server
from tests.test_alerts_replay import day_config, replay

__all__ = ["tracker_for"]  # a fixture

runner = CliRunner()


def write_config(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return path


def test_uptime_worst_first_with_maintenance_excluded(tmp_path: Path,
                                                      tracker_for: MakeTracker) -> None:
    db = tmp_path / "netmon.db"
    replay(tracker_for(day_config(tmp_path), []), "00:00", "23:59")
    watched_s = 86400 - 60  # the replay's last poll, at 23:58, stands until 23:59
    maintenance = [{"ap": "centre-04", "every": "tuesday 06:00-07:00",
                    "timezone": "Europe/Paris"}]
    entry = write_config(tmp_path / "town.yaml", town_doc(db, maintenance=maintenance))
    out = tmp_path / "uptime.csv"
    result = runner.invoke(app, ["uptime", "-c", str(entry), "--period",
                                 "2026-11-03..2026-11-03", "--csv", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    zones = [r for r in rows if r["level"] == "zone"]
    aps = [r for r in rows if r["level"] == "ap"]
    assert [z["id"] for z in zones] == ["grand-port", "centre"]  # worst first
    assert aps[0]["id"] == "centre-05" and float(aps[0]["uptime_pct"]) == \
        pytest.approx(100 * (1 - 45 * 60 / watched_s), abs=1e-3)
    assert aps[0]["longest_s"] == "2700"
    by_id = {r["id"]: r for r in aps}
    # centre-04 was down 30 min, all inside its maintenance window: 100 %, 1 h excluded.
    assert float(by_id["centre-04"]["uptime_pct"]) == 100.0
    assert by_id["centre-04"]["maintenance_s"] == "3600"
    assert by_id["centre-04"]["monitored_s"] == str(watched_s - 3600)
    assert float(by_id["centre-04"]["observed_pct"]) == pytest.approx(100 * watched_s / 86400,
                                                                      abs=0.01)
    assert {float(by_id[p]["down_s"]) for p in ("port-01", "port-06")} == {1200.0}
    assert float(by_id["centre-01"]["uptime_pct"]) == 100.0  # lost polls are no outage
    assert result.output.index("centre-05") < result.output.index("centre-01")


def test_uptime_rejects_a_bad_period_or_zone(tmp_path: Path) -> None:
    entry = write_config(tmp_path / "town.yaml", town_doc(tmp_path / "n.db"))
    bad = runner.invoke(app, ["uptime", "-c", str(entry), "--period", "2026-11-30..2026-11-01"])
    assert bad.exit_code == 2 and "the end is not after the start" in bad.output
    zone = runner.invoke(app, ["uptime", "-c", str(entry), "--period", "2026-11-01..2026-11-30",
                               "--zone", "lac"])
    assert zone.exit_code == 2 and "unknown zone 'lac'" in zone.output


def test_alerts_test_sends_through_every_channel(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    sink = WebhookSink()
    dead = f"http://127.0.0.1:{free_udp_ports(1)[0]}/gone"
    try:
        with smtp_server(tmp_path) as box:
            email = {"host": "127.0.0.1", "port": box.port, "username": SMTP_USER,
                     "password": "${SMTP_PASSWORD}", "ca_file": str(box.cert),
                     "sender": "netmon@x.example", "to": ["ops@x.example"]}
            alerts: dict[str, Any] = {"email": email,
                      "webhooks": [{"url": sink.url("/slack"), "format": "slack"},
                                   {"url": sink.url("/teams"), "format": "teams",
                                    "zones": ["grand-port"]}]}
            entry = write_config(tmp_path / "ok.yaml", town_doc(tmp_path / "n.db",
                                                                alerts=alerts))
            result = runner.invoke(app, ["alerts", "test", "-c", str(entry)])
            assert result.exit_code == 0, result.output
            assert box.wait(1)[0]["Subject"].startswith("[Aix-les-Bains] INFO: Test message")
            alerts["webhooks"].append({"url": dead, "name": "gone"})
            entry = write_config(tmp_path / "bad.yaml", town_doc(tmp_path / "n.db",
                                                                 alerts=alerts))
            failed = runner.invoke(app, ["alerts", "test", "-c", str(entry)])
    finally:
        sink.close()
    # A test message ignores routes: the Teams channel limited to grand-port gets it too.
    assert sorted(h.path for h in sink.received) == ["/slack", "/slack", "/teams", "/teams"]
    assert failed.exit_code == 1
    assert "failed gone: gone: ConnectError" in failed.output and dead not in failed.output
    assert SMTP_PASSWORD not in result.output + failed.output


def test_config_errors_name_file_and_key(tmp_path: Path) -> None:
    doc = town_doc(tmp_path / "n.db", maintenance=[
        {"zone": "lac", "every": "tuesday 06:00-07:00"},
        {"ap": "centre-01", "every": "someday 06:00-07:00"},
        {"zone": "centre", "start": "2026-11-03T08:00:00", "end": "2026-11-03T07:00:00"}],
        alerts={"webhooks": [{"url": "not a url"}], "email": {
            "host": "smtp", "sender": "x", "to": ["a@b.c"], "password": "hunter2-secret"}})
    entry = write_config(tmp_path / "town.yaml", doc)
    result = runner.invoke(app, ["check-config", str(entry)])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    for expected in ("alerts.email.sender: not an e-mail address",
                     "alerts.webhooks.0.url", "maintenance.1.every",
                     "'someday' is not a day of the week",
                     "maintenance.2: end must be after start"):
        assert expected in text.replace("[", ".").replace("]", ""), expected
    assert "hunter2-secret" not in result.output
    fixed = {**doc, "alerts": {}, "maintenance": doc["maintenance"][:1]}
    result = runner.invoke(app, ["check-config", str(write_config(entry, fixed))])
    assert result.exit_code == 2
    assert "maintenance[0].zone: unknown zone 'lac'" in " ".join(result.output.split())
    assert town(tmp_path / "n.db").alerts.down_after_polls == 2


def test_uptime_never_counts_unwatched_time_as_service(tmp_path: Path,
                                                       tracker_for: MakeTracker) -> None:
    """An AP down every time it was polled, watched 2 h of a day: 0 %, not 92 %."""
    config = day_config(tmp_path)

    def dead(ap: str, t: int) -> bool:
        return ap != "centre-07"

    replay(tracker_for(config, []), "08:00", "10:00", dead)
    entry = write_config(tmp_path / "town.yaml", town_doc(config.store.path))
    out = tmp_path / "uptime.csv"
    result = runner.invoke(app, ["uptime", "-c", str(entry), "--period",
                                 "2026-11-03..2026-11-03", "--csv", str(out)])
    assert result.exit_code == 0, result.output
    by_id = {r["id"]: r for r in csv.DictReader(out.open())}
    # Down from its first failed poll at 08:00 until netmon stopped watching at 10:00.
    assert float(by_id["centre-07"]["uptime_pct"]) == 0.0
    assert float(by_id["centre-07"]["observed_pct"]) == pytest.approx(100 * 2 / 24, abs=0.01)
    assert float(by_id["centre-02"]["uptime_pct"]) == 100.0


def test_uptime_of_a_period_netmon_never_watched_is_no_data(tmp_path: Path,
                                                            tracker_for: MakeTracker) -> None:
    config = day_config(tmp_path)
    replay(tracker_for(config, []), "08:00", "09:00")
    entry = write_config(tmp_path / "town.yaml", town_doc(config.store.path))
    out = tmp_path / "uptime.csv"
    result = runner.invoke(app, ["uptime", "-c", str(entry), "--period",
                                 "2026-10-01..2026-10-31", "--csv", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert rows and all(r["uptime_pct"] == "" and float(r["observed_pct"]) == 0.0
                        for r in rows)
    assert "no data" in result.output
