"""Log lines: JSON on request, with the AP and zone they concern, never a secret."""

from __future__ import annotations

import json
import logging
import signal
from pathlib import Path

import pytest

from netmon.logs import JsonFormatter, about, human_format, log_format
from netmon.redaction import MASK, Redactor
from tests.support.service_run import (
    COMMUNITY,
    ServiceRun,
    centre_aps,
    free_port,
    simulated,
    write_config,
)


def record(message: str, *args: object, **extra: str) -> logging.LogRecord:
    rec = logging.LogRecord("netmon.test", logging.WARNING, __file__, 1, message, args, None)
    rec.__dict__.update(extra)
    return rec


def test_json_line_fields_and_context() -> None:
    line = json.loads(JsonFormatter().format(record("AP %s down", "centre-07",
                                                    **about("centre-07", "centre"))))
    assert line["level"] == "warning" and line["logger"] == "netmon.test"
    assert line["message"] == "AP centre-07 down"
    assert (line["ap"], line["zone"]) == ("centre-07", "centre")
    assert line["time"].endswith("+00:00")
    assert "ap" not in json.loads(JsonFormatter().format(record("no AP here")))


def test_json_formatter_masks_registered_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    redactor = Redactor()
    redactor.add(["hunter2-secret"])
    monkeypatch.setattr("netmon.logs.REDACTOR", redactor)
    text = JsonFormatter().format(record("auth with %s failed", "hunter2-secret"))
    assert "hunter2-secret" not in text and MASK in text


def test_format_choice_and_journald(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETMON_LOG_FORMAT", raising=False)
    assert log_format(None) == "human"
    monkeypatch.setenv("NETMON_LOG_FORMAT", "JSON")
    assert log_format(None) == "json"
    assert log_format("human") == "human"  # the option wins over the environment
    with pytest.raises(ValueError, match="expected one of"):
        log_format("xml")
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    assert "asctime" in human_format()
    monkeypatch.setenv("JOURNAL_STREAM", "8:12345")
    assert "asctime" not in human_format()  # journald stamps each line itself


@pytest.mark.slow
def test_run_logs_a_down_ap_as_json_with_ap_and_zone_and_no_community(tmp_path: Path) -> None:
    port = free_port()
    # centre-07 is `sim: down` in the demo: nothing answers on its port.
    config = write_config(tmp_path, centre_aps(["centre-01", "centre-07"]), port)
    with simulated(config, tmp_path / "sim"):
        run = ServiceRun(config, port, args=["--log-level", "debug"],
                         env={"NETMON_LOG_FORMAT": "json"})
        try:
            down = json.loads(run.wait_for_line("AP centre-07 stopped answering"))
            opened = json.loads(run.wait_for_line('"ap_down centre-07 since'))
            run.signal(signal.SIGTERM)
            assert run.process.wait(timeout=40) == 0
        finally:
            run.stop()
    assert (down["ap"], down["zone"], down["level"]) == ("centre-07", "centre", "warning")
    assert (opened["ap"], opened["zone"]) == ("centre-07", "centre")
    assert len(run.lines) > 3 and "stopped; store flushed" in run.lines[-1]
    for line in run.lines:
        assert isinstance(json.loads(line), dict), line  # one object per line, nothing else
    assert COMMUNITY not in run.log()
