"""Delivery of encoded batches: straight to the server, through the spool when not.

A new batch goes straight out only when nothing older waits in the spool; otherwise it
joins the spool's tail. The sink's sender threads (`writes_in_flight`) call in at once:
the lock guards the spool and the figures, never a network write, and one thread at a time
replays, so no spooled batch is sent twice. The metrics read the counters at scrape time.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable

from netmon.export.dead_letter import DeadLetterFile
from netmon.export.influx_writer import BatchWriter, WriteOutcome
from netmon.export.line_protocol import EncodedBatch
from netmon.export.spool import Spool

log = logging.getLogger(__name__)
# A failing server is reported once, then at most once per this many seconds.
REPORT_EVERY_S = 60.0
# Warn when the spool passes this share of its bound; warn again after it fell below half.
SPOOL_WARN_FILL = 0.8
JITTER = 0.2


class Delivery:
    """Sends, spools, replays and dead-letters; keeps the figures the metrics show."""

    def __init__(self, writer: BatchWriter, spool: Spool, dead_letters: DeadLetterFile,
                 target: str, replay_points: int, retry_initial_s: float = 1.0,
                 retry_max_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.writer = writer
        self.spool = spool
        self.dead_letters = dead_letters
        self.target = target
        self.replay_points = replay_points
        self.retry_initial_s = retry_initial_s
        self.retry_max_s = retry_max_s
        self.clock = clock
        self.retry_at = 0.0
        self.consecutive_failures = 0
        self.failing_since: float | None = None
        self._last_report = 0.0
        self._last_reject_report = 0.0
        self._rejects_unreported = 0
        self._spool_warned = False
        self._lock = threading.Lock()
        self._replaying = False  # a sender thread is sending the spool's head
        # Figures for /metrics.
        self.points_written = 0
        self.requests_ok = 0
        self.failures: Counter[str] = Counter()
        self.dead_letter_points = 0
        self.lost_points = 0  # refused AND the dead-letter file was full
        self.last_success_ns: int | None = None
        if len(spool):
            log.info("InfluxDB spool %s holds %d points from an earlier run; replaying them "
                     "first", spool.path, spool.points)

    @property
    def backlog(self) -> bool:
        return len(self.spool) > 0

    def wait_s(self) -> float | None:
        """Seconds until the spool may be replayed; None when it is empty or being replayed."""
        if not self.backlog or self._replaying:
            return None
        return max(0.0, self.retry_at - self.clock())

    def offer(self, batch: EncodedBatch) -> None:
        """A new batch: sent now if nothing older waits and the server is not in backoff."""
        with self._lock:
            if self.backlog or self.clock() < self.retry_at:
                self._to_spool(batch)
                return
        outcome = self.writer.write(batch)
        with self._lock:
            if outcome.ok:
                self._succeeded(batch.points)
            elif outcome.verdict == "retry":
                self._failed(outcome)
                self._to_spool(batch)
            else:
                self._reject(batch, outcome)

    def replay_one(self) -> bool:
        """Send the spool's head; True if it left the spool (written or dead-lettered)."""
        with self._lock:
            if self._replaying or not self.backlog or self.clock() < self.retry_at:
                return False
            head = self.spool.head(self.replay_points)
            if head is None:
                return False
            self._replaying = True
        try:
            outcome = self.writer.write(head.batch)
        except BaseException:
            self._replaying = False
            raise
        with self._lock:  # the head is acknowledged before another thread may take it
            self._replaying = False
            if outcome.verdict == "retry":
                self._failed(outcome)
                return False
            if outcome.ok:
                self._succeeded(head.batch.points)
            else:
                self._reject(head.batch, outcome)
            self.spool.acknowledge(head)
            if not self.backlog:
                log.info("InfluxDB spool replayed: %s is up to date", self.target)
            self._check_fill()
        return True

    def _to_spool(self, batch: EncodedBatch) -> None:
        dropped = self.spool.append(batch)
        if dropped:
            log.error("InfluxDB spool full (%.0f MB, influxdb.spool_max_mb): dropped the "
                      "%d oldest points to keep the newest; %d dropped since start",
                      self.spool.max_bytes / 2**20, dropped, self.spool.dropped_points)
        self._check_fill()

    def _check_fill(self) -> None:
        fill = self.spool.bytes / self.spool.max_bytes
        if fill >= SPOOL_WARN_FILL and not self._spool_warned:
            self._spool_warned = True
            log.warning("InfluxDB spool %s is %.0f%% full (%d points); past its bound the "
                        "oldest points are dropped", self.spool.path, fill * 100,
                        self.spool.points)
        elif fill < SPOOL_WARN_FILL / 2:
            self._spool_warned = False

    def _succeeded(self, points: int) -> None:
        self.points_written += points
        self.requests_ok += 1
        self.last_success_ns = time.time_ns()
        if self.failing_since is not None:
            log.warning("InfluxDB %s answers again after %.0f s; replaying %d spooled points",
                        self.target, self.clock() - self.failing_since, self.spool.points)
        self.failing_since = None
        self.consecutive_failures = 0
        self.retry_at = 0.0

    def _failed(self, outcome: WriteOutcome) -> None:
        now = self.clock()
        self.failures[outcome.kind or "unreachable"] += 1
        self.consecutive_failures += 1
        delay = min(self.retry_max_s,
                    self.retry_initial_s * 2 ** min(self.consecutive_failures - 1, 30))
        delay *= 1 + random.uniform(-JITTER, JITTER)
        if outcome.retry_after_s is not None:
            delay = min(max(outcome.retry_after_s, self.retry_initial_s), self.retry_max_s)
        self.retry_at = now + delay
        if self.failing_since is None:
            self.failing_since = now
            self._last_report = now
            log.warning("InfluxDB %s: write failed (%s); spooling to %s, retry in %.1f s",
                        self.target, outcome.reason, self.spool.path, delay)
        elif now - self._last_report >= REPORT_EVERY_S:
            self._last_report = now
            log.warning("InfluxDB %s still failing after %.0f s (%s); spool holds %d points "
                        "(%.1f MB)", self.target, now - self.failing_since, outcome.reason,
                        self.spool.points, self.spool.bytes / 2**20)

    def _reject(self, batch: EncodedBatch, outcome: WriteOutcome) -> None:
        self.failures["rejected"] += 1
        kept = self.dead_letters.append(batch, outcome.reason)
        if kept:
            self.dead_letter_points += batch.points
        else:
            self.lost_points += batch.points
        self._rejects_unreported += batch.points
        now = self.clock()
        if self._last_reject_report and now - self._last_reject_report < REPORT_EVERY_S:
            return
        self._last_reject_report = now
        where = f"kept in {self.dead_letters.path}" if kept else \
            f"LOST: the dead-letter file {self.dead_letters.path} is full"
        log.error("InfluxDB %s refused %d points for good (%s); %s, not retried. Fix the "
                  "cause, then `netmon spool requeue`", self.target, self._rejects_unreported,
                  outcome.reason, where)
        self._rejects_unreported = 0
