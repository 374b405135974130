"""The store's tables in the one schema: series, newest values, staged points, packed chunks.

Points arrive in `points_recent` (one row each, cheap to write every cycle); every few
minutes the store's maintenance packs them into `chunks`: one small compressed blob per
series/field per hour of raw points, per day of 5-minute buckets and per 30 days of hourly
buckets (netmon/store/codec.py). A row per point cost 28.6 bytes; a packed point costs a
few bytes, or less than one when it repeats (docs/store.md has the figures).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
)

from netmon.db.metadata import metadata
from netmon.db.types import ExactNumber

series: Final = Table(
    "series", metadata,
    Column("id", Integer, primary_key=True),
    Column("measurement", Text, nullable=False),
    Column("tags", Text, nullable=False),  # canonical JSON: keys sorted, no spaces, UTF-8
    UniqueConstraint("measurement", "tags"),
)

field_names: Final = Table(
    "field_names", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
)

# NUMERIC affinity keeps integers exact integers and floats floats; text has its own column
# so a text value that looks like a number stays text.
latest: Final = Table(
    "latest", metadata,
    Column("series_id", Integer, primary_key=True),
    Column("field_id", Integer, primary_key=True),
    Column("ts", BigInteger, nullable=False),
    Column("number", ExactNumber),
    Column("text", Text),
    sqlite_with_rowid=False,
)

points_recent: Final = Table(
    "points_recent", metadata,
    Column("series_id", Integer, primary_key=True),
    Column("field_id", Integer, primary_key=True),
    Column("ts", BigInteger, primary_key=True),
    Column("value", ExactNumber, nullable=False),
    sqlite_with_rowid=False,
)

chunks: Final = Table(
    "chunks", metadata,
    Column("level", SmallInteger, primary_key=True),  # 0 raw, 1 five-minute, 2 hourly
    Column("series_id", Integer, primary_key=True),
    Column("field_id", Integer, primary_key=True),
    Column("start_ts", BigInteger, primary_key=True),
    Column("data", LargeBinary, nullable=False),
    sqlite_with_rowid=False,
)
# Retention drops whole chunks by age, whatever their series.
chunks_by_age: Final = Index(None, chunks.c.level, chunks.c.start_ts)

store_meta: Final = Table(
    "store_meta", metadata,
    Column("key", Text, primary_key=True),
    Column("value", BigInteger, nullable=False),
    sqlite_with_rowid=False,
)
