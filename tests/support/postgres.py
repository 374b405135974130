"""A throwaway PostgreSQL cluster (Debian's server binaries) on 127.0.0.1, for the shared backend.

initdb refuses to run as root: as root the cluster belongs to the `postgres` system user the
Debian package creates, in a temporary folder of its own (pytest's tmp folders are 0700 root).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Final

from tests.support.tsdb import free_tcp_port

SERVER_USER: Final = "postgres"
SUPERUSER: Final = "netmon"


def server_bin() -> Path | None:
    """The newest installed server's bin folder (initdb, pg_ctl), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    return found[-1].parent if found else None


class PostgresCluster:
    """initdb + pg_ctl in a temp folder; `url(db)` for SQLAlchemy; `stop` by pg_ctl (its PID)."""

    def __init__(self) -> None:
        binaries = server_bin()
        if binaries is None:
            raise RuntimeError("no PostgreSQL server: install Debian's `postgresql` "
                               "(.ci/packages.txt lists it)")
        self.bin = binaries
        self.root = Path(tempfile.mkdtemp(prefix="netmon-pg-"))
        self.data = self.root / "data"
        self.port = free_tcp_port()
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.root, SERVER_USER, SERVER_USER)

    def _run(self, *argv: str) -> None:
        command = [str(self.bin / argv[0]), *argv[1:]]
        if self._as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self, durable: bool = False) -> PostgresCluster:
        """`durable`: the server's default fsync and commit settings (benchmarks); tests
        run without them (a crash of the test machine loses nothing of value)."""
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", SUPERUSER,
                  "-E", "UTF8", "--locale=C", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} "
                   f"-c unix_socket_directories={self.root} -c max_connections=200")
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-w", "-t", "60", "-o", options, "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database of its own for one test; its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={SUPERUSER} "
                             "dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.data.exists():
            with contextlib.suppress(subprocess.CalledProcessError):  # never started, or gone
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
