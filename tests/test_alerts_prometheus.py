"""Real Prometheus + Alertmanager run netmon's exported rules and routes into a webhook.

The scraped target is a stand-in exposition of `netmon_ap_up` (issue #3 brings netmon's own
/metrics; when it lands, this test should scrape `netmon run` instead).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from netmon.alerts.prometheus import RULES_FILE, export_all
from netmon.sim.snmpsim_process import free_udp_ports
from tests.alerts_support.fleet import town
from tests.alerts_support.servers import WebhookSink

PROMETHEUS = shutil.which("prometheus")
ALERTMANAGER = shutil.which("prometheus-alertmanager")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not (PROMETHEUS and ALERTMANAGER), reason="Debian prometheus, prometheus-alertmanager")]
EXPOSITION = ('# TYPE netmon_ap_up gauge\n'
              'netmon_ap_up{ap="centre-05",zone="centre"} 0\n'
              'netmon_ap_up{ap="centre-06",zone="centre"} 1\n'
              'netmon_ap_up{ap="centre-07",zone="centre"} 1\n'
              '# TYPE netmon_poll_last_cycle_timestamp_seconds gauge\n'
              'netmon_poll_last_cycle_timestamp_seconds {now}\n')


class Exposition:
    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = EXPOSITION.replace("{now}", f"{time.time():.3f}").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


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


def test_prometheus_and_alertmanager_fire_ap_down_into_a_webhook(tmp_path: Path,
                                                                 sink: WebhookSink) -> None:
    config = town(tmp_path / "n.db", poll={"interval_s": 5}, alerts={
        "webhooks": [{"url": sink.url("/alertmanager"), "name": "ops"}]})
    files, _ = export_all(config)
    for name, document in files.items():
        (tmp_path / name).write_text(yaml.safe_dump(document, sort_keys=False))
    manager = files["alertmanager.yml"]
    manager["route"]["group_wait"] = "1s"  # the test's patience, not the product's
    (tmp_path / "alertmanager.yml").write_text(yaml.safe_dump(manager, sort_keys=False))
    exposition = Exposition()
    prom_port, am_port = free_udp_ports(2)
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(tmp_path / RULES_FILE)],
        "alerting": {"alertmanagers": [{"static_configs": [
            {"targets": [f"127.0.0.1:{am_port}"]}]}]},
        "scrape_configs": [{"job_name": "netmon", "static_configs": [
            {"targets": [f"127.0.0.1:{exposition.port}"]}]}]}))
    alertmanager = start([str(ALERTMANAGER), f"--config.file={tmp_path / 'alertmanager.yml'}",
                          f"--storage.path={tmp_path / 'am'}",
                          f"--web.listen-address=127.0.0.1:{am_port}",
                          "--cluster.listen-address="], tmp_path / "am.log")
    prometheus = start([str(PROMETHEUS), f"--config.file={tmp_path / 'prometheus.yml'}",
                        f"--storage.tsdb.path={tmp_path / 'prom'}",
                        f"--web.listen-address=127.0.0.1:{prom_port}"], tmp_path / "prom.log")
    try:
        hooks = sink.wait(1, timeout_s=45)
    finally:
        stop(prometheus)
        stop(alertmanager)
        exposition.server.shutdown()
    assert hooks, (tmp_path / "prom.log").read_text()[-2000:] + \
        (tmp_path / "am.log").read_text()[-2000:]
    body = hooks[0].body
    assert hooks[0].path == "/alertmanager" and body["status"] == "firing"
    alerts = [a["labels"] for a in body["alerts"]]
    assert alerts == [{"alertname": "NetmonApDown", "ap": "centre-05", "zone": "centre",
                       "severity": "warning", "instance": f"127.0.0.1:{exposition.port}",
                       "job": "netmon"}]
