"""The parts under the service features, alone: sd_notify, the readiness checks."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from netmon.export.health import Health, HealthSources
from netmon.systemd import notify, watchdog_interval_s


def test_notify_reaches_an_abstract_socket_and_is_silent_without_systemd(
        monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"netmon-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(5)
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        assert notify("READY=1", "STATUS=polling")
        assert sock.recv(100) == b"READY=1\nSTATUS=polling"
    monkeypatch.delenv("NOTIFY_SOCKET")
    assert not notify("READY=1")


def test_watchdog_interval_is_half_and_only_for_this_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert watchdog_interval_s() == 15.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid() + 1))
    assert watchdog_interval_s() is None
    monkeypatch.delenv("WATCHDOG_USEC")
    assert watchdog_interval_s() is None


class Facts:
    cycle: float | None = None
    commit: float | None = None
    failure: str | None = None


def test_readiness_checks_name_what_fails() -> None:
    now = [1000.0]
    facts = Facts()
    sources = HealthSources(
        last_cycle=lambda: facts.cycle, last_commit=lambda: facts.commit,
        last_db_failure=lambda: facts.failure, influx_failing_since=None, window_s=100.0,
        sink_failing_limit_s=600.0, started=990.0)
    health = Health(sources, clock=lambda: now[0])
    assert health.ready()  # before the first cycle, within the window from the start
    now[0] = 1095.0
    assert [n for n, c in health.checks().items() if not c.ok] == ["cycle", "database"]
    facts.cycle = facts.commit = 1090.0
    assert health.ready()
    facts.failure = "OperationalError: database or disk is full"
    ready, body = health.report()
    assert not ready and body["failing"] == ["database"]
    assert "disk is full" in health.checks()["database"].detail
