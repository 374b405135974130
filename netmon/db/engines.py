"""SQLAlchemy engines for the writer and the readers, with SQLite set up as netmon needs it."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

BUSY_TIMEOUT_S: Final = 5.0
WAL_LIMIT_BYTES: Final = 64 * 2**20
WRITER_CACHE_KIB: Final = 65_536
READER_CACHE_KIB: Final = 16_384


def writer_engine(url: URL) -> Engine:
    """One connection, used by the writer thread only."""
    sqlite = url.get_backend_name() == "sqlite"
    engine = create_engine(url, poolclass=NullPool, connect_args=_sqlite_args(url) | (
        {"check_same_thread": False} if sqlite else {}))
    if sqlite:
        _sqlite_transactions(engine, "BEGIN IMMEDIATE")
        event.listen(engine, "connect", _writer_pragmas)
    return engine


def reader_engine(url: URL) -> Engine:
    """Pooled read-only connections, one per reading thread at a time."""
    engine = create_engine(url, connect_args=_sqlite_args(url))
    if url.get_backend_name() == "sqlite":
        # A deferred BEGIN: the first read takes a snapshot that the whole block sees.
        _sqlite_transactions(engine, "BEGIN")
        event.listen(engine, "connect", _reader_pragmas)
    else:
        engine = engine.execution_options(postgresql_readonly=True)
    return engine


def _sqlite_args(url: URL) -> dict[str, Any]:
    return {"timeout": BUSY_TIMEOUT_S} if url.get_backend_name() == "sqlite" else {}


def _sqlite_transactions(engine: Engine, begin: str) -> None:
    """SQLAlchemy's documented recipe: SQLite transactions begun by us, DDL included."""

    @event.listens_for(engine, "connect")
    def _autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # pysqlite must not issue its own BEGIN

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)


def _writer_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Set before the first table exists (a new file); a no-op on an existing one.
    cursor.execute("PRAGMA auto_vacuum=INCREMENTAL")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
    # A big transaction can grow the WAL; give the disk back once it is checkpointed.
    cursor.execute(f"PRAGMA journal_size_limit={WAL_LIMIT_BYTES}")
    cursor.close()


def _reader_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")  # belt and braces beside mode=ro
    cursor.execute(f"PRAGMA cache_size=-{READER_CACHE_KIB}")
    cursor.close()
