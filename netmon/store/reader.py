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

from sqlalchemy import Connection, select

from netmon.config.models import StoreSettings
from netmon.db.reader import DatabaseReader
from netmon.store import codec, scans
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
    FIVE_MINUTES,
    HOURLY,
    NS_PER_DAY,
    RAW,
    packed_until,
)
from netmon.store.tables import field_names, latest, series

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
        if not self.reader.ready():
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
        if resolution != "raw":
            level = _level_for(resolution)

            def means(conn: Connection) -> list[SeriesData]:
                return [SeriesData(t, scans.points_of(b.times, b.sum / b.counts))
                        for t, b in _rolled(conn, level, measurement, field, tags, start_ns,
                                            end_ns)]
            rolled: list[SeriesData] = self._read(means, [])
            return rolled

        def raw(conn: Connection) -> list[SeriesData]:
            pairs = _matching(conn, measurement, field, tags)
            if not pairs:
                return []
            sids, fid = {s for s, _, _ in pairs}, pairs[0][1]
            packed = scans.blobs(conn, RAW, measurement, sids, fid, start_ns, end_ns)
            staged = scans.staged(conn, measurement, sids, fid, start_ns, end_ns)
            return [SeriesData(t, scans.raw_points(packed.get(s, []), staged.get(s), start_ns,
                                                   end_ns)) for s, _, t in pairs]
        found: list[SeriesData] = self._read(raw, [])
        return found

    def series_rollup(self, measurement: str, field: str, *,
                      tags: Mapping[str, str] | None = None, start_ns: int, end_ns: int,
                      resolution: RollupResolution = "5m") -> list[RollupSeries]:
        """Buckets starting in [start_ns floored to the bucket, end_ns), count/mean/min/max."""
        level = _level_for(resolution)

        def rolled(conn: Connection) -> list[RollupSeries]:
            return [RollupSeries(t, list(map(RollupPoint, b.times.tolist(), b.counts.tolist(),
                                             (b.sum / b.counts).tolist(), b.min.tolist(),
                                             b.max.tolist())))
                    for t, b in _rolled(conn, level, measurement, field, tags, start_ns, end_ns)]

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


def _rolled(conn: Connection, level: int, measurement: str, field: str,
            wanted: Mapping[str, str] | None, start_ns: int,
            end_ns: int) -> list[tuple[dict[str, str], codec.Buckets]]:
    """The complete buckets of every matching series (those that end by the last packing)."""
    pairs = _matching(conn, measurement, field, wanted)
    if not pairs:
        return []
    complete = packed_until(conn)
    first = start_ns - start_ns % BUCKET_NS[level]
    packed = scans.blobs(conn, level, measurement, {s for s, _, _ in pairs}, pairs[0][1],
                         first, end_ns)
    return [(t, scans.buckets(packed.get(s, []), level, start_ns, end_ns, complete))
            for s, _, t in pairs]
