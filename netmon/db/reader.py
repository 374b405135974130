"""DatabaseReader: read-only access for maps, report, uptime and the web; it never writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, inspect
from sqlalchemy.engine import URL

from netmon.db.engines import reader_engine
from netmon.db.migrate import check_readable, current
from netmon.db.url import read_only, sqlite_path


class DatabaseReader:
    """Snapshots of the database; `ready()` is False until a writer has created its schema."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self.where = str(sqlite_path(url) or url.render_as_string(hide_password=True))
        self.engine = reader_engine(read_only(url))
        self._checked = False

    @property
    def exists(self) -> bool:
        path = sqlite_path(self.url)
        return path is None or path.exists()

    def ready(self) -> bool:
        """True once a writer has created the database and committed its schema.

        False before (no file, or a schema still being written): a reader started first
        shows "no data yet". A schema this netmon cannot read raises SchemaError.
        """
        if self._checked:
            return True
        if not self.exists:
            return False
        with self.engine.connect() as conn, conn.begin():
            if current(conn) is None and not inspect(conn).get_table_names():
                return False
            check_readable(conn, self.where)
        self._checked = True
        return True

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """One read transaction: every query in the block sees the same state."""
        with self.engine.connect() as conn, conn.begin():
            if not self._checked:
                check_readable(conn, self.where)
                self._checked = True
            yield conn

    def close(self) -> None:
        self.engine.dispose()
