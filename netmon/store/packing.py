"""Packing, rollups and retention of the store's points (tables in tables.py).

A flush stages its points in `points_recent` (staging.py). `maintain`, every few minutes:
once an hour is over, its staged points are merged into their chunks (raw: one per hour;
5-minute buckets: one per day; hourly buckets: one per 30 days), read and written in bulk,
about 20,000 series/field pairs per unit of work so flushes get in between; then chunks past
retention are deleted and the freed pages given back to the disk. Packing whole hours keeps
it to one chunk write per level and pair per hour (per 5 minutes cost 12 times as much at
10,000 APs). Rollups hold complete buckets only: readers show buckets that end by
`packed_until`."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Final

import numpy as np
from sqlalchemy import Connection, delete, func, select, text

from netmon.config.models import StoreSettings
from netmon.db import locks
from netmon.db.owner import DatabaseOwner
from netmon.db.upsert import upsert
from netmon.store import codec
from netmon.store.layout import (
    BUCKET_1H_NS,
    BUCKET_NS,
    CHUNK_NS,
    FIVE_MINUTES,
    HOURLY,
    NS_PER_DAY,
    PACKED_UNTIL,
    RAW,
)
from netmon.store.tables import chunks, points_recent, series, store_meta

log = logging.getLogger(__name__)
PAIRS_PER_UNIT: Final = 2_500  # a unit of work: under a second (about 0.3 ms of CPU per pair)
VACUUM_PAGES: Final = 10_000  # given back per maintenance run


def _dialect(conn: Connection):  # type: ignore[no-untyped-def]
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql if conn.dialect.name == "postgresql" else sqlite


def _take_turn(conn: Connection) -> bool:
    """Pollers sharing a PostgreSQL store maintain it one at a time (a session lock)."""
    if conn.dialect.name != "postgresql":
        return True
    return bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                             {"k": locks.MAINTENANCE}).scalar_one())


def _end_turn(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": locks.MAINTENANCE})


def maintain(owner: DatabaseOwner, settings: StoreSettings, now_ns: int) -> None:
    """Pack the complete hours, expire what is past retention, give the space back."""
    if not owner.run(_take_turn):
        log.debug("store maintenance: another poller is at it")
        return
    try:
        _maintain(owner, settings, now_ns)
    finally:
        owner.run(_end_turn)


def _maintain(owner: DatabaseOwner, settings: StoreSettings, now_ns: int) -> None:
    until = now_ns - now_ns % BUCKET_1H_NS  # an hour is packed once it is over
    kept_raw = owner.run(lambda conn: _kept_raw(conn, settings.keep_raw))
    packed = 0
    for first, last in owner.run(lambda conn: _series_slices(conn, until)):
        packed += owner.run(lambda conn, a=first, b=last:  # type: ignore[misc]
                            _pack(conn, a, b, until, kept_raw))
    if packed:
        owner.run(lambda conn: conn.execute(upsert_meta(conn, until)))
    deleted = owner.run(lambda conn: _expire(conn, settings, now_ns, until))
    owner.run(lambda conn: conn.exec_driver_sql(f"PRAGMA incremental_vacuum({VACUUM_PAGES})")
              if conn.dialect.name == "sqlite" else None)
    log.debug("store maintenance: %d points packed, %d chunks expired", packed, deleted)


def _series_slices(conn: Connection, until: int) -> list[tuple[int, int]]:
    """Ranges of series ids, each holding about PAIRS_PER_UNIT staged pairs to pack."""
    counts = conn.execute(select(points_recent.c.series_id,
                                 func.count(points_recent.c.field_id.distinct()))
                          .where(points_recent.c.ts < until)
                          .group_by(points_recent.c.series_id)
                          .order_by(points_recent.c.series_id)).all()
    slices: list[tuple[int, int]] = []
    start, pairs = None, 0
    for sid, count in counts:
        start = sid if start is None else start
        pairs += count
        if pairs >= PAIRS_PER_UNIT:
            slices.append((start, sid))
            start, pairs = None, 0
    if start is not None:
        slices.append((start, counts[-1][0]))
    return slices


def _kept_raw(conn: Connection, measurements: Iterable[str]) -> set[int]:
    """Series whose raw points never expire and are never rolled up (fibre history)."""
    return {int(i) for (i,) in conn.execute(select(series.c.id)
                                             .where(series.c.measurement.in_(list(measurements))))}


def _pack(conn: Connection, first: int, last: int, until: int, kept_raw: set[int]) -> int:
    """Merge the staged points of series first..last before `until` into their chunks."""
    in_slice = (points_recent.c.series_id >= first, points_recent.c.series_id <= last,
                points_recent.c.ts < until)
    rows = conn.execute(select(points_recent.c.series_id, points_recent.c.field_id,
                               points_recent.c.ts, points_recent.c.value).where(*in_slice)
                        .order_by(points_recent.c.series_id, points_recent.c.field_id,
                                  points_recent.c.ts)).all()
    if not rows:
        return 0
    sids = np.fromiter((r[0] for r in rows), np.int64, len(rows))
    fids = np.fromiter((r[1] for r in rows), np.int64, len(rows))
    times = np.fromiter((r[2] for r in rows), np.int64, len(rows))
    values = [r[3] for r in rows]
    keys = sids * 2**32 + fids
    starts = np.flatnonzero(np.diff(keys, prepend=-1))  # where each pair's rows begin
    ends = np.append(starts[1:], len(rows))
    existing = {level: _chunks_of(conn, level, first, last, times) for level in CHUNK_NS}
    written: list[dict[str, object]] = []
    for begin, end in zip(starts.tolist(), ends.tolist(), strict=True):
        sid, fid = int(sids[begin]), int(fids[begin])
        part = values[begin:end]
        exact = all(type(v) is int for v in part)
        staged = codec.Points(times[begin:end], np.array(part, np.int64 if exact else np.float64))
        levels = (RAW,) if sid in kept_raw else (RAW, FIVE_MINUTES, HOURLY)
        for level in levels:
            written += _merged(level, sid, fid, staged, existing[level])
    upsert(conn, chunks, written, ["level", "series_id", "field_id", "start_ts"])
    conn.execute(delete(points_recent).where(*in_slice))
    return len(rows)


def _chunks_of(conn: Connection, level: int, first: int, last: int,
               times: np.ndarray) -> dict[tuple[int, int, int], bytes]:
    """The chunks of these series at the spans the staged times fall in."""
    span = CHUNK_NS[level]
    spans = sorted({int(t) for t in np.unique(times - times % span)})
    found = conn.execute(select(chunks.c.series_id, chunks.c.field_id, chunks.c.start_ts,
                                chunks.c.data).where(
        chunks.c.level == level, chunks.c.series_id >= first, chunks.c.series_id <= last,
        chunks.c.start_ts.in_(spans)))
    return {(int(s), int(f), int(t)): bytes(d) for s, f, t, d in found}


def _merged(level: int, sid: int, fid: int, staged: codec.Points,
            existing: dict[tuple[int, int, int], bytes]) -> list[dict[str, object]]:
    """The chunk rows the staged points (or their buckets) make, merged with what is kept."""
    span = CHUNK_NS[level]
    starts = staged.times - staged.times % span
    rows: list[dict[str, object]] = []
    for start, part in _by_chunk(staged, starts):
        old = existing.get((sid, fid, start))
        if level == RAW:
            merged = part if old is None else codec.merge_points(codec.unpack_points(old), part)
            blob = codec.pack_points(merged)
        else:
            buckets = codec.to_buckets(part, BUCKET_NS[level])
            if old is not None:
                buckets = codec.merge_buckets(codec.unpack_buckets(old), buckets)
            blob = codec.pack_buckets(buckets)
        rows.append({"level": level, "series_id": sid, "field_id": fid, "start_ts": start,
                     "data": blob})
    return rows


def _by_chunk(staged: codec.Points, starts: np.ndarray) -> list[tuple[int, codec.Points]]:
    """The staged points (in time order) split by the chunk they fall in: one, as a rule."""
    if starts[0] == starts[-1]:
        return [(int(starts[0]), staged)]
    return [(start, codec.Points(staged.times[starts == start], staged.values[starts == start]))
            for start in np.unique(starts).tolist()]


def upsert_meta(conn: Connection, until: int):  # type: ignore[no-untyped-def]
    statement = _dialect(conn).insert(store_meta).values(key=PACKED_UNTIL, value=until)
    return statement.on_conflict_do_update(index_elements=["key"],
                                           set_={"value": func.max(store_meta.c.value, until)
                                                 if conn.dialect.name == "sqlite"
                                                 else func.greatest(store_meta.c.value, until)})


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
