"""`netmon run` as a real process, its log lines timestamped as they come."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.support.wait import wait_until

NETMON = str(Path(sys.executable).parent / "netmon")


class NetmonRun:
    def __init__(self, config: Path, log_level: str = "info") -> None:
        self.config = config
        self.lines: list[tuple[float, str]] = []
        self.process = subprocess.Popen(
            [NETMON, "--log-level", log_level, "run", "-c", str(config)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append((time.monotonic(), line.rstrip()))

    def wait_for(self, text: str, timeout_s: float = 30.0) -> float:
        """When a log line containing `text` appeared (fails at once if netmon exits first)."""

        def tail() -> str:
            return "\n".join(line for _, line in self.lines[-30:])

        def appeared() -> float | None:
            exited = self.process.poll() is not None
            at = next((at for at, line in list(self.lines) if text in line), None)
            if at is None and exited:
                raise AssertionError(f"netmon exited ({self.process.returncode}) with no log "
                                     f"line with {text!r}:\n{tail()}")
            return at

        return wait_until(appeared, timeout_s, lambda: f"a log line with {text!r}:\n{tail()}")

    def stop(self) -> int:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            self._reader.join(timeout=5)

    def kill(self) -> None:
        """kill -9: no clean shutdown at all."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._reader.join(timeout=5)
