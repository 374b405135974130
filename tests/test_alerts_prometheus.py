"""Real Prometheus + Alertmanager scrape `netmon run`'s /metrics and fire into a webhook.

The rules and routes are the ones `netmon alerts export` writes for the same config.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from netmon.alerts.prometheus import RULES_FILE, webhook_placeholder
from netmon.sim.snmpsim_process import free_udp_ports
from tests.alerts_support.fleet import SQUARE
from tests.alerts_support.servers import Hook, WebhookSink
from tests.support.agents import COMMUNITY, Snmpd
from tests.support.wait import wait_until

PROMETHEUS = shutil.which("prometheus")
ALERTMANAGER = shutil.which("prometheus-alertmanager")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not (PROMETHEUS and ALERTMANAGER), reason="Debian prometheus, prometheus-alertmanager")]
NETMON = [sys.executable, "-m", "netmon"]


def free_tcp_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    return subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


@pytest.fixture
def sink() -> Iterator[WebhookSink]:
    server = WebhookSink()
    yield server
    server.close()


def _config(tmp_path: Path, snmpd: Snmpd, http_port: int, hook_url: str) -> Path:
    """Two APs: one answers (net-snmp snmpd), one is dead; /metrics on a free port."""
    creds = {"version": "2c", "community": COMMUNITY}
    dead_port = free_udp_ports(1)[0]
    doc: dict[str, Any] = {
        "site": "Aix-les-Bains", "store": {"path": str(tmp_path / "netmon.db")},
        "poll": {"interval_s": 5, "timeout_s": 0.5, "retries": 0, "jitter_s": 0},
        "http": {"listen": f"127.0.0.1:{http_port}"},
        "zones": [{"id": "centre", "name": "Centre-ville", "polygon": SQUARE}],
        "aps": [{"id": "centre-01", "name": "Hôtel de Ville 1", "zone": "centre", "lat": 45.69,
                 "lon": 5.91, "host": "127.0.0.1", "port": snmpd.port, "profile": "generic",
                 "credentials": creds},
                {"id": "centre-07", "name": "Thermes 1", "zone": "centre", "lat": 45.69,
                 "lon": 5.91, "host": "127.0.0.1", "port": dead_port, "profile": "generic",
                 "credentials": creds}],
        "alerts": {"zone_min_aps": 3, "webhooks": [{"url": hook_url, "name": "ops"}]},
    }
    path = tmp_path / "netmon.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return path


def _alertmanager_hooks(sink: WebhookSink) -> list[Hook]:
    # netmon pages the same webhook itself; Alertmanager's payload names its receiver.
    return [h for h in sink.received if isinstance(h.body, dict) and "receiver" in h.body]


def test_prometheus_and_alertmanager_fire_ap_down_from_netmon_metrics(
        tmp_path: Path, sink: WebhookSink, snmpd: Snmpd) -> None:
    http_port = free_tcp_port()
    config = _config(tmp_path, snmpd, http_port, sink.url("/alertmanager"))
    exported = subprocess.run([*NETMON, "alerts", "export", "-c", str(config), "--out",
                               str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert exported.returncode == 0, exported.stderr
    text = (tmp_path / "alertmanager.yml").read_text()
    # The webhook URL is a credential: the file holds a placeholder, which the notes say to
    # replace, as an operator does.
    assert sink.url("/alertmanager") not in text
    placeholder = webhook_placeholder("ops")
    assert placeholder in text and placeholder in exported.stdout + exported.stderr
    manager = yaml.safe_load(text.replace(placeholder, sink.url("/alertmanager")))
    manager["route"]["group_wait"] = "1s"  # the test's patience, not the product's
    (tmp_path / "alertmanager.yml").write_text(yaml.safe_dump(manager, sort_keys=False))
    prom_port, am_port = free_tcp_port(), free_tcp_port()
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(tmp_path / RULES_FILE)],
        "alerting": {"alertmanagers": [{"static_configs": [
            {"targets": [f"127.0.0.1:{am_port}"]}]}]},
        "scrape_configs": [{"job_name": "netmon", "static_configs": [
            {"targets": [f"127.0.0.1:{http_port}"]}]}]}))
    netmon = start([*NETMON, "run", "-c", str(config)], tmp_path / "netmon.log")
    alertmanager = start([str(ALERTMANAGER), f"--config.file={tmp_path / 'alertmanager.yml'}",
                          f"--storage.path={tmp_path / 'am'}",
                          f"--web.listen-address=127.0.0.1:{am_port}",
                          "--cluster.listen-address="], tmp_path / "am.log")
    prometheus = start([str(PROMETHEUS), f"--config.file={tmp_path / 'prometheus.yml'}",
                        f"--storage.tsdb.path={tmp_path / 'prom'}",
                        f"--web.listen-address=127.0.0.1:{prom_port}"], tmp_path / "prom.log")

    def logs() -> str:
        return "Alertmanager's webhook; the logs:\n" + "".join(
            (tmp_path / n).read_text()[-1500:] for n in ("netmon.log", "prom.log", "am.log"))

    try:
        hooks = wait_until(lambda: _alertmanager_hooks(sink), 90, logs, poll_s=0.2)
    finally:
        stop(prometheus)
        stop(alertmanager)
        stop(netmon)
    body = hooks[0].body
    assert hooks[0].path == "/alertmanager" and body["status"] == "firing"
    fired = [a["labels"] for a in body["alerts"]]
    assert [(a["alertname"], a["ap"], a["zone"]) for a in fired] == \
        [("NetmonApDown", "centre-07", "centre")]
    assert fired[0]["instance"] == f"127.0.0.1:{http_port}" and fired[0]["job"] == "netmon"
