"""`netmon run` as systemd would start it: a few simulated APs, a config on free ports, the
process in its own session, its log lines kept as they come."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from collectors.snmp.profile import default_catalog
from netmon.config.loader import load_config
from netmon.sim.fleet import SimulatedFleet, plan_fleet
from netmon.sim.snmpsim_process import free_udp_ports
from tests.support.demo import DEMO
from tests.support.tsdb import free_tcp_port, http_get
from tests.support.wait import wait_until

REPO = Path(__file__).resolve().parents[2]
CENTRE = DEMO.parent / "centre.yaml"
# Distinctive, so a test can prove it never reaches a log line.
COMMUNITY = "wifi-c0mmunity-Zq7"
WAIT_S = 40.0


def centre_aps(ids: Sequence[str]) -> list[dict[str, Any]]:
    """Direct APs of the demo's city centre, by id, on free UDP ports."""
    doc = yaml.safe_load(CENTRE.read_text(encoding="utf-8"))
    aps = [ap for ap in doc["aps"] if ap["id"] in ids and "port" in ap]
    for ap, port in zip(aps, free_udp_ports(len(aps)), strict=True):
        ap["port"] = port
    return aps


def write_config(folder: Path, aps: list[dict[str, Any]], http_port: int,
                 extra: dict[str, Any] | None = None) -> Path:
    doc = yaml.safe_load(CENTRE.read_text(encoding="utf-8"))
    secrets = folder / "secrets.yaml"
    secrets.write_text(f"NETMON_SNMP_COMMUNITY: {COMMUNITY}\n", encoding="utf-8")
    secrets.chmod(0o600)
    config: dict[str, Any] = {
        "site": "Aix-les-Bains", "timezone": "Europe/Paris", "secrets_file": str(secrets),
        "defaults": {"credentials": {"version": "2c",
                                     "community": "${NETMON_SNMP_COMMUNITY}"}},
        "poll": {"interval_s": 5, "jitter_s": 0, "timeout_s": 0.5, "retries": 1},
        "store": {"path": str(folder / "netmon.db")},
        "http": {"listen": f"127.0.0.1:{http_port}"},
        "zones": doc["zones"], "aps": aps, **(extra or {}),
    }
    path = folder / "netmon.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


@contextmanager
def simulated(config_path: Path, work: Path) -> Iterator[SimulatedFleet]:
    """The config's APs served as SNMP agents on 127.0.0.1 (an AP marked `sim: down` is not)."""
    catalog = default_catalog()
    config = load_config(config_path, catalog.names())
    work.mkdir(exist_ok=True)
    fleet = SimulatedFleet(plan_fleet(config, catalog), work)
    fleet.start()
    try:
        yield fleet
    finally:
        fleet.stop()


class ServiceRun:
    """`python -m netmon ... run -c CONFIG`, stopped by its PID."""

    def __init__(self, config: Path, http_port: int, args: Sequence[str] = (),
                 env: dict[str, str] | None = None) -> None:
        self.config, self.http_port = config, http_port
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "netmon", "--log-level", "info", *args, "run", "-c",
             str(config)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, cwd=config.parent, start_new_session=True,
            env={**os.environ, **(env or {})})
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def log(self) -> str:
        return "\n".join(self.lines)

    def _alive(self, what: str) -> None:
        if self.process.poll() is not None:
            raise AssertionError(f"netmon exited ({self.process.returncode}) before {what}:\n"
                                 + "\n".join(self.lines[-30:]))

    def wait_for_line(self, text: str, timeout_s: float = WAIT_S) -> str:
        def found() -> str | None:
            hit = next((line for line in list(self.lines) if text in line), None)
            if hit is None:
                self._alive(f"a log line with {text!r}")
            return hit

        return wait_until(found, timeout_s, lambda: f"a log line with {text!r}:\n{self.log()}")

    def get(self, path: str) -> tuple[int, Any]:
        """(status, parsed JSON or text) of a GET on the run listener; (0, None) if closed."""
        try:
            status, body = http_get(f"http://127.0.0.1:{self.http_port}{path}", 3.0)
        except OSError:
            return 0, None
        text = body.decode()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def wait_for_status(self, path: str, status: int, timeout_s: float = WAIT_S) -> Any:
        """The JSON body of the first GET of `path` that answers `status`."""
        def answered() -> tuple[Any] | None:
            self._alive(f"GET {path} answering {status}")
            got, body = self.get(path)
            return (body,) if got == status else None

        return wait_until(answered, timeout_s, f"GET {path} answering {status}")[0]

    def metrics(self) -> str:
        status, body = self.get("/metrics")
        return body if status == 200 and isinstance(body, str) else ""

    def wait_for_metric(self, line_start: str, timeout_s: float = WAIT_S) -> str:
        def found() -> str | None:
            self._alive(f"a metric line {line_start!r}")
            return next((line for line in self.metrics().splitlines()
                         if line.startswith(line_start)), None)

        return wait_until(found, timeout_s, f"a metric line starting {line_start!r}")

    def signal(self, sig: signal.Signals) -> None:
        os.kill(self.process.pid, sig)

    def stop(self, timeout_s: float = 30.0) -> int:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            return self.process.wait(timeout=10)
        finally:
            self._reader.join(timeout=5)


def free_port() -> int:
    return free_tcp_port()
