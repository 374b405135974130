"""`netmon run -c CONFIG` as a child process, and what /proc says about it (CPU, peak RSS)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STOP_TIMEOUT_S = 120.0
TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def _stat_cpu_s(path: Path) -> float:
    """utime + stime of a /proc stat file (the whole process for /proc/PID/stat)."""
    fields = path.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_S


class NetmonProcess:
    """The real `netmon run`, started as an operator would (the venv's console script)."""

    def __init__(self, config: Path, log: Path) -> None:
        self.config = config
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        script = Path(sys.executable).with_name("netmon")
        head = [str(script)] if script.exists() else [sys.executable, "-m", "netmon"]
        return [*head, "run", "-c", str(self.config)]

    def start(self) -> NetmonProcess:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                self.command(), cwd=self.config.parent, stdout=out, stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def cpu_s(self) -> float:
        """Every thread of the process: the loop, the database writer, the web workers."""
        return _stat_cpu_s(Path(f"/proc/{self.pid}/stat"))

    def loop_cpu_s(self) -> float:
        """The main thread only: the one running the asyncio event loop."""
        return _stat_cpu_s(Path(f"/proc/{self.pid}/task/{self.pid}/stat"))

    def threads(self) -> int:
        return len(list(Path(f"/proc/{self.pid}/task").iterdir()))

    def peak_rss_mb(self) -> float:
        return self._status_mb("VmHWM:")

    def rss_mb(self) -> float:
        return self._status_mb("VmRSS:")

    def _status_mb(self, key: str) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> float:
        """SIGTERM (a clean stop flushes the store); seconds it took, SIGKILL past the limit."""
        if not self.alive():
            return float("nan")
        assert self.process is not None
        began = time.monotonic()
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            return float("inf")
        return time.monotonic() - began
