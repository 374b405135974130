"""/metrics is never rendered on the event loop, and the loop's own lag is a metric.

A big fleet is scraped over a real listener while the loop's lag is measured by the metric
itself; a real `netmon run`, scraped by a real Prometheus, exports the lag histogram, which
passes promtool's lint and gives a p99.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from netmon.config.models import NetmonConfig
from netmon.export.exporters import Exporters
from netmon.export.loop_lag import LAG_BUCKETS_S
from netmon.observation import ApObservation, Cycle
from netmon.processes import stop_process
from netmon.sample import Sample
from netmon.sim.snmpsim_process import free_udp_ports
from tests.support.agents import COMMUNITY, Snmpd
from tests.support.scrape import get_metrics, scrape, value
from tests.support.tsdb import PROMTOOL, Prometheus, free_tcp_port
from tests.support.wait import wait_until

# Rendering this fleet takes 1.5-3 s of CPU: on the loop, one tick would wait that long.
FLEET_APS = 20_000
# Generous, for a shared machine; rendering on the loop would exceed it several times over.
LAG_BOUND_S = 0.5
LAG = "netmon_event_loop_lag_seconds"
REPO = Path(__file__).resolve().parents[1]
WAIT_S = 60.0


def observation(i: int) -> ApObservation:
    ap, zone, up = f"ap-{i:05d}", f"zone-{i % 40:02d}", i % 17 != 0
    tags = {"ap": ap, "ap_name": f"Borne {i}, rue de Genève", "zone": zone,
            "site": f"site-{i % 300}", "vendor": "ubiquiti", "model": "UAP-AC-M-Pro"}
    return ApObservation(ap, zone, up, (Sample("ap", tags, {"up": int(up)}, time.time_ns()),),
                         None if up else "timeout", uptime_s=3600.0 if up else None,
                         clients=i % 30 if up else None, poll_ms=12.5)


async def test_the_loop_keeps_its_pace_while_a_big_fleet_is_rendered_and_scraped(
        tmp_path: Path) -> None:
    cycle = Cycle(time.time_ns(), 1.0, [observation(i) for i in range(FLEET_APS)], [],
                  FLEET_APS)  # built before the loop is watched
    exporters = Exporters(NetmonConfig.model_validate({
        "store": {"path": str(tmp_path / "n.db")},
        "http": {"listen": f"127.0.0.1:{free_tcp_port()}"}}))
    await exporters.start()
    try:
        await scrape(exporters)  # the format is known before the fleet grows, as in a run
        for consumer in exporters.consumers:
            consumer.consume(cycle)
        during = [await scrape(exporters) for _ in range(3)]  # while the cycle renders
        await exporters.exposition.rendered()
        after = [await scrape(exporters) for _ in range(3)]
        text = after[-1][2]
    finally:
        await exporters.stop()
    assert {s for s, _, _ in during + after} == {200}
    assert sum(line.startswith("netmon_ap_up{") for line in text.splitlines()) == FLEET_APS
    ticks = value(text, f"{LAG}_count")
    # Ticks that woke later than each bucket's bound (s): none later than LAG_BOUND_S.
    late = {bound: ticks - value(text, f'{LAG}_bucket{{le="{bound}"}}')
            for bound in LAG_BUCKETS_S if bound >= 0.1}
    assert late[LAG_BOUND_S] == 0, f"late ticks by bound (s): {late}, of {ticks}; the " \
        f"render took {exporters.exposition.last_render_s:.2f} s on its thread"
    assert ticks >= 10, "the lag probe hardly ran"


def run_config(tmp_path: Path, snmpd: Snmpd, http_port: int) -> Path:
    doc = {
        "site": "Aix-les-Bains",
        "poll": {"interval_s": 5, "jitter_s": 0, "timeout_s": 0.5, "retries": 0},
        "store": {"path": str(tmp_path / "netmon.db")},
        "http": {"listen": f"127.0.0.1:{http_port}"},
        "zones": [{"id": "centre", "name": "Centre", "polygon": [[5.91, 45.68], [5.92, 45.68],
                                                                 [5.92, 45.69]]}],
        "aps": [{"id": ap, "name": ap, "zone": "centre", "lat": 45.6884, "lon": 5.9157,
                 "host": "127.0.0.1", "port": port, "profile": "generic",
                 "credentials": {"version": "2c", "community": COMMUNITY}}
                for ap, port in (("centre-01", snmpd.port), ("centre-07", free_udp_ports(1)[0]))],
    }
    path = tmp_path / "netmon.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.slow
def test_netmon_run_exports_its_loop_lag_to_prometheus(tmp_path: Path, snmpd: Snmpd) -> None:
    http_port = free_tcp_port()
    config = run_config(tmp_path, snmpd, http_port)
    prometheus = Prometheus(tmp_path / "prometheus", [f"127.0.0.1:{http_port}"])
    log = tmp_path / "netmon.log"
    prometheus.start()
    with log.open("ab") as out:
        netmon = subprocess.Popen([sys.executable, "-m", "netmon", "run", "-c", str(config)],
                                  stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
                                  start_new_session=True)
    try:
        # Prometheus asks for OpenMetrics with gzip: the fleet's render and netmon's own
        # families arrive as one stream.
        wait_until(lambda: {r["metric"]["ap"]: r["value"][1] for r in prometheus.query(
            "netmon_ap_up")} == {"centre-01": "1", "centre-07": "0"}, WAIT_S,
            "both APs in Prometheus")
        p99 = f"histogram_quantile(0.99, rate({LAG}_bucket[20s]))"
        wait_until(lambda: bool(prometheus.query(p99)), WAIT_S,
                   "the loop lag's p99 in Prometheus")
        assert 0 <= float(prometheus.query(p99)[0]["value"][1]) < LAG_BOUND_S
        status, _, text = get_metrics(http_port)
        os.kill(netmon.pid, signal.SIGTERM)
        assert netmon.wait(timeout=30) == 0, log.read_text()
    finally:
        stop_process(netmon, grace_s=10)
        prometheus.stop()
    assert status == 200
    checked = subprocess.run([PROMTOOL, "check", "metrics"], input=text, text=True,
                             capture_output=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"# TYPE {LAG} histogram" in text
    assert value(text, f"{LAG}_count") > 0
    assert value(text, f'{LAG}_bucket{{le="0.001"}}') <= value(text, f'{LAG}_bucket{{le="5.0"}}')
