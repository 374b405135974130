"""Every secret set to a recognisable value, then every output netmon produces grepped for it:
CLI output at debug level, the running process's log, /metrics, the page, the API and its
OpenAPI document, the sent page, the store file, the generated rules, Alertmanager config and
dashboards."""

from __future__ import annotations

import json
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.alerts_support.process import NETMON, NetmonRun
from tests.alerts_support.servers import WebhookSink
from tests.support.agents import Snmpd, start_snmpd
from tests.support.tsdb import free_tcp_port
from tests.support.wait import wait_until

SECRETS = {
    "NETMON_T_COMMUNITY": "comm-Qx7-secret",
    "NETMON_T_HOOK": "hook-Vb9-secret",
    "NETMON_T_API": "api-token-Ww3-secret",
    "NETMON_T_AUTH": "authkey-Zz1-secret",
    "NETMON_T_PRIV": "privkey-Yy2-secret",
    "NETMON_T_SMTP": "smtp-Pp5-secret",
    "NETMON_T_INFLUX": "influx-token-Kk4-secret",
}
POLYGON = [[5.90, 45.68], [5.92, 45.68], [5.92, 45.70]]


@pytest.fixture
def agent(tmp_path: Path) -> Iterator[Snmpd]:
    snmpd = start_snmpd(tmp_path / "snmpd",
                        extra=f"rocommunity {SECRETS['NETMON_T_COMMUNITY']} 127.0.0.1\n")
    yield snmpd
    snmpd.stop()


@pytest.fixture
def sink() -> Iterator[WebhookSink]:
    server = WebhookSink()
    yield server
    server.close()


def leaks(text: str) -> list[str]:
    return [name for name, value in SECRETS.items() if value in text]


def town(folder: Path, agent: Snmpd, silent: int, http: int, hook: str) -> Path:
    ap = {"zone": "centre", "lat": 45.69, "lon": 5.91, "host": "127.0.0.1"}
    doc = {
        "site": "Secret town",
        "poll": {"interval_s": 5, "timeout_s": 0.5, "retries": 0, "jitter_s": 0},
        "store": {"path": str(folder / "netmon.db")},
        "http": {"listen": f"127.0.0.1:{http}"},
        "status_page": {"api_token": "${NETMON_T_API}"},
        # No server there: every point goes to the spool, a file beside the store.
        "influxdb": {"url": f"http://127.0.0.1:{free_tcp_port()}", "token": "${NETMON_T_INFLUX}",
                     "flush_interval_s": 0.2, "retry_initial_s": 0.2, "retry_max_s": 1},
        "defaults": {"credentials": {"version": "2c", "community": "${NETMON_T_COMMUNITY}"},
                     "profile": "generic"},
        "alerts": {"webhooks": [{"url": hook}],
                   "email": {"host": "127.0.0.1", "port": free_tcp_port(),
                             "sender": "netmon@example.org", "to": ["ops@example.org"],
                             "username": "netmon", "password": "${NETMON_T_SMTP}"}},
        "zones": [{"id": "centre", "name": "Centre", "polygon": POLYGON}],
        "aps": [{"id": "ap-good", "name": "Good", "port": agent.port, **ap},
                {"id": "ap-silent", "name": "Silent", "port": silent, **ap},
                {"id": "ap-v3", "name": "V3", "port": agent.port, **ap,
                 "credentials": {"version": 3, "user": "authpriv", "auth_protocol": "sha",
                                 "auth_key": "${NETMON_T_AUTH}", "priv_protocol": "aes",
                                 "priv_key": "${NETMON_T_PRIV}"}}],
    }
    path = folder / "netmon.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def get(url: str, token: str | None = None) -> str:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}
                                     if token else {})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return str(answer.read().decode())


def test_no_secret_in_anything_netmon_writes(tmp_path: Path, agent: Snmpd, sink: WebhookSink,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    http = free_tcp_port()
    config = town(tmp_path, agent, silent.getsockname()[1], http,
                  sink.url("/hook/${NETMON_T_HOOK}"))
    outputs: dict[str, str] = {}
    checked = subprocess.run([NETMON, "--log-level", "debug", "check-config", str(config)],
                             capture_output=True, text=True, timeout=60, check=False)
    assert checked.returncode == 0, checked.stderr
    outputs["check-config"] = checked.stdout + checked.stderr
    run = NetmonRun(config, log_level="debug")
    try:
        run.wait_for("polling 3 APs")
        pages = sink.wait(1, timeout_s=60)  # the silent AP's page
        assert pages[0].path == f"/hook/{SECRETS['NETMON_T_HOOK']}"  # the secret was used
        outputs["sent page"] = json.dumps([p.body for p in pages])
        base = f"http://127.0.0.1:{http}"
        wait_until(lambda: "ap-good" in get(f"{base}/metrics"), 30, "/metrics with the APs")
        outputs["/metrics"] = get(f"{base}/metrics")
        outputs["page"] = get(f"{base}/")
        outputs["api"] = get(f"{base}/api/aps", SECRETS["NETMON_T_API"]) + \
            get(f"{base}/api/incidents", SECRETS["NETMON_T_API"])
        outputs["openapi"] = get(f"{base}/openapi.json")
        # The v3 AP's keys are wrong for this agent: its error is in the API, keys masked.
        assert "SNMPv3 authentication failed" in outputs["api"]
    finally:
        assert run.stop() == 0
        silent.close()
    outputs["netmon run log"] = "\n".join(line for _, line in run.lines)
    assert "httpx" in outputs["netmon run log"]  # libraries' own lines were logged too
    for command, folder in ((["alerts", "export", "-c", str(config), "--out"], "alerts"),
                            (["dashboards", "build", "-c", str(config), "--out"], "grafana")):
        out = tmp_path / folder
        done = subprocess.run([NETMON, *command, str(out)], capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        outputs[folder] = done.stdout + done.stderr
        for file in out.rglob("*"):
            if file.is_file():
                outputs[str(file.relative_to(tmp_path))] = file.read_text(errors="replace")
    for file in tmp_path.rglob("*"):  # the store, the spool, anything else netmon wrote
        if file.is_file() and "snmpd" not in file.parts and file.suffix not in (".yaml",):
            outputs.setdefault(str(file.relative_to(tmp_path)),
                               file.read_bytes().decode("latin-1"))
    assert any("spool" in where for where in outputs), sorted(outputs)
    leaked = {where: leaks(text) for where, text in outputs.items() if leaks(text)}
    assert not leaked, leaked
