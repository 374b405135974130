"""`netmon run` (a real process) polls the simulated fleet into VictoriaMetrics and /metrics.

One scenario, the way an operator lives it: Prometheus scrapes netmon; VictoriaMetrics goes
away, netmon spools; netmon is killed with -9 while the spool holds points; VictoriaMetrics
and netmon come back; the replay completes. In the end every point of netmon's own store is
in VictoriaMetrics exactly once, with its tags and value.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from collectors.snmp.profile import default_catalog
from netmon.config.loader import load_config
from netmon.config.models import StoreSettings
from netmon.sim.fleet import SimulatedFleet, plan_fleet
from netmon.sim.snmpsim_process import free_udp_ports
from tests.support.demo import DEMO, demo_secrets
from tests.support.store import samples_of
from tests.support.tsdb import Prometheus, VictoriaMetrics, free_tcp_port, http_get
from tests.support.wait import wait_until

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
# Direct APs of three vendors, the dead one, and two APs behind the ZoneDirector.
CHOSEN_APS = ("centre-01", "centre-02", "centre-06", "centre-07", "centre-09", "centre-11")
TOWN = "Aix-les-Bains"
WAIT_S = 30.0
Key = tuple[str, frozenset[tuple[str, str]], int, float]


def demo_subset(tmp_path: Path, vm_url: str, http_port: int) -> Path:
    """The demo town flattened to CHOSEN_APS, on free ports, polled every 5 s."""
    entry = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    centre = yaml.safe_load((DEMO.parent / "centre.yaml").read_text(encoding="utf-8"))
    aps = [ap for ap in centre["aps"] if ap["id"] in CHOSEN_APS]
    controllers = [c for c in entry["controllers"] if c["id"] == "zd-centre"]
    for item, port in zip([*(ap for ap in aps if "port" in ap), *controllers],
                          free_udp_ports(len(aps) + 1), strict=False):
        item["port"] = port
    doc: dict[str, Any] = {
        **{k: entry[k] for k in ("site", "language", "timezone", "defaults", "groups")},
        "secrets_file": str(demo_secrets(tmp_path)),
        "poll": {**entry["poll"], "interval_s": 5, "jitter_s": 0},
        "store": {"path": str(tmp_path / "netmon.db")},
        "influxdb": {"url": vm_url, "flush_interval_s": 0.2, "timeout_s": 2,
                     "retry_initial_s": 0.2, "retry_max_s": 1},
        "http": {"listen": f"127.0.0.1:{http_port}"},
        "zones": centre["zones"], "controllers": controllers, "aps": aps,
    }
    path = tmp_path / "netmon.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class NetmonRun:
    """`netmon run` as an operator starts it, with its log kept for the assertions."""

    def __init__(self, config: Path, http_port: int, log: Path) -> None:
        self.config, self.http_port, self.log = config, http_port, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "netmon", "--log-level", "info", "run", "-c",
                 str(self.config)], stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
                start_new_session=True)

    def metric(self, name: str) -> float | None:
        try:
            status, body = http_get(f"http://127.0.0.1:{self.http_port}/metrics", 2.0)
        except OSError:
            return None
        for line in body.decode().splitlines():
            if status == 200 and line.startswith(name + " "):
                return float(line.split()[-1])
        return None

    def signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        os.kill(self.process.pid, sig)
        self.process.wait(timeout=30)


def store_points(path: Path) -> Counter[Key]:
    """Every raw point netmon stored, keyed as VictoriaMetrics names it."""
    points: Counter[Key] = Counter()
    end_ns = time.time_ns() + 10**12
    with samples_of(StoreSettings(path=path)) as store:
        for measurement in store.measurements():
            fields = {f for s in store.latest(measurement) for f in s.fields}
            for field in fields:
                for series in store.series(measurement, field, start_ns=0, end_ns=end_ns,
                                           resolution="raw"):
                    labels = frozenset({**series.tags, "town": TOWN}.items())
                    for point in series.points:
                        points[(f"{measurement}_{field}", labels, point.time_ns // 1_000_000,
                                float(f"{point.value:.12g}"))] += 1
    return points


def searchable(vm: VictoriaMetrics, stored: Counter[Key]) -> Counter[Key]:
    """VictoriaMetrics' points once it holds every stored one, or as they are after WAIT_S:
    it makes what it received searchable after an in-memory flush (a few seconds), so the
    last cycle, written just before netmon stopped, may lag."""
    deadline = time.monotonic() + WAIT_S
    while True:
        exported = vm_points(vm)
        if not stored - exported or time.monotonic() >= deadline:
            return exported
        time.sleep(0.5)


def vm_points(vm: VictoriaMetrics) -> Counter[Key]:
    points: Counter[Key] = Counter()
    for row in vm.export('{__name__!=""}'):
        name = row["metric"].pop("__name__")
        labels = frozenset(row["metric"].items())
        for t, v in zip(row["timestamps"], row["values"], strict=True):
            points[(name, labels, t, float(f"{v:.12g}"))] += 1
    return points


def test_netmon_run_exports_everything_once_through_an_outage_and_a_kill_9(
        tmp_path: Path) -> None:
    vm = VictoriaMetrics(tmp_path / "vm")
    vm.start()
    http_port = free_tcp_port()
    config_path = demo_subset(tmp_path, vm.url, http_port)
    catalog = default_catalog()
    config = load_config(config_path, catalog.names())
    fleet = SimulatedFleet(plan_fleet(config, catalog), Path(tempfile.mkdtemp(dir=tmp_path)))
    prometheus = Prometheus(tmp_path / "prometheus", [f"127.0.0.1:{http_port}"])
    netmon = NetmonRun(config_path, http_port, tmp_path / "netmon.log")
    fleet.start()
    prometheus.start()
    try:
        netmon.start()
        # 1. Both exports work: VictoriaMetrics fills up, Prometheus scrapes /metrics.
        wait_until(lambda: len(vm.export(f'ap_up{{town="{TOWN}"}}')) == len(CHOSEN_APS),
                   WAIT_S, "ap_up of every AP in VictoriaMetrics")
        wait_until(lambda: {r["metric"]["ap"] for r in prometheus.query("netmon_ap_up")}
                   == set(CHOSEN_APS), WAIT_S, "netmon_ap_up of every AP in Prometheus")
        assert [r["value"][1] for r in prometheus.query('up{job="netmon"}')] == ["1"]
        assert [r["value"][1] for r in prometheus.query('netmon_ap_up{ap="centre-07"}')] \
            == ["0"]
        assert [r["value"][1] for r in prometheus.query('netmon_ap_up{ap="centre-01"}')] \
            == ["1"]
        clients = vm.export('ap_clients{ap="centre-01"}')
        assert clients and clients[0]["metric"]["ap_name"] == "Hôtel de Ville 1"
        wait_until(lambda: bool(vm.export('ap_rx_bps{ap="centre-01"}')),
                   WAIT_S, "traffic rates (from the second cycle on)")

        # 2. VictoriaMetrics goes away: the cycles go to the spool.
        vm.stop()
        wait_until(lambda: (netmon.metric("netmon_influxdb_spool_points") or 0) > 0,
                   WAIT_S, "points in the spool")
        # 3. kill -9 right after a cycle was spooled (the next one is seconds away).
        netmon.signal(signal.SIGKILL)

        # 4. Both come back; the spool from before the kill is replayed.
        vm.start()
        netmon.start()
        wait_until(lambda: netmon.metric("netmon_influxdb_spool_points") == 0
                   and (netmon.metric("netmon_influxdb_points_written_total") or 0) > 0,
                   WAIT_S, "the replay")
        written = netmon.metric("netmon_influxdb_points_written_total") or 0
        wait_until(lambda: (netmon.metric("netmon_influxdb_points_written_total") or 0)
                   > written, WAIT_S, "one more cycle written after the replay")
        netmon.signal(signal.SIGTERM)
    finally:
        if netmon.process is not None and netmon.process.poll() is None:
            netmon.signal(signal.SIGKILL)
        prometheus.stop()
        fleet.stop()
    log = netmon.log.read_text()
    assert "from an earlier run; replaying them first" in log
    assert "write failed" in log
    stored = store_points(config.store.path)
    try:
        exported = searchable(vm, stored)
    finally:
        vm.stop()
    assert stored, "netmon stored nothing"
    assert {k[0] for k in stored} >= {"ap_up", "ap_clients", "ap_uptime_s", "ap_rx_bps",
                                      "ap_iface_tx_bps", "ap_radio_clients", "ap_ssid_clients"}
    missing, extra = stored - exported, exported - stored
    assert not missing and not extra, (sorted(missing)[:5], sorted(extra)[:5])
