"""Fibre's own record: every milestone ever imported, and the import log (netmon.fibre.tables).

The `fibre` samples also go to the store's points, but a rollout is followed over a decade,
so its history is kept here too, one row per fact, never expired. Writes run inside the
database owner's transactions; `FibreHistory` is the read-only view maps, report and CLI use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from types import TracebackType

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from netmon.config.models import StoreSettings
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.fibre.milestone import Milestone
from netmon.fibre.tables import imports, milestones

COUNTS = ("premises_total", "premises_connectable", "premises_connected", "target")
KEY = ("day", "zone", "operator", "source")


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
    rows: int | None = None


_LOG_COLUMNS = [imports.c[n] for n in ("file", "sha256", "format", "imported_ns", "imported",
                                       "rejected", "skipped", "rejects_file", "rows")]


def record(conn: Connection, found: Iterable[Milestone], sha256: str, now_ns: int,
           log: ImportRecord | None, scope: str) -> None:
    """Keep the milestones and log the import (unless `log` is None), in the caller's transaction.

    A corrected row replaces the values it gives; a value it leaves empty keeps the earlier
    one, as the store's points do (a field that is not written keeps its point).
    """
    rows = [{"day": m.day.isoformat(), "zone": m.zone, "operator": m.operator,
             "source": m.source, "premises_total": m.premises_total,
             "premises_connectable": m.premises_connectable,
             "premises_connected": m.premises_connected, "target": m.target,
             "file_sha256": sha256, "imported_ns": now_ns} for m in found]
    if rows:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(milestones)
        kept = {c: func.coalesce(statement.excluded[c], milestones.c[c]) for c in COUNTS}
        conn.execute(statement.on_conflict_do_update(index_elements=list(KEY), set_={
            **kept, "file_sha256": statement.excluded.file_sha256,
            "imported_ns": statement.excluded.imported_ns}), rows)
    if log is not None:
        conn.execute(insert(imports), [{
            "file": log.file, "sha256": log.sha256, "scope": scope, "format": log.format,
            "imported_ns": log.imported_ns, "imported": log.imported, "rejected": log.rejected,
            "skipped": log.skipped, "rejects_file": log.rejects_file, "rows": log.rows}])


def kept_milestones(conn: Connection) -> list[Milestone]:
    """Every milestone kept, by zone, source, operator and day."""
    rows = conn.execute(select(*(milestones.c[c] for c in (*KEY, *COUNTS))).order_by(
        milestones.c.zone, milestones.c.source, milestones.c.operator, milestones.c.day))
    return [Milestone(date.fromisoformat(day), zone, operator, source, *counts)
            for day, zone, operator, source, *counts in rows]


def newest_day(conn: Connection, source: str) -> date | None:
    value = conn.execute(select(func.max(milestones.c.day))
                         .where(milestones.c.source == source)).scalar()
    return None if value is None else date.fromisoformat(value)


def last_import(conn: Connection, sha256: str, scope: str) -> ImportRecord | None:
    """The latest import of this content under this scope, or None if it never was."""
    row = conn.execute(select(*_LOG_COLUMNS).where(
        imports.c.sha256 == sha256, imports.c.scope == scope)
        .order_by(imports.c.id.desc()).limit(1)).first()
    return None if row is None else ImportRecord(*row)


def last_of_format(conn: Connection, fmt: str, scope: str) -> ImportRecord | None:
    """The latest logged import of this format under this scope (any content)."""
    row = conn.execute(select(*_LOG_COLUMNS).where(
        imports.c.format == fmt, imports.c.scope.startswith(scope))
        .order_by(imports.c.id.desc()).limit(1)).first()
    return None if row is None else ImportRecord(*row)


def import_log(conn: Connection) -> list[ImportRecord]:
    """The import log, oldest first."""
    return [ImportRecord(*row) for row in conn.execute(select(*_LOG_COLUMNS)
                                                        .order_by(imports.c.id))]


class FibreHistory:
    """The fibre history, read-only; empty until netmon has created the database."""

    def __init__(self, settings: StoreSettings) -> None:
        self.reader = DatabaseReader(database_url(settings))

    def close(self) -> None:
        self.reader.close()

    def __enter__(self) -> FibreHistory:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def milestones(self) -> list[Milestone]:
        if not self.reader.ready():
            return []
        with self.reader.snapshot() as conn:
            return kept_milestones(conn)

    def imports(self) -> list[ImportRecord]:
        if not self.reader.ready():
            return []
        with self.reader.snapshot() as conn:
            return import_log(conn)
