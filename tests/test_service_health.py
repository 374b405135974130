"""A real `netmon run` speaks systemd's notify protocol and answers /healthz and /readyz."""

from __future__ import annotations

import signal
import socket
from pathlib import Path

import pytest

from netmon.db.migrate import head
from netmon.export.health import netmon_version
from tests.support.service_run import (
    ServiceRun,
    centre_aps,
    free_port,
    simulated,
    write_config,
)

pytestmark = pytest.mark.slow
WAIT_S = 40.0


class NotifySocket:
    """The unix datagram socket systemd would listen on, bound in tmp."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(WAIT_S)
        self.seen: list[str] = []

    def wait_for(self, state: str) -> list[str]:
        """Messages up to the first carrying `state` (a line of it)."""
        got: list[str] = []
        while True:
            try:
                message = self.sock.recv(4096).decode()
            except TimeoutError:
                raise AssertionError(f"no {state} within {WAIT_S} s; got {got}") from None
            got.append(message)
            self.seen.append(message)
            if state in message.splitlines():
                return got

    def close(self) -> None:
        self.sock.close()


def test_run_notifies_ready_pets_the_watchdog_and_says_stopping(tmp_path: Path) -> None:
    port = free_port()
    config = write_config(tmp_path, centre_aps(["centre-01", "centre-02"]), port)
    notify = NotifySocket(tmp_path / "notify.sock")
    with simulated(config, tmp_path / "sim"):
        run = ServiceRun(config, port, env={"NOTIFY_SOCKET": str(notify.path),
                                            "WATCHDOG_USEC": "2000000"})
        try:
            before_ready = notify.wait_for("READY=1")
            assert not any("WATCHDOG=1" in m for m in before_ready)
            assert any(line.startswith("STATUS=polling")
                       for m in before_ready for line in m.splitlines())
            notify.wait_for("WATCHDOG=1")
            notify.wait_for("WATCHDOG=1")  # petted again, every WatchdogSec/2
            assert run.process.poll() is None
            run.signal(signal.SIGTERM)
            notify.wait_for("STOPPING=1")
            assert run.process.wait(timeout=WAIT_S) == 0  # a clean stop, the store flushed
        finally:
            run.stop()
            notify.close()


def test_healthz_readyz_and_their_metrics_over_a_real_run(tmp_path: Path) -> None:
    port = free_port()
    dead_influx = f"http://127.0.0.1:{free_port()}"  # nothing listens: the sink fails
    config = write_config(
        tmp_path, centre_aps(["centre-01", "centre-07"]), port,
        {"influxdb": {"url": dead_influx, "flush_interval_s": 0.2, "timeout_s": 1,
                      "retry_initial_s": 0.2, "retry_max_s": 1},
         "http": {"listen": f"127.0.0.1:{port}", "ready_sink_failing_s": 3}})
    with simulated(config, tmp_path / "sim"):
        run = ServiceRun(config, port)
        try:
            assert run.wait_for_status("/healthz", 200)["status"] == "ok"
            # The first cycle is stored; the sink has not failed for 3 s yet: ready.
            run.wait_for_metric('netmon_check_ok{check="cycle"} 1.0')
            # Then the InfluxDB sink fails for longer than allowed: 503, naming it.
            body = run.wait_for_status("/readyz", 503)  # once the sink failed for 3 s
            assert body["failing"] == ["influxdb"]
            assert body["checks"]["cycle"]["ok"] and body["checks"]["database"]["ok"]
            assert "failing for" in body["checks"]["influxdb"]["detail"]
            assert body["version"] == netmon_version() and body["schema"] == head()
            metrics = run.metrics()
            assert "netmon_ready 0.0" in metrics
            assert 'netmon_check_ok{check="influxdb"} 0.0' in metrics
            assert 'netmon_check_ok{check="database"} 1.0' in metrics
            assert (f'netmon_build_info{{schema="{head()}",version="{netmon_version()}"}} 1.0'
                    in metrics)
        finally:
            assert run.stop() == 0


def test_readyz_is_200_when_every_check_passes(tmp_path: Path) -> None:
    port = free_port()
    config = write_config(tmp_path, centre_aps(["centre-01"]), port)
    with simulated(config, tmp_path / "sim"):
        run = ServiceRun(config, port)
        try:
            body = run.wait_for_status("/readyz", 200)  # after the first cycle
            assert body["status"] == "ready" and body["failing"] == []
            assert set(body["checks"]) == {"cycle", "database"}  # no sink configured
            run.wait_for_metric("netmon_ready 1.0")
        finally:
            assert run.stop() == 0
