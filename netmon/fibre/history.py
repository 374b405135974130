"""Fibre's own record in the store file: every milestone ever imported, and the import log.

The `fibre` samples also go to the store's points, but those are raw points that the store's
retention drops after `raw_days` (and old-dated points are never rolled up). A rollout is
followed over a decade, so its history is kept here too, one row per fact, never expired.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Final

from collectors.fibre.records import Milestone

BUSY_TIMEOUT_S: Final = 5.0
SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS fibre_milestones (
    day TEXT NOT NULL, zone TEXT NOT NULL, operator TEXT NOT NULL, source TEXT NOT NULL,
    premises_total INTEGER, premises_connectable INTEGER, premises_connected INTEGER,
    target INTEGER, file_sha256 TEXT NOT NULL, imported_ns INTEGER NOT NULL,
    PRIMARY KEY (day, zone, operator, source)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fibre_imports (
    id INTEGER PRIMARY KEY, file TEXT NOT NULL, sha256 TEXT NOT NULL, scope TEXT NOT NULL,
    format TEXT NOT NULL, imported_ns INTEGER NOT NULL, imported INTEGER NOT NULL,
    rejected INTEGER NOT NULL, skipped INTEGER NOT NULL, rejects_file TEXT
);
CREATE INDEX IF NOT EXISTS fibre_imports_sha ON fibre_imports (sha256, scope);
"""
# A corrected row replaces the values it gives; a value it leaves empty keeps the earlier one,
# as the store's points do (a field that is not written keeps its point).
UPSERT: Final = """
INSERT INTO fibre_milestones VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (day, zone, operator, source) DO UPDATE SET
    premises_total = coalesce(excluded.premises_total, premises_total),
    premises_connectable = coalesce(excluded.premises_connectable, premises_connectable),
    premises_connected = coalesce(excluded.premises_connected, premises_connected),
    target = coalesce(excluded.target, target),
    file_sha256 = excluded.file_sha256, imported_ns = excluded.imported_ns
"""
SELECT_MILESTONES: Final = """
SELECT day, zone, operator, source, premises_total, premises_connectable, premises_connected,
       target FROM fibre_milestones ORDER BY zone, source, operator, day
"""


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One line of the import log."""

    file: str
    sha256: str
    format: str
    imported_ns: int
    imported: int
    rejected: int
    skipped: int
    rejects_file: str | None


class FibreHistory:
    """The fibre tables of one store file; open it, use it, close it."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(SCHEMA)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> FibreHistory:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def record(self, milestones: Iterable[Milestone], sha256: str, now_ns: int,
               log: ImportRecord | None, scope: str) -> None:
        """Keep the milestones and log the import (unless `log` is None), in one transaction."""
        rows = [(m.day.isoformat(), m.zone, m.operator, m.source, m.premises_total,
                 m.premises_connectable, m.premises_connected, m.target, sha256, now_ns)
                for m in milestones]
        with self._transaction() as conn:
            conn.executemany(UPSERT, rows)
            if log is None:
                return
            conn.execute(
                "INSERT INTO fibre_imports (file, sha256, scope, format, imported_ns, imported,"
                " rejected, skipped, rejects_file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (log.file, log.sha256, scope, log.format, log.imported_ns, log.imported,
                 log.rejected, log.skipped, log.rejects_file))

    def milestones(self) -> list[Milestone]:
        """Every milestone kept, by zone, source, operator and day."""
        return [Milestone(date.fromisoformat(day), zone, operator, source, *counts)
                for day, zone, operator, source, *counts
                in self._conn.execute(SELECT_MILESTONES)]

    def newest_day(self, source: str) -> date | None:
        row = self._conn.execute("SELECT max(day) FROM fibre_milestones WHERE source = ?",
                                 (source,)).fetchone()
        return None if row[0] is None else date.fromisoformat(row[0])

    def last_import(self, sha256: str, scope: str) -> ImportRecord | None:
        """The latest import of this content under this scope, or None if it never was."""
        row = self._conn.execute(
            "SELECT file, sha256, format, imported_ns, imported, rejected, skipped, rejects_file"
            " FROM fibre_imports WHERE sha256 = ? AND scope = ? ORDER BY id DESC LIMIT 1",
            (sha256, scope)).fetchone()
        return None if row is None else ImportRecord(*row)

    def imports(self) -> list[ImportRecord]:
        """The import log, oldest first."""
        return [ImportRecord(*row) for row in self._conn.execute(
            "SELECT file, sha256, format, imported_ns, imported, rejected, skipped, rejects_file"
            " FROM fibre_imports ORDER BY id")]
