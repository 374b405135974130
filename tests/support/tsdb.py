"""Real VictoriaMetrics and Prometheus servers for tests: 127.0.0.1, free ports, stopped by PID."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from netmon.processes import stop_process
from tests.support.wait import wait_until

VICTORIA_METRICS = shutil.which("victoria-metrics") or "/usr/bin/victoria-metrics"
PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
READY_TIMEOUT_S = 30.0


def free_tcp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(url: str, timeout_s: float = 5.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as answer:
            return int(answer.status), bytes(answer.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


class ServerProcess:
    """A server binary run in its own session, so stopping it never touches anything else."""

    def __init__(self, args: list[str], log: Path, ready_url: str) -> None:
        self.args, self.log, self.ready_url = args, log, ready_url
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.args, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        process = self.process

        def ready() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"{self.args[0]} exited:\n{self.log.read_text()}")
            try:
                return http_get(self.ready_url, 1.0)[0] == 200
            except OSError:
                return False

        try:
            wait_until(ready, READY_TIMEOUT_S,
                       lambda: f"{self.args[0]} to be ready:\n{self.log.read_text()}", poll_s=0.1)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, grace_s=20)
        self.process = None


class VictoriaMetrics(ServerProcess):
    """Single-node VictoriaMetrics: the InfluxDB-compatible write endpoint of the tests."""

    def __init__(self, work_dir: Path, *extra: str) -> None:
        self.port = free_tcp_port()
        self.url = f"http://127.0.0.1:{self.port}"
        work_dir.mkdir(parents=True, exist_ok=True)
        args = [VICTORIA_METRICS, f"-httpListenAddr=127.0.0.1:{self.port}",
                f"-storageDataPath={work_dir / 'data'}", "-search.latencyOffset=1s",
                "-retentionPeriod=100y", *extra]
        super().__init__(args, work_dir / "vm.log", f"{self.url}/health")

    def export(self, match: str) -> list[dict[str, Any]]:
        """Every raw sample of the series matching `match`, as /api/v1/export gives them."""
        http_get(f"{self.url}/internal/force_flush")  # make just-written points searchable
        query = urllib.parse.urlencode({"match[]": match})
        status, body = http_get(f"{self.url}/api/v1/export?{query}", 30.0)
        assert status == 200, body
        return [json.loads(line) for line in body.decode().splitlines() if line.strip()]


class Prometheus(ServerProcess):
    """Prometheus scraping the given targets every second."""

    def __init__(self, work_dir: Path, targets: list[str]) -> None:
        self.port = free_tcp_port()
        self.url = f"http://127.0.0.1:{self.port}"
        work_dir.mkdir(parents=True, exist_ok=True)
        config = work_dir / "prometheus.yml"
        config.write_text(json.dumps({  # JSON is YAML
            "global": {"scrape_interval": "1s", "scrape_timeout": "1s"},
            "scrape_configs": [{"job_name": "netmon", "static_configs": [
                {"targets": targets}]}]}))
        args = [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={work_dir / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{self.port}"]
        super().__init__(args, work_dir / "prometheus.log", f"{self.url}/-/ready")

    def query(self, promql: str) -> list[dict[str, Any]]:
        query = urllib.parse.urlencode({"query": promql})
        status, body = http_get(f"{self.url}/api/v1/query?{query}")
        assert status == 200, body
        answer = json.loads(body)
        assert answer["status"] == "success", answer
        return list(answer["data"]["result"])
