"""`netmon backup` while `netmon run` polls a simulated fleet; restored elsewhere, nothing lost."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import yaml

from collectors.snmp.profile import default_catalog
from netmon.config import load_config
from netmon.sim.fleet import SimulatedFleet, plan_fleet
from tests.support.demo import demo_config_copy
from tests.support.wait import wait_until

NETMON = [sys.executable, "-m", "netmon"]
Point = tuple[int, int, int]  # series, field, time_ns
Incident = tuple[int, str, str, int]  # id, kind, subject, start_ns


def _read(path: Path) -> tuple[set[Point], set[Incident]]:
    """Raw points and incidents committed so far (a read-only snapshot, as maps read)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        conn.execute("BEGIN")  # both tables from one moment
        points = set(conn.execute("SELECT series_id, field_id, ts FROM points_recent"))
        incidents = set(conn.execute("SELECT id, kind, subject, start_ns FROM alert_incidents"))
    return points, incidents


def _config(folder: Path) -> Path:
    path = demo_config_copy(folder, interval_s=5, zones=("grand-port",))
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["aps"][0]["sim"] = "down"  # an incident to carry through the backup
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def test_a_backup_during_a_poll_load_restores_elsewhere_with_nothing_lost(
        tmp_path: Path) -> None:
    config_path = _config(tmp_path / "live")
    config = load_config(config_path)
    store = config.store.path
    fleet = SimulatedFleet(plan_fleet(config, default_catalog()), tmp_path / "sim")
    fleet.start()
    run = subprocess.Popen([*NETMON, "run", "-c", str(config_path)], text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           start_new_session=True)
    try:
        def polled(cycles: int) -> bool:
            assert run.poll() is None, run.communicate()[1]
            try:
                points, incidents = _read(store)
            except sqlite3.OperationalError:  # no file yet, or its tables not yet made
                return False
            return len({t for _, _, t in points}) >= cycles and bool(incidents)

        wait_until(lambda: polled(3), 120, "three cycles and an incident in the store", 0.2)
        before, incidents_before = _read(store)
        backup = tmp_path / "backups" / "netmon.db"
        taken = subprocess.run([*NETMON, "backup", "-c", str(config_path), "--out", str(backup)],
                               capture_output=True, text=True, timeout=120)
        assert taken.returncode == 0, taken.stderr
        assert "points_recent" in taken.stdout and "integrity ok" in taken.stdout
        copied, _ = _read(backup)
        # The poller goes on writing after the backup: the copy did not stop it.
        wait_until(lambda: polled(0) and len(_read(store)[0] - copied) > 0 and
                   max(t for _, _, t in _read(store)[0]) > max(t for _, _, t in copied),
                   60, "cycles written after the backup", 0.2)
    finally:
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=60)
        fleet.stop()
    assert run.returncode == 0, err
    final, incidents_final = _read(store)

    elsewhere = tmp_path / "elsewhere"  # a new folder, created by the restore
    moved = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    moved["store"] = {**moved["store"], "path": str(elsewhere / "var" / "netmon.db")}
    moved_path = config_path.with_name("restored.yaml")  # beside it: the map layers it names
    moved_path.write_text(yaml.safe_dump(moved, sort_keys=False), encoding="utf-8")
    put = subprocess.run([*NETMON, "restore", "-c", str(moved_path), str(backup)],
                         capture_output=True, text=True, timeout=120)
    assert put.returncode == 0, put.stderr
    restored, incidents_restored = _read(elsewhere / "var" / "netmon.db")

    # Everything committed before the backup began is there, nothing that never was.
    assert before <= restored <= final and incidents_before <= incidents_restored
    assert {i for i, *_ in incidents_restored} <= {i for i, *_ in incidents_final}
    # Each series is the live one up to the backup's moment: no hole, no cycle in part.
    newest: dict[tuple[int, int], int] = {}
    for series, field, t in restored:
        newest[series, field] = max(t, newest.get((series, field), t))
    cut = {(s, f, t) for s, f, t in final if (s, f) in newest and t <= newest[s, f]}
    assert restored == cut
    assert {(s, f) for s, f, _ in final} == set(newest)  # no series missing from the copy
    checked = subprocess.run([*NETMON, "check-config", str(moved_path)], capture_output=True,
                             text=True, timeout=120)
    assert "(current)" in checked.stdout, checked.stdout + checked.stderr
