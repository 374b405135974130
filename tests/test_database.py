"""The database owner: migrations on open, atomic units of work, one writer, read-only readers."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from netmon.config.models import StoreSettings
from netmon.db.migrate import SchemaError, head
from netmon.db.owner import DatabaseClosed, DatabaseOwner
from netmon.db.reader import DatabaseReader
from netmon.db.schema import full_metadata
from netmon.db.url import database_url


def url_of(path: Path) -> URL:
    return database_url(StoreSettings(path=path))


def revision(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def test_owner_creates_every_table_at_head_and_reopening_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "n.db"
    DatabaseOwner(url_of(path)).close()
    assert revision(path) == head()
    with closing(sqlite3.connect(path)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental
    assert set(full_metadata().tables) <= tables
    DatabaseOwner(url_of(path)).close()
    assert revision(path) == head()


def test_a_file_newer_than_netmon_or_from_netmon_0_1_is_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.db"
    DatabaseOwner(url_of(newer)).close()
    with closing(sqlite3.connect(newer)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'from-the-future'")
        conn.commit()
    with pytest.raises(SchemaError, match=r"newer\.db: schema from-the-future is newer"):
        DatabaseOwner(url_of(newer))
    old = tmp_path / "old.db"
    with closing(sqlite3.connect(old)) as conn:
        conn.execute("CREATE TABLE alert_incidents (id INTEGER PRIMARY KEY)")
    with pytest.raises(SchemaError, match=r"old\.db: made by netmon 0\.1"):
        DatabaseOwner(url_of(old))
    with pytest.raises(SchemaError, match="from-the-future"), \
            DatabaseReader(url_of(newer)).snapshot():
        pass


def test_a_unit_of_work_is_all_or_nothing_and_runs_in_order(tmp_path: Path) -> None:
    owner = DatabaseOwner(url_of(tmp_path / "n.db"))
    try:
        owner.run(lambda c: c.execute(text("CREATE TABLE t (x INTEGER)")))

        def half(conn: Connection) -> None:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            raise ValueError("the second half failed")

        with pytest.raises(ValueError):
            owner.run(half)
        def insert(value: int) -> Callable[[Connection], object]:
            return lambda conn: conn.execute(text(f"INSERT INTO t VALUES ({value})"))

        futures = [owner.submit(insert(i)) for i in range(2, 7)]
        for future in futures:
            future.result()
        rows = owner.run(lambda c: [r[0] for r in c.execute(text("SELECT x FROM t"))])
        assert rows == [2, 3, 4, 5, 6]
    finally:
        owner.close()
    with pytest.raises(DatabaseClosed):
        owner.submit(lambda c: None)


async def test_a_locked_file_fails_the_work_not_the_loop_and_the_owner_recovers(
        tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    owner = DatabaseOwner(url_of(path))
    owner.run(lambda c: c.execute(text("CREATE TABLE t (x INTEGER)")))
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another process writing (a backup, a report)
        ticks = 0

        async def ticking() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        ticker = asyncio.create_task(ticking())
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"):
            await owner.call(lambda c: c.execute(text("INSERT INTO t VALUES (1)")))
        waited = time.monotonic() - started
        ticker.cancel()
        other.execute("COMMIT")
    assert waited >= 4.5 and ticks >= 0.5 * waited / 0.05  # the loop kept turning meanwhile
    await owner.call(lambda c: c.execute(text("INSERT INTO t VALUES (2)")))
    assert owner.run(lambda c: c.execute(text("SELECT x FROM t")).scalars().all()) == [2]
    await owner.aclose()


def test_readers_cannot_write_and_leave_the_file_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    owner = DatabaseOwner(url_of(path))
    owner.run(lambda c: c.execute(text("CREATE TABLE t (x INTEGER)")))
    owner.run(lambda c: c.execute(text("INSERT INTO t VALUES (1)")))
    owner.close()
    before = path.read_bytes()
    reader = DatabaseReader(url_of(path))
    with reader.snapshot() as conn:
        assert conn.execute(text("SELECT x FROM t")).scalars().all() == [1]
    with pytest.raises(OperationalError, match=r"readonly|read-only"), reader.snapshot() as conn:
        conn.execute(text("INSERT INTO t VALUES (2)"))
    reader.close()
    assert path.read_bytes() == before
    missing = DatabaseReader(url_of(tmp_path / "none.db"))
    assert not missing.exists
    assert not (tmp_path / "none.db").exists()


def test_the_migrations_build_exactly_the_declared_schema(tmp_path: Path) -> None:
    """A table changed in code without a new Alembic revision fails here (schema drift)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    owner = DatabaseOwner(url_of(tmp_path / "n.db"))
    try:
        diff = owner.run(lambda conn: compare_metadata(MigrationContext.configure(conn),
                                                       full_metadata()))
    finally:
        owner.close()
    assert diff == []


def test_commands_name_a_database_they_cannot_use_without_a_traceback(tmp_path: Path) -> None:
    old = tmp_path / "n.db"
    with closing(sqlite3.connect(old)) as conn:
        conn.execute("CREATE TABLE alert_incidents (id INTEGER PRIMARY KEY)")
    entry = tmp_path / "town.yaml"
    entry.write_text(f"store: {{path: {old}}}\nhttp: {{enabled: false}}\n")
    netmon = Path(sys.executable).parent / "netmon"
    for args in (["run"], ["uptime", "--period", "2026-01-01..2026-01-02"]):
        result = subprocess.run([str(netmon), *args, "-c", str(entry)], capture_output=True,
                                text=True, timeout=60, check=False)
        assert result.returncode == 2, result.stderr
        assert "made by netmon 0.1" in result.stderr and "Traceback" not in result.stderr


def test_a_file_that_is_not_a_database_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "n.db"
    junk.write_bytes(b"minutes of the committee meeting\n" * 200)
    entry = tmp_path / "town.yaml"
    entry.write_text(f"store: {{path: {junk}}}\nhttp: {{enabled: false}}\n")
    netmon = Path(sys.executable).parent / "netmon"
    result = subprocess.run([str(netmon), "uptime", "--period", "2026-01-01..2026-01-02",
                             "-c", str(entry)], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 2 and "not a database" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
