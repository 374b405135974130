"""INSERT ... ON CONFLICT DO UPDATE for the backends netmon runs on (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]],
           key: Sequence[str]) -> None:
    """Insert the rows; a row whose key exists replaces that row's other columns."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    changed = {c: statement.excluded[c] for c in rows[0] if c not in key}
    conn.execute(statement.on_conflict_do_update(index_elements=list(key), set_=changed),
                 list(rows))
