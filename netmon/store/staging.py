"""One flush, staged: its points into `points_recent`, its newest values into `latest`.

Both through the driver's executemany (netmon/db/bulk.py): a cycle of 10,000 APs is about
170,000 values, and this is the store's hot path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from sqlalchemy import Connection

from netmon.db.bulk import upsert_many
from netmon.store.tables import latest, points_recent
from netmon.store.values import StoredValue

POINT_COLUMNS: Final = ("series_id", "field_id", "ts", "value")
LATEST_COLUMNS: Final = ("series_id", "field_id", "ts", "number", "text")
Row = tuple[int, int, int, StoredValue]


def stage(conn: Connection, points: Sequence[Row],
          newest: Mapping[tuple[int, int], tuple[int, StoredValue]]) -> None:
    """Write one flush: its points, staged; its newest values, unless a newer one is kept."""
    upsert_many(conn, points_recent, POINT_COLUMNS, POINT_COLUMNS[:3], points)
    upsert_many(conn, latest, LATEST_COLUMNS, LATEST_COLUMNS[:2], [
        (s, f, t, None, v) if isinstance(v, str) else (s, f, t, v, None)
        for (s, f), (t, v) in newest.items()],
        only_if=lambda excluded: excluded.ts >= latest.c.ts)  # a late point never hides a newer
