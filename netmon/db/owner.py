"""DatabaseOwner: the one writer of netmon's database, a thread of its own.

Every write is a unit of work, `work(connection) -> result`, run on that thread inside one
transaction: all of it is committed, or none of it (the caller learns which from the future).
Works run in the order they were submitted. The asyncio loop never waits on the disk: it
awaits `call()`; threads that may block (the fibre job, the CLI) use `run()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.engine import URL

from netmon.db.engines import writer_engine
from netmon.db.migrate import upgrade
from netmon.db.url import sqlite_path

log = logging.getLogger(__name__)
T = TypeVar("T")
Work = Callable[[Connection], T]


class DatabaseClosed(RuntimeError):
    """A write was submitted after the owner was closed."""


class DatabaseOwner:
    """Opens (and migrates) the database, then serialises every write on one thread."""

    def __init__(self, url: URL, name: str = "db-writer") -> None:
        self.url = url
        self.where = str(sqlite_path(url) or url.render_as_string(hide_password=True))
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = writer_engine(url)
        self._thread = ThreadPoolExecutor(1, thread_name_prefix=name)
        self._conn: Connection | None = None
        self._closed = False
        # For /readyz: when the last transaction committed (monotonic) and why the last failed.
        self.last_commit: float | None = None
        self.last_failure: str | None = None
        try:
            self._thread.submit(self._open).result()
        except BaseException:
            self._thread.shutdown(wait=True)
            self.engine.dispose()
            raise

    def _open(self) -> None:
        upgrade(self.engine, self.where)
        self._conn = self.engine.connect()

    def submit(self, work: Work[T]) -> Future[T]:
        """Queue `work`; it runs in one transaction on the writer thread."""
        if self._closed:
            raise DatabaseClosed(f"database {self.where} is closed")
        return self._thread.submit(self._transaction, work)

    def run(self, work: Work[T]) -> T:
        """Submit and wait: for threads that may block (never the asyncio loop)."""
        return self.submit(work).result()

    async def call(self, work: Work[T]) -> T:
        """Submit and await, without blocking the loop."""
        return await asyncio.wrap_future(self.submit(work))

    def _transaction(self, work: Work[T]) -> T:
        conn = self._connection()
        try:
            with conn.begin():
                result = work(conn)
            self.last_commit, self.last_failure = time.monotonic(), None
            return result
        except Exception as exc:
            self.last_failure = f"{type(exc).__name__}: {exc}"[:200]
            # A connection left in doubt (lost server, failed BEGIN) is replaced, not reused.
            if conn.invalidated or conn.in_transaction():
                conn.close()
                self._conn = None
            raise

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed:
            self._conn = self.engine.connect()
        return self._conn

    def close(self) -> None:
        """Run what is queued, then close; closing twice is harmless. Blocks: not on the loop."""
        if self._closed:
            return
        self._closed = True
        self._thread.submit(self._close_connection)
        self._thread.shutdown(wait=True)
        self.engine.dispose()

    async def aclose(self) -> None:
        await asyncio.to_thread(self.close)

    def _close_connection(self) -> None:
        if self._conn is None:
            return
        if self._conn.dialect.name == "sqlite":
            # Out of WAL mode when the writer leaves: readers (maps, report, uptime) then open
            # the bare file read-only and leave no -wal/-shm files behind. Another process
            # still using the file keeps it in WAL mode, which is just as safe.
            driver = self._conn.connection.driver_connection  # outside any transaction
            with contextlib.suppress(Exception):
                if driver is not None:
                    driver.execute("PRAGMA journal_mode=DELETE")
        self._conn.close()
        self._conn = None
