"""Start and stop one snmpsim command responder, by PID, listening on 127.0.0.1 only."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from netmon.processes import stop_process

READY_TIMEOUT_S = 60.0


def free_udp_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Ports the kernel hands out now; held together so they are distinct."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((host, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def responder_command() -> list[str]:
    """The snmpsim entry point of this interpreter's environment."""
    beside = Path(sys.executable).with_name("snmpsim-command-responder")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("snmpsim-command-responder")
    if found:
        return [found]
    return [sys.executable, "-m", "snmpsim.commands.responder"]


class SnmpsimProcess:
    """snmpsim serving recordings on UDP ports of 127.0.0.1.

    Either one data dir shared by every port, or (`engines`) one SNMP engine per port, each
    with its own data dir: snmpsim cannot pick a recording by port for v2c, but it can run
    many engines in one process.
    """

    def __init__(self, data_dir: Path | None, ports: Sequence[int], work_dir: Path,
                 host: str = "127.0.0.1", v3_user: str | None = None) -> None:
        self.data_dir, self.ports, self.work_dir, self.host = data_dir, list(ports), work_dir, host
        self.v3_user = v3_user
        self.groups: list[tuple[Path, int]] = []
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = work_dir / "snmpsim.log"

    @classmethod
    def engines(cls, groups: Sequence[tuple[Path, int]], work_dir: Path,
                host: str = "127.0.0.1") -> SnmpsimProcess:
        """One engine per (data dir, port): each port answers from its own recordings."""
        process = cls(None, [port for _, port in groups], work_dir, host)
        process.groups = list(groups)
        return process

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def command(self) -> list[str]:
        cache = self.work_dir / "cache"
        cache.mkdir(parents=True, exist_ok=True)
        args = [*responder_command(), f"--cache-dir={cache}", "--log-level=error",
                "--logging-method=null"]
        # Engine options are positional in snmpsim: data dir and endpoints after the engine id.
        if self.groups:
            for data_dir, port in self.groups:
                args += ["--v3-engine-id=auto", f"--data-dir={data_dir}",
                         f"--agent-udpv4-endpoint={self.host}:{port}"]
            return args
        args += ["--v3-engine-id=auto"]
        if self.v3_user:
            args += [f"--v3-user={self.v3_user}"]
        args += [f"--data-dir={self.data_dir}"]
        args += [f"--agent-udpv4-endpoint={self.host}:{port}" for port in self.ports]
        return args

    def start(self) -> SnmpsimProcess:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "SNMPSIM_ALLOW_ROOT": "true"}
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                            env=env, start_new_session=True)
        return self

    def wait_ready(self, probe: Sequence[int] | None = None,
                   timeout_s: float = READY_TIMEOUT_S, community: str = "public") -> None:
        """Wait until each probed port answers a GET of sysUpTime."""
        from netmon.sim.probe import snmp_answers

        deadline = time.monotonic() + timeout_s
        pending = list(probe if probe is not None else self.ports[:1])
        while pending:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"snmpsim exited: {self.log_path.read_text()[-2000:]}")
            pending = [p for p in pending if not snmp_answers(self.host, p, community)]
            if pending and time.monotonic() > deadline:
                raise TimeoutError(f"snmpsim did not answer on {pending} in {timeout_s:g} s")
            if pending:
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, grace_s=5)

    def __enter__(self) -> SnmpsimProcess:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
