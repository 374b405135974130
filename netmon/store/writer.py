"""SampleStore: the store's write side, a Sink whose writes are the database owner's work.

`write` buffers (any thread, cheap); `flush` hands the buffer to the owner as one unit of
work and returns at once; `drained()` awaits it. A value the store cannot hold is rejected
alone (logged once per series and field until it is good again, and counted); the rest of
the flush is written. A flush that fails (the file locked by another process past the busy
timeout) keeps its samples for the next flush, within a bound. `maintain` packs staged
points into chunks, rolls them up and enforces retention (netmon/store/packing.py).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Final

from sqlalchemy import Connection

from netmon.config.models import StoreSettings
from netmon.db.owner import DatabaseOwner
from netmon.sample import Sample
from netmon.store import packing
from netmon.store.series_ids import field_ids, series_ids
from netmon.store.staging import Row, stage
from netmon.store.values import Rejected, StoredValue, canonical_tags, checked_name, shown
from netmon.store.values import stored_value as _stored

log = logging.getLogger(__name__)
MAX_BUFFERED_BATCHES: Final = 100  # kept in memory while the file cannot be written
SeriesKey = tuple[str, tuple[tuple[str, str], ...]]
NewIds = tuple[dict[SeriesKey, int], dict[str, int]]


class SampleStore:
    """netmon's own record, written through the database owner."""

    def __init__(self, owner: DatabaseOwner, settings: StoreSettings) -> None:
        self.owner = owner
        self.settings = settings
        self.rejected_values = 0
        self._lock = threading.Lock()
        self._buffer: list[Sample] = []
        self._series_ids: dict[SeriesKey, int] = {}
        self._field_ids: dict[str, int] = {}
        self._bad: set[tuple[SeriesKey | None, str]] = set()  # logged until they recover
        self._last: Future[NewIds] | None = None
        self._closed = False

    # -- the Sink ---------------------------------------------------------------------------

    def write(self, batch: Sequence[Sample]) -> None:
        with self._lock:
            self._check_open()
            self._buffer.extend(batch)
            full = len(self._buffer) >= self.settings.batch_size
        if full:
            self.flush()

    def flush(self) -> None:
        """Hand what is buffered to the owner; returns at once (see `drained`)."""
        with self._lock:
            self._check_open()
            batch, self._buffer = self._buffer, []
        if batch:
            # Settled only once its outcome is applied (ids cached, or samples back in the
            # buffer), so whoever waits for it sees the store as the flush left it.
            settled: Future[NewIds] = Future()
            future = self.owner.submit(lambda conn: self._write(conn, batch))
            future.add_done_callback(lambda done: self._settled(done, batch, settled))
            self._last = settled

    def flush_and_wait(self) -> None:
        """Flush and wait until it is committed; raises if it was not (blocks: not on the loop)."""
        self.flush()
        if self._last is not None:
            self._last.result()

    async def drained(self) -> None:
        """Wait, without blocking the loop, until what was flushed so far is committed."""
        if self._last is not None:  # a failure was logged when it happened: not raised here
            await asyncio.wait([asyncio.wrap_future(self._last)])

    def close(self) -> None:
        """Flush and wait until it is written (blocks: never call it on the loop)."""
        if self._closed:
            return
        self.flush()
        self._closed = True
        if self._last is not None:
            self._last.exception()  # waits; a failure was logged already

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"store {self.settings.path} is closed")

    def _settled(self, future: Future[NewIds], batch: list[Sample],
                 settled: Future[NewIds]) -> None:
        error = future.exception()
        if error is None:
            # Ids created by the flush are cached only now that they are committed.
            new_series, new_fields = future.result()
            self._series_ids.update(new_series)
            self._field_ids.update(new_fields)
            settled.set_result(future.result())
            return
        log.error("store %s: %d samples not written yet (retried at the next flush): %s",
                  self.settings.path, len(batch), error)
        with self._lock:  # kept for the next flush, the newest first when memory runs short
            self._buffer[:0] = batch
            limit = self.settings.batch_size * MAX_BUFFERED_BATCHES
            if len(self._buffer) > limit:
                dropped = len(self._buffer) - limit
                del self._buffer[:dropped]
                log.error("store %s: cannot write; dropped the %d oldest samples",
                          self.settings.path, dropped)
        settled.set_exception(error)

    # -- the unit of work ---------------------------------------------------------------------

    def _write(self, conn: Connection, batch: list[Sample]) -> NewIds:
        keys, new_series, new_fields, bad_names = self._new_ids(conn, batch)
        points: list[Row] = []
        newest: dict[tuple[int, int], tuple[int, StoredValue]] = {}
        for sample, key in zip(batch, keys, strict=True):
            try:
                if isinstance(key, Exception):
                    raise key
                sid = self._series_ids.get(key) or new_series[key]
                ts = sample.time_ns
                if type(ts) is not int:
                    raise Rejected(f"time_ns {ts!r} is not an integer")
                fields = list(sample.fields.items())
            except (Rejected, AttributeError, TypeError) as exc:
                self._reject(None, repr(getattr(sample, "measurement", sample))[:60], exc)
                continue
            for name, raw in fields:
                try:
                    value = _stored(raw)
                    fid = self._field_ids.get(name) or new_fields.get(name)
                    if fid is None:
                        raise bad_names[name]
                except Rejected as exc:
                    self._reject(key, name, exc, raw)
                    continue
                if self._bad and (key, name) in self._bad:
                    self._bad.discard((key, name))
                    log.info("store: %s %s field %s is good again", key[0], dict(key[1]), name)
                if not isinstance(value, str):
                    points.append((sid, fid, ts, value))
                pair = (sid, fid)
                seen = newest.get(pair)
                if seen is None or ts >= seen[0]:
                    newest[pair] = (ts, value)
        stage(conn, points, newest)
        return new_series, new_fields

    def _new_ids(self, conn: Connection, batch: list[Sample]) -> tuple[
            list[SeriesKey | Exception], dict[SeriesKey, int], dict[str, int],
            dict[object, Rejected]]:
        """Each sample's series key (or why it has none); ids not cached yet, in bulk."""
        keys: list[SeriesKey | Exception] = []
        unknown: dict[SeriesKey, tuple[str, str]] = {}
        names: set[object] = set()
        for sample in batch:
            try:
                key: SeriesKey = (sample.measurement, tuple(sorted(sample.tags.items())))
                if key not in self._series_ids and key not in unknown:
                    unknown[key] = (checked_name(key[0], "measurement"),
                                    canonical_tags(dict(key[1])))
                if not sample.fields.keys() <= self._field_ids.keys():  # a subset test in C
                    names.update(sample.fields.keys() - self._field_ids.keys())
            except (Rejected, AttributeError, TypeError) as exc:
                keys.append(exc)
                continue
            keys.append(key)
        good, bad_names = set(), {}
        for name in names:
            try:
                good.add(checked_name(name, "field name"))
            except Rejected as exc:
                bad_names[name] = exc
        return keys, series_ids(conn, unknown), field_ids(conn, good), bad_names

    def _reject(self, key: SeriesKey | None, name: str, exc: Exception,
                raw: object = None) -> None:
        self.rejected_values += 1
        if (key, name) in self._bad:
            return
        self._bad.add((key, name))
        if key is None:
            log.warning("store: sample %s: %s (dropped; the rest is kept; logged once)",
                        name, exc)
            return
        log.warning("store: %s %s field %s: %s (value %s dropped; the rest is kept; logged "
                    "once until it is good again)", key[0], dict(key[1]), name, exc, shown(raw))

    # -- maintenance ----------------------------------------------------------------------------

    def maintain(self, now_ns: int) -> None:
        """Pack, roll up, expire, give space back; in small units so flushes get in between."""
        packing.maintain(self.owner, self.settings, now_ns)
