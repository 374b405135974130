"""Many rows through the driver's own executemany: for the hot write paths.

SQLAlchemy's executemany builds and processes a dict of parameters per row: for the store's
170,000 values per cycle at 10,000 APs it cost 4 times the CPU of the driver's executemany
(bench/bench_statements.py). The statements stay SQLAlchemy Core, compiled for the
connection's dialect, so the SQL is as portable as the rest; only the rows skip SQLAlchemy,
so the columns must be of types the driver takes as they are (integers, floats, text, bytes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

Row = Sequence[Any]


def executemany(conn: Connection, statement: ClauseElement, columns: Sequence[str],
                rows: Sequence[Row]) -> None:
    """Run `statement` once per row; each row holds the values of `columns`, in that order."""
    if not rows:
        return
    compiled = cast(SQLCompiler, statement.compile(dialect=conn.dialect))  # a DML statement
    if compiled.positional:
        order = [columns.index(name) for name in compiled.positiontup or ()]
        params: Sequence[Any] = rows if order == list(range(len(columns))) else [
            tuple(row[i] for i in order) for row in rows]
    else:
        params = [dict(zip(columns, row, strict=True)) for row in rows]
    conn.exec_driver_sql(str(compiled), params)


def upsert_many(conn: Connection, table: Table, columns: Sequence[str], key: Sequence[str],
                rows: Sequence[Row],
                only_if: Callable[[Any], ColumnElement[bool]] | None = None) -> None:
    """Insert the rows; a row whose key exists replaces the other columns (where `only_if`
    of the incoming row, `excluded`, holds)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values({c: bindparam(c) for c in columns})
    changed = {c: statement.excluded[c] for c in columns if c not in key}
    executemany(conn, statement.on_conflict_do_update(
        index_elements=list(key), set_=changed,
        where=None if only_if is None else only_if(statement.excluded)), columns, rows)
