"""Staging, packing, rollups and retention of the store's points (tables in tables.py).

- `stage`, inside a flush: points into `points_recent`, newest values into `latest`.
- `maintain`, every few minutes: the staged points of closed 5-minute buckets are merged
  into their chunks (raw: one per hour; 5-minute buckets: one per day; hourly buckets: one
  per 30 days), a few thousand series/field pairs per unit of work so flushes get in between;
  then chunks past retention are deleted and the freed pages given back to the disk.
Rollups hold complete buckets only: readers show buckets that end by `packed_until`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from itertools import islice
from typing import Final

import numpy as np
from sqlalchemy import Connection, delete, func, select, text

from netmon.config.models import StoreSettings
from netmon.db.owner import DatabaseOwner
from netmon.db.upsert import upsert
from netmon.store import codec
from netmon.store.layout import (
    BUCKET_5M_NS,
    BUCKET_NS,
    CHUNK_NS,
    FIVE_MINUTES,
    HOURLY,
    NS_PER_DAY,
    PACKED_UNTIL,
    RAW,
)
from netmon.store.tables import chunks, latest, points_recent, series, store_meta
from netmon.store.values import StoredValue

log = logging.getLogger(__name__)
PAIRS_PER_UNIT: Final = 2_000  # one unit of work: about a tenth of a second
VACUUM_PAGES: Final = 10_000  # given back per maintenance run


def stage(conn: Connection, points: list[tuple[int, int, int, StoredValue]],
          newest: Mapping[tuple[int, int], tuple[int, StoredValue]]) -> None:
    """Write one flush: its points, staged; its newest values, unless a newer one is kept."""
    if points:
        upsert(conn, points_recent, [
            {"series_id": s, "field_id": f, "ts": t, "value": v} for s, f, t, v in points],
            ["series_id", "field_id", "ts"])
    if newest:
        dialect = _dialect(conn)
        statement = dialect.insert(latest)
        conn.execute(statement.on_conflict_do_update(
            index_elements=["series_id", "field_id"],
            set_={"ts": statement.excluded.ts, "number": statement.excluded.number,
                  "text": statement.excluded.text},
            where=statement.excluded.ts >= latest.c.ts),  # a late point never hides a newer one
            [{"series_id": s, "field_id": f, "ts": t,
              "number": None if isinstance(v, str) else v,
              "text": v if isinstance(v, str) else None} for (s, f), (t, v) in newest.items()])


def _dialect(conn: Connection):  # type: ignore[no-untyped-def]
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql if conn.dialect.name == "postgresql" else sqlite


def maintain(owner: DatabaseOwner, settings: StoreSettings, now_ns: int) -> None:
    """Pack what is complete, expire what is past retention, give the space back."""
    until = now_ns - now_ns % BUCKET_5M_NS  # the current 5-minute bucket is not complete
    pairs = owner.run(lambda conn: _staged_pairs(conn, until))
    kept_raw = owner.run(lambda conn: _kept_raw(conn, settings.keep_raw))
    packed = 0
    iterator = iter(pairs)
    while batch := list(islice(iterator, PAIRS_PER_UNIT)):
        packed += owner.run(lambda conn, b=batch: _pack(conn, b, until, kept_raw))  # type: ignore[misc]
    deleted = owner.run(lambda conn: _expire(conn, settings, now_ns, until))
    owner.run(lambda conn: conn.exec_driver_sql(f"PRAGMA incremental_vacuum({VACUUM_PAGES})")
              if conn.dialect.name == "sqlite" else None)
    log.debug("store maintenance: %d points packed, %d chunks expired", packed, deleted)


def _staged_pairs(conn: Connection, until: int) -> list[tuple[int, int]]:
    rows = conn.execute(select(points_recent.c.series_id, points_recent.c.field_id).distinct()
                        .where(points_recent.c.ts < until))
    return [(int(s), int(f)) for s, f in rows]


def _kept_raw(conn: Connection, measurements: Iterable[str]) -> set[int]:
    """Series whose raw points never expire and are never rolled up (fibre history)."""
    return {int(i) for (i,) in conn.execute(select(series.c.id)
                                             .where(series.c.measurement.in_(list(measurements))))}


def _pack(conn: Connection, pairs: list[tuple[int, int]], until: int,
          kept_raw: set[int]) -> int:
    packed = 0
    for sid, fid in pairs:
        where = (points_recent.c.series_id == sid, points_recent.c.field_id == fid,
                 points_recent.c.ts < until)
        rows = conn.execute(select(points_recent.c.ts, points_recent.c.value).where(*where)
                            .order_by(points_recent.c.ts)).all()
        if not rows:
            continue
        times = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        values = [r[1] for r in rows]
        exact = all(type(v) is int for v in values)
        staged = codec.Points(times, np.array(values, np.int64 if exact else np.float64))
        _merge(conn, RAW, sid, fid, staged)
        if sid not in kept_raw:
            for level in (FIVE_MINUTES, HOURLY):
                _merge(conn, level, sid, fid, staged)
        conn.execute(delete(points_recent).where(*where))
        packed += len(rows)
    conn.execute(upsert_meta(conn, until))
    return packed


def upsert_meta(conn: Connection, until: int):  # type: ignore[no-untyped-def]
    statement = _dialect(conn).insert(store_meta).values(key=PACKED_UNTIL, value=until)
    return statement.on_conflict_do_update(index_elements=["key"],
                                           set_={"value": func.max(store_meta.c.value, until)
                                                 if conn.dialect.name == "sqlite"
                                                 else func.greatest(store_meta.c.value, until)})


def _merge(conn: Connection, level: int, sid: int, fid: int, staged: codec.Points) -> None:
    """Merge the staged points (or their buckets) into the chunks they fall in."""
    span = CHUNK_NS[level]
    starts = staged.times - staged.times % span
    for start in np.unique(starts):
        mask = starts == start
        part = codec.Points(staged.times[mask], staged.values[mask])
        key = (chunks.c.level == level, chunks.c.series_id == sid, chunks.c.field_id == fid,
               chunks.c.start_ts == int(start))
        old = conn.execute(select(chunks.c.data).where(*key)).scalar()
        if level == RAW:
            merged = part if old is None else codec.merge_points(codec.unpack_points(old), part)
            blob = codec.pack_points(merged)
        else:
            buckets = codec.to_buckets(part, BUCKET_NS[level])
            if old is not None:
                buckets = codec.merge_buckets(codec.unpack_buckets(old), buckets)
            blob = codec.pack_buckets(buckets)
        upsert(conn, chunks, [{"level": level, "series_id": sid, "field_id": fid,
                               "start_ts": int(start), "data": blob}],
               ["level", "series_id", "field_id", "start_ts"])


def _expire(conn: Connection, settings: StoreSettings, now_ns: int, until: int) -> int:
    """Delete whole chunks that end before their level's retention (kept-raw series excepted)."""
    deleted = 0
    kept = select(series.c.id).where(series.c.measurement.in_(settings.keep_raw))
    for level, days in ((RAW, settings.raw_days), (FIVE_MINUTES, settings.rollup_5m_days),
                        (HOURLY, settings.rollup_1h_days)):
        cutoff = now_ns - days * NS_PER_DAY - CHUNK_NS[level]  # the chunk's end is older
        query = delete(chunks).where(chunks.c.level == level, chunks.c.start_ts < cutoff)
        if level == RAW:
            query = query.where(chunks.c.series_id.not_in(kept))
        deleted += conn.execute(query).rowcount
    # Staged raw points past retention (a file that was not maintained for long).
    conn.execute(delete(points_recent).where(
        points_recent.c.ts < now_ns - settings.raw_days * NS_PER_DAY,
        points_recent.c.series_id.not_in(kept)))
    return deleted


def tags_of(conn: Connection, measurement: str) -> dict[int, dict[str, str]]:
    rows = conn.execute(text("SELECT id, tags FROM series WHERE measurement = :m"),
                        {"m": measurement})
    return {int(i): json.loads(t) for i, t in rows}
