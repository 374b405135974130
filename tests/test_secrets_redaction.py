"""Secrets are masked by value wherever netmon prints: config errors on a whole block, and
every library's log lines (httpx logs a webhook URL whose path is the credential)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.alerts_support.servers import WebhookSink

HOOK_TOKEN = "hook-token-Zq81xWv"  # recognisable, so any leak is found by grep
AUTH_KEY = "auth-key-Lm47rTy"
ZONE = {"id": "centre", "name": "Centre", "polygon": [[5.90, 45.68], [5.92, 45.68],
                                                      [5.92, 45.69]]}


@pytest.fixture
def sink() -> Iterator[WebhookSink]:
    server = WebhookSink()
    yield server
    server.close()


def netmon(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netmon", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, **env}, check=False)


def test_a_block_error_never_shows_the_keys_in_it(tmp_path: Path) -> None:
    # SNMPv3 without a user: the error is on the whole credentials block, keys and all.
    doc = {"site": "T", "zones": [ZONE],
           "controllers": [{"id": "wlc", "host": "127.0.0.1", "profile": "cisco-wlc",
                            "credentials": {"version": 3, "auth_protocol": "sha",
                                            "auth_key": AUTH_KEY}}]}
    config = tmp_path / "netmon.yaml"
    config.write_text(yaml.safe_dump(doc))
    checked = netmon("check-config", str(config), env={})
    assert checked.returncode == 2
    assert "controllers[0].credentials" in checked.stderr + checked.stdout
    assert AUTH_KEY not in checked.stderr + checked.stdout


def test_log_lines_of_every_library_mask_a_secret_by_value(tmp_path: Path,
                                                           sink: WebhookSink) -> None:
    doc = {"site": "T", "zones": [ZONE],
           "alerts": {"webhooks": [{"url": sink.url("/hook/${HOOK_TOKEN}")}]}}
    config = tmp_path / "netmon.yaml"
    config.write_text(yaml.safe_dump(doc))
    sent = netmon("--log-level", "debug", "alerts", "test", "-c", str(config),
                  env={"HOOK_TOKEN": HOOK_TOKEN})
    assert sent.returncode == 0, sent.stderr
    assert [hook.path for hook in sink.wait(1)] == [f"/hook/{HOOK_TOKEN}"]  # it was used
    output = sent.stdout + sent.stderr
    assert "httpx" in output and "POST" in output  # the library's own line was logged
    assert HOOK_TOKEN not in output
