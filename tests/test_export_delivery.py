"""The InfluxDB sink against a real VictoriaMetrics: written once, spooled, replayed, refused."""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netmon.cli.main import app
from netmon.export.influx_sink import InfluxSink
from netmon.export.settings import InfluxSettings
from netmon.sample import Sample
from tests.support.tsdb import VictoriaMetrics, free_tcp_port
from tests.support.wait import holds_for, wait_until

WAIT_S = 20.0


def fast(url: str, **extra: object) -> InfluxSettings:
    return InfluxSettings.model_validate({
        "url": url, "batch_size": 50, "flush_interval_s": 0.05, "timeout_s": 2,
        "retry_initial_s": 0.1, "retry_max_s": 0.3, **extra})


BASE_MS = time.time_ns() // 1_000_000 - 60_000


def cycle(n: int, aps: int = 20) -> list[Sample]:
    """One poll cycle's worth of `ap` Samples, at a distinct time per cycle."""
    t = (BASE_MS + n * 10) * 1_000_000
    return [Sample("dl_ap", {"ap": f"ap-{i:02d}", "zone": "Grand Port"},
                   {"up": 1, "clients": n * 100 + i, "rx_bps": i / 4}, t) for i in range(aps)]


def stored_clients(vm: VictoriaMetrics) -> Counter[tuple[str, int, float]]:
    return Counter((row["metric"]["ap"], t, v) for row in vm.export('{__name__="dl_ap_clients"}')
                   for t, v in zip(row["timestamps"], row["values"], strict=True))


def expected_clients(samples: list[Sample]) -> Counter[tuple[str, int, float]]:
    return Counter((s.tags["ap"], s.time_ns // 1_000_000, float(s.fields["clients"]))
                   for s in samples)


@pytest.mark.parametrize("in_flight", [1, 3])
def test_every_point_arrives_once_through_an_outage(tmp_path: Path, in_flight: int) -> None:
    vm = VictoriaMetrics(tmp_path / "vm")
    vm.start()
    sink = InfluxSink(fast(vm.url, writes_in_flight=in_flight), tmp_path / "spool",
                      site="Aix-les-Bains")
    sink.start()
    sent: list[Sample] = []
    try:
        for n in range(3):
            sent += cycle(n)
            sink.write(sent[-20:])
            sink.flush()
        wait_until(lambda: sink.delivery.points_written == len(sent), WAIT_S, "first writes")
        vm.stop()
        for n in range(3, 9):
            sent += cycle(n)
            sink.write(sent[-20:])
            sink.flush()
            time.sleep(0.1)  # cycles keep coming at a pace while the server is away
        wait_until(lambda: sink.spool.points == 6 * 20, WAIT_S, "the outage's points in the spool")
        assert sink.delivery.failures["unreachable"] >= 1
        assert sink.delivery.last_success_ns is not None
        vm.start()
        for n in range(9, 11):  # new points keep coming while the spool replays
            sent += cycle(n)
            sink.write(sent[-20:])
            sink.flush()
        wait_until(lambda: sink.delivery.points_written == len(sent), WAIT_S, "replay")
        assert sink.spool.points == 0
        assert stored_clients(vm) == expected_clients(sent)  # each point exactly once
        town = {row["metric"]["town"] for row in vm.export('{__name__="dl_ap_up"}')}
        assert town == {"Aix-les-Bains"}
    finally:
        sink.close()
        vm.stop()


class SlowWriteServer(ThreadingHTTPServer):
    """Answers each write after a pause, and remembers how many it held at once."""

    daemon_threads = True

    def __init__(self, pause_s: float) -> None:
        self.pause_s = pause_s
        self.lock = threading.Lock()
        self.open = self.most_open = self.writes = 0
        super().__init__(("127.0.0.1", 0), SlowWriteHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class SlowWriteHandler(BaseHTTPRequestHandler):
    server: SlowWriteServer
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            self.server.open += 1
            self.server.most_open = max(self.server.most_open, self.server.open)
        time.sleep(self.server.pause_s)
        with self.server.lock:
            self.server.open -= 1
            self.server.writes += 1
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.parametrize("in_flight", [1, 2])
def test_writes_in_flight_bounds_concurrent_requests(tmp_path: Path, in_flight: int) -> None:
    server = SlowWriteServer(pause_s=0.3)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sink = InfluxSink(fast(server.url, writes_in_flight=in_flight, timeout_s=5), tmp_path)
    sink.start()
    try:
        sink.write([s for n in range(4) for s in cycle(n, aps=50)])  # 4 batches of 50
        sink.flush()
        wait_until(lambda: sink.delivery.points_written == 200, WAIT_S, "four writes")
        assert (server.writes, server.most_open) == (4, in_flight)
        assert sink.spool.points == 0
    finally:
        sink.close()
        server.shutdown()
        server.server_close()


def test_close_while_the_server_is_away_spools_what_was_buffered(tmp_path: Path) -> None:
    dead_url = f"http://127.0.0.1:{free_tcp_port()}"
    sink = InfluxSink(fast(dead_url, flush_interval_s=60), tmp_path / "spool")
    sink.start()
    sink.write(cycle(0, aps=30))  # below batch_size and before the flush interval: buffered
    sink.close()
    again = InfluxSink(fast(dead_url), tmp_path / "spool")
    assert again.spool.points == 30
    again.close()


def test_refused_batches_go_to_the_dead_letter_file_and_can_be_requeued(tmp_path: Path) -> None:
    vm = VictoriaMetrics(tmp_path / "vm", "-httpAuth.username=netmon", "-httpAuth.password=pw")
    vm.start()
    spool_dir = tmp_path / "spool"
    sink = InfluxSink(fast(vm.url, token="wrong"), spool_dir)
    sink.start()
    try:
        sent = cycle(0) + cycle(1)
        sink.write(sent)
        sink.flush()
        wait_until(lambda: sink.delivery.dead_letter_points == len(sent), WAIT_S, "dead letters")
        # Longer than a few retry intervals (0.1 s, then up to 0.3 s): none may happen.
        holds_for(lambda: sink.delivery.failures["rejected"] == 1 and sink.spool.points == 0
                  and sink.delivery.points_written == 0, 0.5, "a refused batch is never retried")
    finally:
        sink.close()
        vm.stop()
    text = (spool_dir / "dead-letter.lp").read_text()
    assert "HTTP 401" in text and text.count("dl_ap,ap=") == len(sent)

    open_vm = VictoriaMetrics(tmp_path / "vm")  # the same data, now without a password
    open_vm.start()
    config = tmp_path / "netmon.yaml"
    config.write_text(f"influxdb: {{url: '{open_vm.url}', spool_dir: spool}}\n")
    try:
        result = CliRunner().invoke(app, ["spool", "requeue", "-c", str(config)])
        assert result.exit_code == 0, result.output
        assert f"requeued {len(sent)} points" in result.output
        status = CliRunner().invoke(app, ["spool", "status", "-c", str(config)])
        assert f"{len(sent)} points in 1 batches" in status.output
        assert "no dead letters" in status.output
        sink = InfluxSink(fast(open_vm.url), spool_dir)
        sink.start()
        wait_until(lambda: sink.delivery.points_written == len(sent), WAIT_S, "requeued replay")
        sink.close()
        assert stored_clients(open_vm) == expected_clients(sent)
    finally:
        open_vm.stop()


def test_spool_status_without_influxdb_section_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "netmon.yaml"
    config.write_text("site: Aix-les-Bains\n")
    result = CliRunner().invoke(app, ["spool", "status", "-c", str(config)])
    assert result.exit_code == 1
    assert "no influxdb: section" in result.output


@pytest.mark.parametrize("token", ["s3cret-token-value"])
def test_token_is_never_printed(tmp_path: Path, token: str) -> None:
    config = tmp_path / "netmon.yaml"
    config.write_text(f"influxdb: {{url: 'ftp://x', token: '{token}', batch_size: 0}}\n")
    result = CliRunner().invoke(app, ["check-config", str(config)])
    assert result.exit_code == 2
    assert "influxdb.url: must be an http:// or https:// URL" in result.output
    assert "influxdb.batch_size: must be >= 1" in result.output
    assert token not in result.output
