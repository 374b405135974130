"""SIGHUP reloads the inventory of a running `netmon run`, or refuses a broken file."""

from __future__ import annotations

import signal
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import yaml

from tests.support.service_run import ServiceRun, centre_aps, free_port, simulated, write_config
from tests.support.wait import wait_until

pytestmark = pytest.mark.slow
WAIT_S = 40.0


def test_sighup_adds_and_removes_aps_keeps_state_and_survives_a_broken_file(
        tmp_path: Path) -> None:
    port = free_port()
    aps = {ap["id"]: ap for ap in centre_aps(["centre-01", "centre-02", "centre-07"])}
    served = tmp_path / "sim"
    served.mkdir()
    # The simulator serves all three (centre-07 is `sim: down`: nothing answers).
    sim_config = write_config(served, list(aps.values()), port)
    folder = tmp_path / "etc"
    folder.mkdir()
    config = write_config(folder, [aps["centre-01"], aps["centre-07"]], port)
    with simulated(sim_config, served / "work"):
        run = ServiceRun(config, port)
        try:
            run.wait_for_line("ap_down centre-07 since")  # an open incident, committed
            run.wait_for_metric('netmon_ap_up{ap="centre-01"')
            assert 'ap="centre-02"' not in run.metrics()

            # Add centre-02, remove centre-07; reload.
            write_config(folder, [aps["centre-01"], aps["centre-02"]], port)
            run.signal(signal.SIGHUP)
            run.wait_for_line("(1 added, 1 removed)")
            up = run.wait_for_metric('netmon_ap_up{ap="centre-02"')
            assert up.endswith(" 1.0"), up
            # centre-07 is no longer decided: it leaves the per-cycle fleet metrics.
            wait_until(lambda: 'netmon_ap_up{ap="centre-07"' not in run.metrics(), WAIT_S,
                       "centre-07 gone from /metrics")

            # A broken file: refused with its file and key path; the process polls on.
            doc = yaml.safe_load(config.read_text())
            doc["poll"]["interval_s"] = "often"
            config.write_text(yaml.safe_dump(doc))
            run.signal(signal.SIGHUP)
            refused = run.wait_for_line("refused: ")
            assert "poll.interval_s" in refused, refused
            assert str(config) in refused or config.name in refused, refused
            run.wait_for_line("the running config is kept")
            assert run.wait_for_status("/readyz", 200)["status"] == "ready"
            assert run.process.poll() is None
        finally:
            assert run.stop() == 0
    # centre-07's incident was not closed by its removal: it stays open, as committed.
    assert "ap_down centre-07 ended" not in run.log()
    with closing(sqlite3.connect(folder / "netmon.db")) as db:
        rows = db.execute("SELECT subject, end_ns FROM alert_incidents WHERE kind = 'ap_down'")
        assert list(rows) == [("centre-07", None)]
