"""/metrics over a real uvicorn listener: the gauges, the self-metrics, and promtool's lint."""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netmon.cli.main import app
from netmon.config.models import NetmonConfig
from netmon.export.exporters import ExportError, Exporters
from netmon.export.poll_metrics import error_kind
from netmon.observation import ApObservation, Cycle
from netmon.sample import Sample
from tests.support.scrape import PROMETHEUS_ACCEPT, scrape, value
from tests.support.tsdb import PROMTOOL, free_tcp_port

TAGS = {"ap": "centre-01", "ap_name": 'Hôtel de Ville "1", nord', "zone": "centre",
        "site": "Hôtel de Ville", "vendor": "ubiquiti", "model": "UAP-AC-M-Pro"}


def reading(ap: str, zone: str, up: bool, clients: int | None = None,
            error: str | None = None, rebooted: bool = False,
            degraded: bool = False) -> ApObservation:
    tags = {**TAGS, "ap": ap, "zone": zone}
    fields: dict[str, float | int | bool | str] = {"up": int(up), "poll_ms": 12.5}
    sample = Sample("ap", tags, fields, time.time_ns(), error=error)
    return ApObservation(ap, zone, up, (sample,), error=error, rebooted=rebooted,
                     uptime_s=3600.0 if up else None, clients=clients,
                     rx_bps=8000.0 if up else None, tx_bps=16000.0 if up else None,
                     poll_ms=12.5, degraded=degraded)


def report(*readings: ApObservation) -> Cycle:
    return Cycle(time.time_ns(), 0.42, list(readings), [], 9,
                 notes=["controller wlc 127.0.0.1:161: its AP table (ap, 1.3.6.1.4.1.14179."
                        "2.2.1.1.3) is missing or empty: its 6 APs are unknown"])


def config(tmp_path: Path, **extra: object) -> NetmonConfig:
    return NetmonConfig.model_validate({
        "site": "Aix-les-Bains", "store": {"path": str(tmp_path / "n.db")},
        "http": {"listen": f"127.0.0.1:{free_tcp_port()}"}, **extra})


async def test_metrics_pass_promtool_and_show_each_ap(tmp_path: Path) -> None:
    skipped = {60: 2}
    dead_url = f"http://127.0.0.1:{free_tcp_port()}"
    exporters = Exporters(config(tmp_path, influxdb={"url": dead_url}), lambda: skipped)
    await exporters.start()
    try:
        for consumer in exporters.consumers:
            consumer.consume(report(
                reading("centre-01", "centre", True, clients=7, rebooted=True),
                reading("centre-07", "centre", False, error="centre-07 127.0.0.1:1: timeout "
                        "after 2 tries"),
                reading("port-01", "grand-port", True, clients=3, degraded=True,
                        error="degraded: profile x got no uptime from sysUpTime")))
        await exporters.exposition.rendered()
        status, content_type, text = await scrape(exporters)
    finally:
        await exporters.stop()
        assert exporters.influx is not None
        await asyncio.to_thread(exporters.influx.close)  # joins its threads: not on the loop
    assert status == 200 and content_type.startswith("text/plain")
    checked = subprocess.run([PROMTOOL, "check", "metrics"], input=text, text=True,
                             capture_output=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    name = 'ap_name="Hôtel de Ville \\"1\\", nord"'
    assert value(text, f'netmon_ap_up{{ap="centre-07",{name},site="Hôtel de Ville",'
                       f'zone="centre"}}') == 0
    live = f'{{ap="centre-01",{name},site="Hôtel de Ville",zone="centre"}}'
    assert value(text, f"netmon_ap_up{live}") == 1
    assert value(text, f"netmon_ap_clients{live}") == 7
    assert value(text, f"netmon_ap_degraded{live}") == 0
    assert value(text, f'netmon_ap_degraded{{ap="port-01",{name},site="Hôtel de Ville",'
                       'zone="grand-port"}') == 1
    assert value(text, 'netmon_poll_errors_total{kind="degraded"}') == 1
    assert value(text, "netmon_poll_controller_problems") == 1
    assert value(text, f"netmon_ap_uptime_seconds{live}") == 3600
    assert value(text, f"netmon_ap_receive_bytes_per_second{live}") == 1000
    assert value(text, f"netmon_ap_transmit_bytes_per_second{live}") == 2000
    assert value(text, f"netmon_ap_poll_duration_seconds{live}") == 0.0125
    assert value(text, f"netmon_ap_reboots_total{live}") == 1
    assert 'netmon_ap_clients{ap="centre-07"' not in text  # unknown, not 0
    assert value(text, f'netmon_ap_info{{ap="centre-01",{name},model="UAP-AC-M-Pro",'
                       'site="Hôtel de Ville",vendor="ubiquiti",zone="centre"}') == 1
    assert value(text, 'netmon_zone_aps{zone="centre"}') == 2
    assert value(text, 'netmon_zone_aps_up{zone="centre"}') == 1
    assert value(text, 'netmon_zone_clients{zone="grand-port"}') == 3
    assert value(text, "netmon_poll_duration_seconds_count") == 1
    assert value(text, 'netmon_poll_duration_seconds_bucket{le="0.5"}') == 1
    assert value(text, "netmon_poll_cycles_total") == 1
    assert value(text, "netmon_poll_snmp_requests_total") == 9
    assert value(text, 'netmon_poll_errors_total{kind="timeout"}') == 1
    assert value(text, 'netmon_poll_errors_total{kind="agent_error"}') == 0
    assert value(text, 'netmon_poll_skipped_cycles_total{interval_seconds="60"}') == 2
    assert time.time() - value(text, "netmon_poll_last_cycle_timestamp_seconds") < 60
    assert value(text, "netmon_influxdb_spool_points") == 0
    assert value(text, "netmon_influxdb_spool_limit_bytes") == 512 * 1024 * 1024
    assert value(text, 'netmon_influxdb_write_failures_total{kind="unreachable"}') == 0
    assert "\nnetmon_influxdb_last_success_timestamp_seconds " not in text  # never yet
    assert "python_gc" not in text and "process_cpu" not in text  # explicit registry only


async def test_openmetrics_and_gzip_as_prometheus_asks_one_stream_one_eof(
        tmp_path: Path) -> None:
    exporters = Exporters(config(tmp_path))
    await exporters.start()
    try:
        _, _, before = await scrape(exporters, PROMETHEUS_ACCEPT, zipped=True)
        for consumer in exporters.consumers:
            consumer.consume(report(reading("centre-01", "centre", True, clients=7)))
        await exporters.exposition.rendered()
        _, content_type, text = await scrape(exporters, PROMETHEUS_ACCEPT, zipped=True)
        _, plain_type, plain = await scrape(exporters)
    finally:
        await exporters.stop()
    assert content_type.startswith("application/openmetrics-text; version=1.0.0")
    assert plain_type.startswith("text/plain; version=0.0.4")
    assert 'netmon_ap_up{ap="centre-01"' not in before
    for body in (before, text):
        assert body.endswith("# EOF\n") and body.count("# EOF") == 1
    # The fleet's families (rendered with the cycle) and netmon's own (at the scrape), once.
    assert value(text, 'netmon_ap_clients{ap="centre-01",ap_name="Hôtel de Ville \\"1\\", '
                       'nord",site="Hôtel de Ville",zone="centre"}') == 7
    assert value(text, "netmon_poll_cycles_total") == 1
    assert text.count("# TYPE netmon_ap_up gauge") == 1
    assert "# EOF" not in plain and value(plain, "netmon_poll_cycles_total") == 1


async def test_name_filter_serves_only_the_named_families(tmp_path: Path) -> None:
    exporters = Exporters(config(tmp_path))
    await exporters.start()
    try:
        for consumer in exporters.consumers:
            consumer.consume(report(reading("centre-01", "centre", True, clients=7)))
        await exporters.exposition.rendered()
        _, _, text = await scrape(
            exporters, path="/metrics?name[]=netmon_ap_up&name[]=netmon_poll_cycles_total")
    finally:
        await exporters.stop()
    names = {line.split("{")[0].split(" ")[0] for line in text.splitlines()
             if not line.startswith("#")}
    assert names == {"netmon_ap_up", "netmon_poll_cycles_total"}


async def test_a_busy_port_asked_for_is_an_error_the_default_steps_aside(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        asked = Exporters(config(tmp_path, http={"listen": f"127.0.0.1:{port}"}))
        with pytest.raises(ExportError, match=f"http.listen 127.0.0.1:{port}: .*in use"):
            await asked.start()
    with socket.socket() as default_port:
        try:  # busy either way: held here, or by some netmon already running
            default_port.bind(("127.0.0.1", 9108))
            default_port.listen()
        except OSError:
            pass
        defaulted = Exporters(NetmonConfig.model_validate(
            {"store": {"path": str(tmp_path / "n.db")}}))
        with caplog.at_level(logging.WARNING):
            await defaulted.start()
        assert defaulted.http is None
        assert "/metrics is off" in caplog.text
        await defaulted.stop()


def test_http_can_be_turned_off_and_listen_is_checked(tmp_path: Path) -> None:
    assert Exporters(config(tmp_path, http={"enabled": False})).http is None
    with pytest.raises(ValueError, match="must be host:port"):
        config(tmp_path, http={"listen": "9108"})
    with pytest.raises(ValueError, match="port '70000' is not a number from 1 to 65535"):
        config(tmp_path, http={"listen": "0.0.0.0:70000"})
    assert NetmonConfig.model_validate({"http": {"listen": "[::1]:9108"}}).http.host == "::1"


@pytest.mark.parametrize(("error", "up", "kind"), [
    ("centre-07 127.0.0.1:1: timeout after 2 tries", False, "timeout"),
    ("zd 127.0.0.1:2: no complete answer within 8 s", False, "timeout"),
    ("x: agent error genErr at index 1", False, "agent_error"),
    ("controller zd-centre reports state 2", False, "controller_reports_down"),
    ("not reported by controller wlc-port", False, "not_reported_by_controller"),
    ("table radios: timeout after 2 tries", True, "timeout"),
    ("table radios: more than 4096 rows, the rest was not read", True, "partial_answer"),
    ("something new", False, "other"),
])
def test_error_kinds(error: str, up: bool, kind: str) -> None:
    assert error_kind(reading("a", "z", up, error=error)) == kind
    assert error_kind(reading("a", "z", True)) is None


def test_netmon_run_refuses_a_busy_listen_address_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = tmp_path / "netmon.yaml"
        config.write_text(f"store: {{path: n.db}}\nhttp: {{listen: '127.0.0.1:{port}'}}\n")
        result = CliRunner().invoke(app, ["run", "-c", str(config)])
    assert result.exit_code == 1
    assert f"cannot start: http.listen 127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output
