"""SampleReader: the store's read side, on read-only connections; it never writes.

A read sees what was flushed (and committed), not what is still buffered by the writer.
Raw reads merge the packed chunks with the points still staged; rollup reads give complete
buckets only (those that end by the last packing).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal, TypeVar

import numpy as np
from sqlalchemy import Connection, select

from netmon.config.models import StoreSettings
from netmon.db.reader import DatabaseReader
from netmon.store import codec
from netmon.store.base import (
    LatestSeries,
    LatestValue,
    Point,
    Resolution,
    RollupPoint,
    RollupResolution,
    RollupSeries,
    SeriesData,
)
from netmon.store.layout import (
    BUCKET_NS,
    CHUNK_NS,
    FIVE_MINUTES,
    HOURLY,
    NS_PER_DAY,
    RAW,
    packed_until,
)
from netmon.store.tables import chunks, field_names, latest, points_recent, series

ConcreteResolution = Literal["raw", "5m", "1h"]
LEVELS: Final = {"5m": FIVE_MINUTES, "1h": HOURLY}
P = TypeVar("P", Point, RollupPoint)
Pair = tuple[int, int, dict[str, str]]


def _level_for(resolution: str) -> int:
    try:
        return LEVELS[resolution]
    except KeyError:
        raise ValueError(f"unknown rollup resolution {resolution!r}: use 5m or 1h") from None


class SampleReader:
    """A Store's reads over the one database, read-only."""

    def __init__(self, reader: DatabaseReader, settings: StoreSettings) -> None:
        self.reader = reader
        self.settings = settings

    def _read(self, work: Callable[[Connection], Any], empty: Any) -> Any:
        if not self.reader.exists:
            return empty
        with self.reader.snapshot() as conn:
            return work(conn)

    # -- series ----------------------------------------------------------------------------

    def auto_resolution(self, start_ns: int, now_ns: int | None = None) -> ConcreteResolution:
        """The finest resolution whose retention still covers start_ns."""
        now = time.time_ns() if now_ns is None else now_ns
        if start_ns >= now - self.settings.raw_days * NS_PER_DAY:
            return "raw"
        if start_ns >= now - self.settings.rollup_5m_days * NS_PER_DAY:
            return "5m"
        return "1h"

    def series(self, measurement: str, field: str, *, tags: Mapping[str, str] | None = None,
               start_ns: int, end_ns: int, resolution: Resolution = "auto",
               now_ns: int | None = None) -> list[SeriesData]:
        """Points in [start_ns, end_ns) of every series of `measurement` whose tags include `tags`.

        A rollup gives one point per bucket: its start time and the mean.
        """
        if resolution == "auto":
            resolution = self.auto_resolution(start_ns, now_ns)
        if resolution == "raw":
            def raw(conn: Connection) -> list[SeriesData]:
                return [SeriesData(t, _raw_points(conn, s, f, start_ns, end_ns))
                        for s, f, t in _matching(conn, measurement, field, tags)]
            found: list[SeriesData] = self._read(raw, [])
            return found
        return [SeriesData(r.tags, [Point(p.time_ns, p.mean) for p in r.points])
                for r in self.series_rollup(measurement, field, tags=tags, start_ns=start_ns,
                                            end_ns=end_ns, resolution=resolution)]

    def series_rollup(self, measurement: str, field: str, *,
                      tags: Mapping[str, str] | None = None, start_ns: int, end_ns: int,
                      resolution: RollupResolution = "5m") -> list[RollupSeries]:
        """Buckets starting in [start_ns floored to the bucket, end_ns), count/mean/min/max."""
        level = _level_for(resolution)

        def rolled(conn: Connection) -> list[RollupSeries]:
            complete = packed_until(conn)
            return [RollupSeries(t, _buckets(conn, level, s, f, start_ns, end_ns, complete))
                    for s, f, t in _matching(conn, measurement, field, tags)]

        found: list[RollupSeries] = self._read(rolled, [])
        return found

    # -- newest values and names -------------------------------------------------------------

    def latest(self, measurement: str, tags: Mapping[str, str] | None = None,
               ) -> list[LatestSeries]:
        """The newest value of every field, one entry per series whose tags include `tags`."""
        def newest(conn: Connection) -> list[LatestSeries]:
            wanted = _series_of(conn, measurement, tags)
            names = dict(conn.execute(select(field_names.c.id, field_names.c.name)).all())
            by_series: dict[int, tuple[dict[str, LatestValue], dict[str, int]]] = {}
            rows = conn.execute(select(latest.c.series_id, latest.c.field_id, latest.c.ts,
                                       latest.c.number, latest.c.text)
                                .where(latest.c.series_id.in_(list(wanted))))
            for sid, fid, ts, number, text in rows:
                fields, times = by_series.setdefault(sid, ({}, {}))
                name = names[fid]
                fields[name] = text if text is not None else _number(number)
                times[name] = int(ts)
            return [LatestSeries(measurement, wanted[sid], max(times.values()),
                                 dict(sorted(fields.items())), times)
                    for sid, (fields, times) in sorted(by_series.items(),
                                                       key=lambda i: json.dumps(wanted[i[0]]))]

        found: list[LatestSeries] = self._read(newest, [])
        return found

    def measurements(self) -> list[str]:
        """Every measurement that has at least one series."""
        found: list[str] = self._read(lambda conn: sorted(
            {m for (m,) in conn.execute(select(series.c.measurement).distinct())}), [])
        return found

    def tag_values(self, measurement: str, tag: str) -> list[str]:
        """The distinct values of one tag across the series of a measurement, sorted."""
        found: list[str] = self._read(lambda conn: sorted(
            {t[tag] for t in _series_of(conn, measurement, None).values() if tag in t}), [])
        return found

    def field_names(self, measurement: str) -> list[str]:
        """The fields (numeric and text) ever written for a measurement, sorted."""
        def names(conn: Connection) -> list[str]:
            query = select(field_names.c.name).distinct().join(
                latest, latest.c.field_id == field_names.c.id).join(
                series, series.c.id == latest.c.series_id).where(
                series.c.measurement == measurement)
            return sorted(str(n) for (n,) in conn.execute(query))
        found: list[str] = self._read(names, [])
        return found


def _number(value: Any) -> float:
    return float(value) if not isinstance(value, int) else value  # exact integers stay exact


def _series_of(conn: Connection, measurement: str, wanted: Mapping[str, str] | None,
               ) -> dict[int, dict[str, str]]:
    """Series of the measurement whose tags include `wanted`: id -> tags."""
    found = {}
    for sid, text in conn.execute(select(series.c.id, series.c.tags)
                                  .where(series.c.measurement == measurement)):
        tags = json.loads(text)
        if not wanted or all(tags.get(k) == v for k, v in wanted.items()):
            found[int(sid)] = tags
    return found


def _matching(conn: Connection, measurement: str, field: str,
              wanted: Mapping[str, str] | None) -> list[Pair]:
    """(series id, field id, tags) of the matching series that have `field`, by their tags."""
    fid = conn.execute(select(field_names.c.id).where(field_names.c.name == field)).scalar()
    if fid is None:
        return []
    candidates = _series_of(conn, measurement, wanted)
    having = {int(s) for (s,) in conn.execute(select(latest.c.series_id).where(
        latest.c.field_id == fid, latest.c.series_id.in_(list(candidates))))}
    pairs = [(sid, int(fid), tags) for sid, tags in candidates.items() if sid in having]
    return sorted(pairs, key=lambda p: json.dumps(p[2], sort_keys=True, ensure_ascii=False,
                                                  separators=(",", ":")))


def _chunks(conn: Connection, level: int, sid: int, fid: int, start_ns: int,
            end_ns: int) -> list[bytes]:
    return [bytes(b) for (b,) in conn.execute(select(chunks.c.data).where(
        chunks.c.level == level, chunks.c.series_id == sid, chunks.c.field_id == fid,
        chunks.c.start_ts > start_ns - CHUNK_NS[level], chunks.c.start_ts < end_ns)
        .order_by(chunks.c.start_ts))]


def _raw_points(conn: Connection, sid: int, fid: int, start_ns: int,
                end_ns: int) -> list[Point]:
    points: dict[int, float] = {}
    for blob in _chunks(conn, RAW, sid, fid, start_ns, end_ns):
        unpacked = codec.unpack_points(blob)
        keep = (unpacked.times >= start_ns) & (unpacked.times < end_ns)
        points.update(zip(unpacked.times[keep].tolist(),
                          unpacked.values[keep].astype(np.float64).tolist(), strict=True))
    staged = conn.execute(select(points_recent.c.ts, points_recent.c.value).where(
        points_recent.c.series_id == sid, points_recent.c.field_id == fid,
        points_recent.c.ts >= start_ns, points_recent.c.ts < end_ns))
    points.update((int(t), float(v)) for t, v in staged)  # a rewritten point: the staged one
    return [Point(t, points[t]) for t in sorted(points)]


def _buckets(conn: Connection, level: int, sid: int, fid: int, start_ns: int, end_ns: int,
             complete_until: int) -> list[RollupPoint]:
    bucket = BUCKET_NS[level]
    first = start_ns - start_ns % bucket
    out: list[RollupPoint] = []
    for blob in _chunks(conn, level, sid, fid, first, end_ns):
        b = codec.unpack_buckets(blob)
        keep = (b.times >= first) & (b.times < end_ns) & (b.times + bucket <= complete_until)
        for t, n, total, low, high in zip(b.times[keep].tolist(), b.counts[keep].tolist(),
                                          b.sum[keep].tolist(), b.min[keep].tolist(),
                                          b.max[keep].tolist(), strict=True):
            out.append(RollupPoint(t, n, total / n, low, high))
    return out
