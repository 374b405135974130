"""The embedded store: one SQLite file (WAL), raw points kept N days, 5 min / 1 h rollups for years.

Write path: each flush goes to the small `points_recent` table; every COMPACT_ROWS rows (and
before rollups, retention and close) it is moved into `points` in primary-key order. Every
series/field pair has its newest page in `points`, so writing there each poll would rewrite one
page per pair per flush; moving in bulk rewrites it once per compaction (2-3x faster once the
file holds hours of data).

Threading: writes (`write`, `flush`, `maintain`, `close`) share one connection guarded by a lock,
so the asyncio thread, a worker thread or the scheduler may call them. Each reading thread gets
its own connection (WAL lets readers run beside the writer without blocking it); reads see what
has been flushed, not what is still buffered.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from math import isfinite
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal, TypeVar

from netmon.config.models import StoreSettings
from netmon.sample import Sample
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
from netmon.store.schema import (
    COMPACT_SQL,
    FIELD_NAMES_SQL,
    FIRST_5M_TS_SQL,
    FIRST_RAW_TS_SQL,
    INSERT_LATEST,
    INSERT_POINT,
    LATEST_SQL,
    MATCHING_SERIES_SQL,
    RAW_POINTS_SQL,
    ROLLUP_1H_SQL,
    ROLLUP_5M_SQL,
    ROLLUP_POINTS_SQL,
    ROW_PARAMS,
    ROWS_PER_INSERT,
    SCHEMA,
    TAG_FILTER_SQL,
    UPSERT_LATEST_SUFFIX,
)

log = logging.getLogger(__name__)

NS_PER_S: Final = 1_000_000_000
NS_PER_DAY: Final = 86_400 * NS_PER_S
BUCKET_5M_NS: Final = 300 * NS_PER_S
BUCKET_1H_NS: Final = 3_600 * NS_PER_S
ROLLUP_CHUNK_NS: Final = (
    3_600 * NS_PER_S
)  # one rollup transaction; the write lock is held that long
BUSY_TIMEOUT_S: Final = 5.0
WRITER_CACHE_KIB: Final = 65_536
READER_CACHE_KIB: Final = 16_384
WAL_LIMIT_BYTES: Final = 64 * 2**20
SCHEMA_VERSION: Final = 1
INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1
COMPACT_ROWS: Final = 100_000  # rows staged in points_recent before they are moved to points
MAX_BUFFERED_BATCHES: Final = 100  # kept in memory while the file cannot be written
SKIPS_LOGGED: Final = 3  # examples quoted in the one warning a flush logs about bad values

PRIMARY_KEY: Final = itemgetter(0, 1, 2)
ConcreteResolution = Literal["raw", "5m", "1h"]
P = TypeVar("P", Point, RollupPoint)
SeriesKey = tuple[str, tuple[tuple[str, str], ...]]
StoredNumber = int | float
StoredValue = int | float | str

@dataclass(frozen=True, slots=True)
class _RollupLevel:
    """One rollup table, what it is computed from and where its progress is kept."""

    table: str
    bucket_ns: int
    insert_sql: str
    first_source_ts_sql: str
    watermark_key: str
    source_watermark_key: str | None  # None: the source is raw points, complete up to `now`


ROLLUP_5M: Final = _RollupLevel(
    "rollup_5m", BUCKET_5M_NS, ROLLUP_5M_SQL, FIRST_RAW_TS_SQL, "rollup_5m_until", None
)
ROLLUP_1H: Final = _RollupLevel(
    "rollup_1h", BUCKET_1H_NS, ROLLUP_1H_SQL, FIRST_5M_TS_SQL, "rollup_1h_until", "rollup_5m_until"
)
ROLLUP_TABLES: Final[dict[str, _RollupLevel]] = {"5m": ROLLUP_5M, "1h": ROLLUP_1H}


class _Skips:
    """Bad values met during one flush, reported as one warning rather than one per value."""

    def __init__(self) -> None:
        self.count = 0
        self.examples: list[str] = []

    def add(self, reason: str) -> None:
        self.count += 1
        if len(self.examples) < SKIPS_LOGGED:
            self.examples.append(reason)

    def report(self) -> None:
        if self.count:
            log.warning(
                "store: skipped %d bad value(s) or sample(s), e.g. %s",
                self.count,
                "; ".join(self.examples),
            )


class _Rows:
    """The rows one flush writes: raw points, and the newest value per series/field."""

    def __init__(self) -> None:
        self.points: list[tuple[int, int, int, StoredNumber]] = []
        self.latest: dict[tuple[int, int], tuple[int, StoredValue]] = {}
        self.skips = _Skips()

    def latest_rows(self) -> list[tuple[int, int, int, StoredValue]]:
        return [(sid, fid, ts, value) for (sid, fid), (ts, value) in self.latest.items()]


def canonical_tags(tags: Mapping[str, str]) -> str:
    """The one JSON text a tag set is stored as, so equal tag sets share one series."""
    return json.dumps(dict(tags), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _stored_value(value: object) -> StoredValue | None:
    """The value as the store keeps it (str only in `latest`), or None when it cannot be kept."""
    if type(value) is float:
        return value if isfinite(value) else None
    if type(value) is int:
        # SQLite integers are 64-bit; a larger counter keeps its magnitude as a float.
        return value if INT64_MIN <= value <= INT64_MAX else float(value)
    if type(value) is bool:
        return int(value)
    if type(value) is str:
        return value if _encodable(value) else None
    # Subclasses such as numpy scalars: accept what really is a number.
    if isinstance(value, int):
        return _stored_value(int(value))
    if isinstance(value, float):
        return _stored_value(float(value))
    return None


def _encodable(text: str) -> bool:
    """False for text SQLite cannot take (lone surrogates), which would fail the whole flush."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _rollup_point(row: Iterable[Any]) -> RollupPoint:
    return RollupPoint(*row)


def _insert_rows(
    conn: sqlite3.Connection, insert: str, suffix: str, rows: list[tuple[int, int, int, Any]]
) -> None:
    """Insert 4-column rows, ROWS_PER_INSERT at a time, with one prepared statement."""
    full = len(rows) - len(rows) % ROWS_PER_INSERT
    if full:
        sql = insert + ", ".join([ROW_PARAMS] * ROWS_PER_INSERT) + suffix
        flat = list(chain.from_iterable(rows[:full]))
        width = 4 * ROWS_PER_INSERT
        conn.executemany(sql, [flat[i : i + width] for i in range(0, len(flat), width)])
    if full < len(rows):
        conn.executemany(insert + ROW_PARAMS + suffix, rows[full:])


def _tag_filter(wanted: Mapping[str, str] | None) -> tuple[str, list[str]]:
    """SQL (on series `s`) and its parameters keeping the series whose tags include `wanted`."""
    if not wanted:
        return "", []
    params = [text for item in sorted(wanted.items()) for text in item]
    return TAG_FILTER_SQL * len(wanted), params


class SqliteStore:
    """netmon's own record: a Store on one SQLite file, no server."""

    def __init__(self, settings: StoreSettings) -> None:
        self.path = Path(settings.path)
        self.raw_days = settings.raw_days
        self.keep_raw = list(settings.keep_raw)
        self.rollup_5m_days = settings.rollup_5m_days
        self.rollup_1h_days = settings.rollup_1h_days
        self.batch_size = settings.batch_size
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._buffer: list[Sample] = []
        self._series_ids: dict[SeriesKey, int] = {}
        self._field_ids: dict[str, int] = {}
        self._closed = False
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._writer = self._connect(WRITER_CACHE_KIB)
        self._create_schema()
        self._load_field_ids()
        self._staged_rows = int(
            self._writer.execute("SELECT count(*) FROM points_recent").fetchone()[0]
        )

    # -- lifecycle ---------------------------------------------------------------------------

    def _connect(self, cache_kib: int) -> sqlite3.Connection:
        # Autocommit mode: transactions are opened explicitly, one per flush or maintenance step.
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"PRAGMA cache_size=-{cache_kib}")
        # A compaction can grow the WAL; give the disk back once it is checkpointed.
        conn.execute(f"PRAGMA journal_size_limit={WAL_LIMIT_BYTES}")
        return conn

    def _create_schema(self) -> None:
        version = self._writer.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            self._writer.close()
            raise RuntimeError(f"{self.path}: store schema version {version} is not supported")
        self._writer.executescript(SCHEMA)
        self._writer.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _load_field_ids(self) -> None:
        self._field_ids = dict(self._writer.execute("SELECT name, id FROM field_names"))

    def close(self) -> None:
        """Flush what is buffered, then close every connection; closing twice is harmless."""
        with self._lock:
            if self._closed:
                return
            try:
                self._flush_locked()
                self._compact_locked()
            finally:
                self._closed = True
                with self._readers_lock:
                    for conn in self._readers:
                        conn.close()
                    self._readers.clear()
                self._writer.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"store {self.path} is closed")

    # -- writing -----------------------------------------------------------------------------

    def write(self, batch: Sequence[Sample]) -> None:
        """Buffer the samples; they are written in one transaction once batch_size are waiting."""
        with self._lock:
            self._check_open()
            self._buffer.extend(batch)
            if len(self._buffer) >= self.batch_size:
                self._flush_locked()

    def flush(self) -> None:
        """Write everything buffered, in one transaction."""
        with self._lock:
            self._check_open()
            self._flush_locked()

    def _flush_locked(self) -> None:
        if not self._buffer:
            return
        new_series: dict[SeriesKey, int] = {}
        new_fields: dict[str, int] = {}
        conn = self._writer
        conn.execute("BEGIN IMMEDIATE")
        try:
            rows = self._rows(self._buffer, new_series, new_fields)
            # Sorted by primary key, consecutive rows land on the same B-tree pages; the sort is
            # stable, so of two writes of one point the later still wins.
            rows.points.sort(key=PRIMARY_KEY)
            _insert_rows(conn, INSERT_POINT, "", rows.points)
            _insert_rows(conn, INSERT_LATEST, UPSERT_LATEST_SUFFIX, rows.latest_rows())
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            self._bound_buffer()
            raise  # the buffer is kept: the next flush tries again
        # Ids created in this transaction are cached only once it is committed.
        self._series_ids.update(new_series)
        self._field_ids.update(new_fields)
        self._buffer = []
        rows.skips.report()
        self._staged_rows += len(rows.points)
        if self._staged_rows >= COMPACT_ROWS:
            self._compact_locked()

    def compact(self) -> None:
        """Flush, then move the staged points into `points` (rollup, retention and close do too)."""
        with self._lock:
            self._check_open()
            self._flush_locked()
            self._compact_locked()

    def _compact_locked(self) -> None:
        if not self._staged_rows:
            return
        self._transaction(COMPACT_SQL, "DELETE FROM points_recent")
        self._staged_rows = 0

    def _transaction(self, *statements: str) -> None:
        """Run parameterless statements as one write transaction."""
        with self._atomic():
            for sql in statements:
                self._writer.execute(sql)

    def _bound_buffer(self) -> None:
        """While the file cannot be written, keep only the newest samples: memory stays bounded."""
        limit = self.batch_size * MAX_BUFFERED_BATCHES
        if len(self._buffer) > limit:
            dropped = len(self._buffer) - limit
            del self._buffer[:dropped]
            log.error("store %s: cannot write; dropped the %d oldest samples", self.path, dropped)

    def _rows(
        self, samples: list[Sample], new_series: dict[SeriesKey, int], new_fields: dict[str, int]
    ) -> _Rows:
        rows = _Rows()
        points = rows.points
        latest = rows.latest
        series_ids = self._series_ids
        field_ids = self._field_ids
        for sample in samples:
            try:
                key: SeriesKey = (sample.measurement, tuple(sorted(sample.tags.items())))
                sid = series_ids.get(key) or self._series_id(key, new_series)
                ts = sample.time_ns
                fields = sample.fields.items()
            except (AttributeError, TypeError, ValueError) as exc:
                rows.skips.add(f"sample {sample!r:.120}: {exc}")
                continue
            if type(ts) is not int:
                rows.skips.add(f"{sample.measurement}: time_ns {ts!r} is not an integer")
                continue
            for name, raw in fields:
                fid = field_ids.get(name)
                # Fast path: a known field with a finite float or a 64-bit int.
                if fid is not None and (
                    (type(raw) is float and isfinite(raw))
                    or (type(raw) is int and INT64_MIN <= raw <= INT64_MAX)
                ):
                    value: StoredValue = raw
                    points.append((sid, fid, ts, raw))
                else:
                    checked = _stored_value(raw)
                    if checked is not None and fid is None:
                        fid = self._field_id(name, new_fields)
                    if checked is None or fid is None:
                        rows.skips.add(f"{sample.measurement} {sample.tags} {name!r}={raw!r}")
                        continue
                    value = checked
                    if not isinstance(value, str):
                        points.append((sid, fid, ts, value))
                pair = (sid, fid)
                newest = latest.get(pair)
                if newest is None or ts >= newest[0]:
                    latest[pair] = (ts, value)
        return rows

    def _series_id(self, key: SeriesKey, new_series: dict[SeriesKey, int]) -> int:
        """Find or create a series (inside the flush transaction); remembered in new_series."""
        if key in new_series:
            return new_series[key]
        measurement, tag_items = key
        if type(measurement) is not str or not measurement or not _encodable(measurement):
            raise ValueError(f"measurement {measurement!r} is not a non-empty string")
        if not all(type(k) is str and type(v) is str for k, v in tag_items):
            raise TypeError(f"tags {dict(tag_items)!r} are not all strings")
        tags = canonical_tags(dict(tag_items))
        if not _encodable(tags):
            raise ValueError(f"tags {dict(tag_items)!r} are not valid text")
        row = self._writer.execute(
            "SELECT id FROM series WHERE measurement = ? AND tags = ?", (measurement, tags)
        ).fetchone()
        if row is None:
            cur = self._writer.execute(
                "INSERT INTO series (measurement, tags) VALUES (?, ?)", (measurement, tags)
            )
            row = (cur.lastrowid,)
        new_series[key] = int(row[0])
        return new_series[key]

    def _field_id(self, name: object, new_fields: dict[str, int]) -> int | None:
        """Find or create a field name; None when the name is not usable text."""
        if type(name) is not str or not name or not _encodable(name):
            return None
        if name not in new_fields:
            row = self._writer.execute(
                "SELECT id FROM field_names WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                cur = self._writer.execute("INSERT INTO field_names (name) VALUES (?)", (name,))
                row = (cur.lastrowid,)
            new_fields[name] = int(row[0])
        return new_fields[name]

    # -- rollups and retention ---------------------------------------------------------------

    def maintain(self, now_ns: int) -> None:
        """Roll up what is complete, then drop what is past retention."""
        written = self.rollup(now_ns)
        deleted = self.enforce_retention(now_ns)
        log.debug("store maintenance: %d rollup rows written, %d rows deleted", written, deleted)

    def rollup(self, now_ns: int) -> int:
        """Compute every complete 5 min and 1 h bucket since the last run; returns rows written."""
        with self._lock:
            self._check_open()
            self._flush_locked()  # points still buffered belong in the buckets about to close
            self._compact_locked()  # rollups read `points` only
        return self._roll_up(ROLLUP_5M, now_ns) + self._roll_up(ROLLUP_1H, now_ns)

    def _roll_up(self, level: _RollupLevel, now_ns: int) -> int:
        with self._lock:
            self._check_open()
            end = now_ns - now_ns % level.bucket_ns  # buckets ending by `now` are complete
            if level.source_watermark_key is not None:
                end = min(end, self._meta(level.source_watermark_key) or 0)
            start = self._rollup_start(level, now_ns)
        written = 0
        while start is not None and start < end:
            stop = min(start + ROLLUP_CHUNK_NS, end)
            # The lock is taken per chunk, so a long catch-up never holds up a flush for long.
            with self._lock:
                self._check_open()
                written += self._roll_up_chunk(level, start, stop)
            start = stop
        return written

    def _roll_up_chunk(self, level: _RollupLevel, start_ns: int, stop_ns: int) -> int:
        """Compute the buckets in [start_ns, stop_ns) and move the watermark, in one transaction."""
        buckets = [
            {"start": b, "end": b + level.bucket_ns}
            for b in range(start_ns, stop_ns, level.bucket_ns)
        ]
        with self._atomic():
            written = self._writer.executemany(level.insert_sql, buckets).rowcount
            self._set_meta(level.watermark_key, stop_ns)
        return written

    def _rollup_start(self, level: _RollupLevel, now_ns: int) -> int | None:
        done = self._meta(level.watermark_key)
        if done is not None:
            # Recompute the last bucket too: a poll stamped just before its end may land late.
            return done - level.bucket_ns
        # Kept-raw history (fibre milestones since 2016) is no reason to roll up empty years.
        keep = {"keep_raw": json.dumps(self.keep_raw)}
        first = self._writer.execute(level.first_source_ts_sql, keep).fetchone()[0]
        if first is None:
            return None
        # Older buckets would be deleted at once (5 min ones also feed the hourly ones).
        kept_days = max(self.rollup_5m_days, self.rollup_1h_days) if level is ROLLUP_5M \
            else self.rollup_1h_days
        start: int = max(int(first), now_ns - kept_days * NS_PER_DAY)
        return start - start % level.bucket_ns

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        """One write transaction on the writer connection: all of it, or nothing."""
        self._writer.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._writer.execute("ROLLBACK")
            raise
        self._writer.execute("COMMIT")

    def _meta(self, key: str) -> int | None:
        row = self._writer.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else int(row[0])

    def _set_meta(self, key: str, value: int) -> None:
        self._writer.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def enforce_retention(self, now_ns: int) -> int:
        """Delete raw points, 5 min and 1 h buckets older than their retention; returns rows."""
        with self._lock:
            self._check_open()
            self._compact_locked()  # retention deletes from `points` only
            pairs = self._writer.execute(
                "SELECT l.series_id, l.field_id, s.measurement FROM latest l "
                "JOIN series s ON s.id = l.series_id").fetchall()
        every = [(sid, fid) for sid, fid, _ in pairs]
        expiring = [(sid, fid) for sid, fid, measurement in pairs
                    if measurement not in self.keep_raw]
        deleted = 0
        for table, column, days, chosen in (
            ("points", "ts", self.raw_days, expiring),
            ("rollup_5m", "bucket_ts", self.rollup_5m_days, every),
            ("rollup_1h", "bucket_ts", self.rollup_1h_days, every),
        ):
            with self._lock:  # per table, so flushes get in between
                self._check_open()
                deleted += self._delete_before(table, column, chosen,
                                               now_ns - days * NS_PER_DAY)
        return deleted

    def _delete_before(
        self, table: str, column: str, pairs: list[tuple[int, int]], cutoff_ns: int
    ) -> int:
        # One primary-key range delete per series/field pair; the time column has no index.
        sql = f"DELETE FROM {table} WHERE series_id = ? AND field_id = ? AND {column} < ?"
        with self._atomic():
            cur = self._writer.executemany(sql, [(sid, fid, cutoff_ns) for sid, fid in pairs])
        return cur.rowcount

    # -- reading -----------------------------------------------------------------------------

    def _reader(self) -> sqlite3.Connection:
        """This thread's read connection, opened on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            with self._readers_lock:
                self._check_open()
                conn = self._connect(READER_CACHE_KIB)
                conn.execute("PRAGMA query_only=ON")
                self._readers.append(conn)
            self._local.conn = conn
        return conn

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction, so a read made of several queries sees one state of the file."""
        self._check_open()
        conn = self._reader()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def series(
        self,
        measurement: str,
        field: str,
        *,
        tags: Mapping[str, str] | None = None,
        start_ns: int,
        end_ns: int,
        resolution: Resolution = "auto",
        now_ns: int | None = None,
    ) -> list[SeriesData]:
        """Points in [start_ns, end_ns) of every series of `measurement` whose tags include `tags`.

        A rollup gives one point per bucket: its start time and the mean; it holds complete
        buckets only, as of the last rollup(). "auto" reads raw points when start_ns is within
        raw retention, else the finest rollup whose retention covers it.
        """
        if resolution == "auto":
            resolution = self.auto_resolution(start_ns, now_ns)
        if resolution == "raw":
            found = self._read(
                RAW_POINTS_SQL, Point._make, measurement, field, tags, start_ns, end_ns
            )
        else:
            level = _level_for(resolution)
            sql = f"SELECT bucket_ts, sum / count {ROLLUP_POINTS_SQL.format(table=level.table)}"
            start = start_ns - start_ns % level.bucket_ns
            found = self._read(sql, Point._make, measurement, field, tags, start, end_ns)
        return [SeriesData(series_tags, points) for series_tags, points in found]

    def series_rollup(
        self,
        measurement: str,
        field: str,
        *,
        tags: Mapping[str, str] | None = None,
        start_ns: int,
        end_ns: int,
        resolution: RollupResolution = "5m",
    ) -> list[RollupSeries]:
        """Buckets starting in [start_ns floored to the bucket, end_ns), with count/mean/min/max."""
        level = _level_for(resolution)
        sql = (
            "SELECT bucket_ts, count, sum / count, min + 0.0, max + 0.0 "
            + ROLLUP_POINTS_SQL.format(table=level.table)
        )
        start = start_ns - start_ns % level.bucket_ns
        found = self._read(sql, _rollup_point, measurement, field, tags, start, end_ns)
        return [RollupSeries(series_tags, points) for series_tags, points in found]

    def auto_resolution(self, start_ns: int, now_ns: int | None = None) -> ConcreteResolution:
        """The finest resolution whose retention still covers start_ns."""
        now = time.time_ns() if now_ns is None else now_ns
        if start_ns >= now - self.raw_days * NS_PER_DAY:
            return "raw"
        if start_ns >= now - self.rollup_5m_days * NS_PER_DAY:
            return "5m"
        return "1h"

    def _read(
        self,
        sql: str,
        make: Callable[[Iterable[Any]], P],
        measurement: str,
        field: str,
        wanted: Mapping[str, str] | None,
        start_ns: int,
        end_ns: int,
    ) -> list[tuple[dict[str, str], list[P]]]:
        """Run `sql` (series id, field id, start, end) for each matching series, in one snapshot."""
        with self._snapshot() as conn:
            return [
                (series_tags, list(map(make, conn.execute(sql, (sid, fid, start_ns, end_ns)))))
                for sid, fid, series_tags in self._matching(conn, measurement, field, wanted)
            ]

    def _matching(
        self,
        conn: sqlite3.Connection,
        measurement: str,
        field: str,
        wanted: Mapping[str, str] | None,
    ) -> list[tuple[int, int, dict[str, str]]]:
        """(series id, field id, tags) of the series of `measurement` that have `field`."""
        row = conn.execute("SELECT id FROM field_names WHERE name = ?", (field,)).fetchone()
        if row is None:
            return []
        fid = int(row[0])
        tag_filter, params = _tag_filter(wanted)
        rows = conn.execute(
            MATCHING_SERIES_SQL.format(tag_filter=tag_filter), (fid, measurement, *params)
        )
        return [(int(sid), fid, json.loads(tags_json)) for sid, tags_json in rows]

    def latest(self, measurement: str, tags: Mapping[str, str] | None = None) -> list[LatestSeries]:
        """The newest value of every field, one entry per series whose tags include `tags`."""
        tag_filter, params = _tag_filter(tags)
        with self._snapshot() as conn:
            sql = LATEST_SQL.format(tag_filter=tag_filter)
            rows = conn.execute(sql, (measurement, *params)).fetchall()
        by_series: dict[int, tuple[dict[str, str], dict[str, LatestValue], dict[str, int]]] = {}
        for sid, tags_json, name, ts, value in rows:
            entry = by_series.get(sid)
            if entry is None:
                entry = by_series[sid] = (json.loads(tags_json), {}, {})
            entry[1][name] = value
            entry[2][name] = ts
        return [
            LatestSeries(measurement, series_tags, max(times.values()), fields, times)
            for series_tags, fields, times in by_series.values()
        ]

    def measurements(self) -> list[str]:
        """Every measurement that has at least one series."""
        with self._snapshot() as conn:
            rows = conn.execute("SELECT DISTINCT measurement FROM series ORDER BY 1").fetchall()
        return [str(r[0]) for r in rows]

    def tag_values(self, measurement: str, tag: str) -> list[str]:
        """The distinct values of one tag across the series of a measurement, sorted."""
        with self._snapshot() as conn:
            rows = conn.execute(
                "SELECT DISTINCT t.value FROM series AS s, json_each(s.tags) AS t "
                "WHERE s.measurement = ? AND t.key = ? ORDER BY 1",
                (measurement, tag),
            ).fetchall()
        return [str(r[0]) for r in rows]

    def field_names(self, measurement: str) -> list[str]:
        """The fields (numeric and text) ever written for a measurement, sorted."""
        with self._snapshot() as conn:
            rows = conn.execute(FIELD_NAMES_SQL, (measurement,)).fetchall()
        return [str(r[0]) for r in rows]


def _level_for(resolution: str) -> _RollupLevel:
    try:
        return ROLLUP_TABLES[resolution]
    except KeyError:
        raise ValueError(f"unknown rollup resolution {resolution!r}: use 5m or 1h") from None
