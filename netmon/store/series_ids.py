"""Ids of series and field names, found or created in bulk inside a flush."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, select

from netmon.store.tables import field_names, series

K = TypeVar("K", bound=Hashable)


def series_ids(conn: Connection, wanted: Mapping[K, tuple[str, str]]) -> dict[K, int]:
    """Ids of these series, by (measurement, canonical tags); those not stored yet are created."""
    key_of = {text: key for key, text in wanted.items()}
    found: dict[K, int] = {}
    for measurement in sorted({m for m, _ in key_of}):
        for sid, tags in conn.execute(select(series.c.id, series.c.tags)
                                      .where(series.c.measurement == measurement)):
            key = key_of.get((measurement, tags))
            if key is not None:
                found[key] = int(sid)
    missing = [{"measurement": m, "tags": t} for (m, t), key in key_of.items() if key not in found]
    if missing:
        # Another poller sharing the store may create the same series meanwhile: keep its id.
        conn.execute(_insert(conn, series).on_conflict_do_nothing(), missing)
        return found | series_ids(conn, {key_of[(r["measurement"], r["tags"])]:
                                         (r["measurement"], r["tags"]) for r in missing})
    return found


def field_ids(conn: Connection, wanted: Collection[str]) -> dict[str, int]:
    """Ids of these field names; those not stored yet are created."""
    if not wanted:
        return {}
    found = {str(n): int(i) for i, n in conn.execute(select(field_names.c.id, field_names.c.name))
             if n in wanted}
    missing = [{"name": n} for n in wanted if n not in found]
    if missing:
        conn.execute(_insert(conn, field_names).on_conflict_do_nothing(), missing)
        return found | field_ids(conn, [r["name"] for r in missing])
    return found


def _insert(conn: Connection, table: Table) -> Any:
    from sqlalchemy.dialects import postgresql, sqlite

    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)
