"""Fibre history in the one schema: every milestone ever imported, and the import log."""

from __future__ import annotations

from typing import Final

from sqlalchemy import BigInteger, Column, Index, Integer, Table, Text

from netmon.db.metadata import metadata

milestones: Final = Table(
    "fibre_milestones", metadata,
    Column("day", Text, primary_key=True),       # ISO date
    Column("zone", Text, primary_key=True),
    Column("operator", Text, primary_key=True),
    Column("source", Text, primary_key=True),
    Column("premises_total", BigInteger),
    Column("premises_connectable", BigInteger),
    Column("premises_connected", BigInteger),
    Column("target", BigInteger),
    Column("file_sha256", Text, nullable=False),
    Column("imported_ns", BigInteger, nullable=False),
    sqlite_with_rowid=False,
)

imports: Final = Table(
    "fibre_imports", metadata,
    Column("id", Integer, primary_key=True),
    Column("file", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("format", Text, nullable=False),
    Column("imported_ns", BigInteger, nullable=False),
    Column("imported", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("rejects_file", Text),
    Column("rows", Integer),  # non-blank rows of the file: a cut download has fewer
    Index(None, "sha256", "scope"),
)
