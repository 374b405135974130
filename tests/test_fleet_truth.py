"""What netmon shows is true and every outage reaches the person on duty, on a busy day.

Against a real `netmon run` process polling real simulated agents (snmpsim): a database
locked by another process delays a page but never loses it, a `kill -9` in the middle of a
transition neither loses nor duplicates one, and readers never change the database.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from collectors.snmp.profile import default_catalog
from netmon.config import load_config
from netmon.sim.fleet import FleetPlan, SimulatedFleet, plan_fleet
from netmon.sim.snmpsim_process import free_udp_ports
from tests.alerts_support.process import NETMON, NetmonRun
from tests.alerts_support.servers import Hook, WebhookSink
from tests.support.tsdb import free_tcp_port
from tests.support.wait import wait_until

INTERVAL_S = 5
LOCK_HELD_S = 15.0
TOWN = """\
site: Test town
language: en
poll: {{interval_s: {interval}, timeout_s: 0.5, retries: 0, jitter_s: 0}}
store: {{path: {db}}}
http: {{listen: "127.0.0.1:{http}"}}
alerts: {{webhooks: [{{url: "{hook}"}}]}}
defaults: {{credentials: {{version: 2c, community: public}}, profile: generic}}
zones:
  - {{id: centre, name: Centre-ville, polygon: [[5.90, 45.68], [5.92, 45.68], [5.92, 45.70]]}}
aps:
  - {{id: ap-a, name: Mairie, zone: centre, lat: 45.69, lon: 5.91, host: 127.0.0.1, port: {p1}}}
  - {{id: ap-b, name: Gare, zone: centre, lat: 45.69, lon: 5.91, host: 127.0.0.1, port: {p2},
     sim: {sim_b}}}
  - {{id: ap-c, name: Thermes, zone: centre, lat: 45.69, lon: 5.91, host: 127.0.0.1, port: {p3}}}
"""


class Town:
    """Three simulated APs (ap-b down or normal), the config, a webhook receiver."""

    def __init__(self, folder: Path, sink: WebhookSink) -> None:
        self.folder = folder
        self.db = folder / "n.db"
        self.entry = folder / "town.yaml"
        self.ports = free_udp_ports(3)
        self.http = free_tcp_port()
        self.hook = sink.url("/hook")
        self.fleets: list[SimulatedFleet] = []

    def write(self, sim_b: str) -> None:
        p1, p2, p3 = self.ports
        self.entry.write_text(TOWN.format(interval=INTERVAL_S, db=self.db, http=self.http,
                                          hook=self.hook, p1=p1, p2=p2, p3=p3, sim_b=sim_b))

    def serve(self, only: str | None = None) -> None:
        plan = plan_fleet(load_config(self.entry), default_catalog())
        if only is not None:
            plan = FleetPlan([a for a in plan.agents if a.id == only])
        fleet = SimulatedFleet(plan, self.folder / f"sim-{len(self.fleets)}")
        fleet.start()
        self.fleets.append(fleet)

    def stop(self) -> None:
        for fleet in self.fleets:
            fleet.stop()

    def metric(self, name: str) -> float:
        """A sample's value from /metrics (0 when absent); raises when /metrics is slow."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http}/metrics",
                                    timeout=2.0) as answer:
            text = answer.read().decode()
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith(name))

    def more_cycles(self, cycles: int) -> None:
        """Wait until `netmon run` has completed that many more poll cycles."""
        start = self.metric("netmon_poll_cycles_total")
        wait_until(lambda: self.metric("netmon_poll_cycles_total") >= start + cycles, 30,
                   f"{cycles} more cycles")

    def count(self, sql: str) -> int:
        with closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)) as db:
            return int(db.execute(sql).fetchone()[0])


@pytest.fixture
def sink() -> Iterator[WebhookSink]:
    server = WebhookSink()
    yield server
    server.close()


@contextmanager
def town(tmp_path: Path, sink: WebhookSink, sim_b: str = "down") -> Iterator[Town]:
    place = Town(tmp_path, sink)
    place.write(sim_b)
    place.serve()
    try:
        yield place
    finally:
        place.stop()


def pages(sink: WebhookSink, kind: str) -> list[Hook]:
    return [h for h in sink.received
            if h.body["kind"] == kind and h.body["subject"]["id"] == "ap-b"]


@contextmanager
def write_lock(db: Path) -> Iterator[None]:
    """Another process's write transaction (a backup, a report): held until the block ends."""
    with closing(sqlite3.connect(db, isolation_level=None, timeout=10)) as other:
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("COMMIT")


@pytest.mark.slow
def test_down_while_the_database_is_locked_pages_once_when_released(
        tmp_path: Path, sink: WebhookSink) -> None:
    with town(tmp_path, sink) as place:
        run = NetmonRun(place.entry)
        try:
            run.wait_for("polling 3 APs")
            with write_lock(place.db):
                held = time.monotonic()
                while time.monotonic() - held < LOCK_HELD_S:
                    # The loop never waits on the disk: /metrics answers all along.
                    place.metric("netmon_poll_cycles_total")
                    time.sleep(1.0)
                assert pages(sink, "ap_down") == []  # nothing is believed before it is written
                assert place.metric("netmon_pipeline_consumer_failures_total") >= 1
            wait_until(lambda: bool(pages(sink, "ap_down")), 30, "the page after the release")
            place.more_cycles(3)  # and nothing else may come meanwhile
            assert run.stop() == 0
        finally:
            run.stop()
    assert len(pages(sink, "ap_down")) == 1
    assert place.count("SELECT count(*) FROM alert_incidents "
                       "WHERE kind = 'ap_down' AND subject = 'ap-b'") == 1
    assert place.count("SELECT count(*) FROM alert_deliveries") == 1
    # netmon watched all along: the cycles it could not record during the lock still count.
    assert place.count("SELECT count(*) FROM observed_spans") == 1
    assert any("consumer AlertDesk failed" in line for _, line in run.lines)
    assert any("consumer AlertDesk recovered" in line for _, line in run.lines)


@pytest.mark.slow
def test_kill_9_during_transitions_never_loses_or_duplicates_a_page(
        tmp_path: Path, sink: WebhookSink) -> None:
    rng = random.Random(12)  # fixed: a failure can be replayed
    with town(tmp_path, sink) as place:
        # ap-b goes down at start; kill -9 at random moments around its DOWN transition.
        for _ in range(3):
            run = NetmonRun(place.entry)
            try:
                run.wait_for("polling 3 APs")
                time.sleep(rng.uniform(0.0, 3 * INTERVAL_S))  # the moment of the kill
            finally:
                run.kill()
        run = NetmonRun(place.entry)
        try:
            run.wait_for("polling 3 APs")
            wait_until(lambda: bool(pages(sink, "ap_down")), 30, "the down page")
            place.write("normal")
            place.serve(only="ap-b")
            # ap-b answers again: kill -9 around its UP transition too.
            time.sleep(rng.uniform(0.0, 2 * INTERVAL_S))
            run.kill()
            run = NetmonRun(place.entry)
            run.wait_for("polling 3 APs")
            wait_until(lambda: bool(pages(sink, "ap_up")), 30, "the recovery page")
            place.more_cycles(3)  # and nothing else may come meanwhile
            assert run.stop() == 0
        finally:
            run.stop()
    down, up = pages(sink, "ap_down"), pages(sink, "ap_up")
    # Each page was queued exactly once with its transition; delivery is at least once, so a
    # kill between the receiver's answer and its record may resend the SAME page, never another.
    assert len({h.body["incident_id"] for h in down}) == 1
    assert {h.body["incident_id"] for h in up} == {down[0].body["incident_id"]}
    assert place.count("SELECT count(*) FROM alert_incidents WHERE subject = 'ap-b'") == 1
    assert place.count("SELECT count(*) FROM alert_deliveries") == 2


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("n.db*"))}


@pytest.mark.slow
def test_map_report_and_uptime_leave_the_database_unchanged(
        tmp_path: Path, sink: WebhookSink) -> None:
    with town(tmp_path, sink) as place:
        run = NetmonRun(place.entry)
        try:
            wait_until(lambda: bool(pages(sink, "ap_down")), 30, "some history")
        finally:
            assert run.stop() == 0
    before = _snapshot(tmp_path)
    assert "n.db" in before
    for args in (["map", "-c", str(place.entry), "--out", str(tmp_path / "maps")],
                 ["report", "-c", str(place.entry), "--out", str(tmp_path / "report"),
                  "--period", "2026-01-01..2030-12-31"],
                 ["uptime", "-c", str(place.entry), "--period", "2026-01-01..2030-12-31"]):
        result = subprocess.run([NETMON, *args], capture_output=True, text=True, timeout=300,
                                check=False)
        assert result.returncode == 0, result.stderr
        assert _snapshot(tmp_path) == before, f"netmon {args[0]} changed the database"
