"""The InfluxDB sink: Samples in on the poll loop, line protocol out on worker threads.

`write` only appends to a buffer, so the asyncio poll loop never waits for the network.
An encoder thread turns the buffer into line-protocol batches while sender threads deliver
the previous ones: encoding overlaps the server's work instead of adding to it, and with
two writes in flight the server parses one batch while it answers the other.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from netmon.export.dead_letter import DeadLetterFile
from netmon.export.delivery import Delivery
from netmon.export.influx_writer import BatchWriter, InfluxWriter
from netmon.export.line_protocol import EncodedBatch, LineEncoder
from netmon.export.settings import InfluxSettings
from netmon.export.spool import Spool
from netmon.sample import Sample

log = logging.getLogger(__name__)
# Encoded batches waiting for the sender; small, so a slow server holds Samples, not bytes.
READY_BATCHES = 2
# At close, how long the threads may take beyond one write timeout to send or spool the rest.
CLOSE_GRACE_S = 5.0


class _Done:
    """Put after the last batch: a sender that takes it puts it back for the next, and stops."""


_DONE = _Done()


class InfluxSink:
    """A pipeline sink for InfluxDB 2.x/3.x/1.8+ and VictoriaMetrics, with a no-loss spool."""

    def __init__(self, settings: InfluxSettings, spool_dir: Path, site: str | None = None,
                 writer: BatchWriter | None = None) -> None:
        self.settings = settings
        extra = dict(settings.tags)
        if site and settings.site_tag:
            extra.setdefault(settings.site_tag, site)
        self.encoder = LineEncoder(settings.precision, extra)
        self.spool = Spool(spool_dir, settings.spool_max_bytes)
        self.writer = writer or InfluxWriter(settings)
        self.delivery = Delivery(self.writer, self.spool,
                                 DeadLetterFile(spool_dir, settings.spool_max_bytes),
                                 settings.url, settings.batch_size, settings.retry_initial_s,
                                 settings.retry_max_s)
        self._buffer: list[Sample] = []
        self._first_buffered = 0.0
        self._flush_requested = False
        self._closing = False
        self._wake = threading.Condition()
        self._ready: queue.Queue[EncodedBatch | _Done] = queue.Queue(READY_BATCHES)
        self._threads: list[threading.Thread] = []

    @property
    def buffered_points(self) -> int:
        """Points accepted but not yet sent or spooled (in memory)."""
        return len(self._buffer) + sum(b.points for b in list(self._ready.queue)
                                       if isinstance(b, EncodedBatch))

    def start(self) -> None:
        senders = [(f"influx-sender-{n}", self._send_loop)
                   for n in range(self.settings.writes_in_flight)]
        for name, target in [("influx-encoder", self._encode_loop), *senders]:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def write(self, batch: Sequence[Sample]) -> None:
        if not batch:
            return
        with self._wake:
            first = not self._buffer
            if first:
                self._first_buffered = time.monotonic()
            self._buffer.extend(batch)
            # The first point arms the encoder's flush timer; a full batch goes at once.
            if first or len(self._buffer) >= self.settings.batch_size:
                self._wake.notify()

    def flush(self) -> None:
        """Send what is buffered now, without waiting for it."""
        with self._wake:
            self._flush_requested = True
            self._wake.notify()

    def close(self) -> None:
        """Send or spool everything accepted so far, then stop the threads."""
        with self._wake:
            self._closing = True
            self._wake.notify()
        deadline = time.monotonic() + self.settings.timeout_s + CLOSE_GRACE_S
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if any(t.is_alive() for t in self._threads):
            log.error("InfluxDB sink: %d points neither written nor spooled at shutdown "
                      "(the server did not answer within %.0f s)", self.buffered_points,
                      self.settings.timeout_s)
            return
        if not self._threads:  # never started: spool what was buffered
            for batch in self._encode_chunks(self._buffer):
                self.spool.append(batch)
        self.writer.close()
        self.spool.close()

    def _take(self) -> tuple[list[Sample], bool]:
        """Wait until a batch is due; return it, and whether the sink is closing."""
        size, interval = self.settings.batch_size, self.settings.flush_interval_s
        with self._wake:
            while True:
                waited = time.monotonic() - self._first_buffered
                due = self._buffer and (self._flush_requested or self._closing
                                        or len(self._buffer) >= size or waited >= interval)
                if due or self._closing:
                    taken, self._buffer = self._buffer, []
                    self._flush_requested = False
                    return taken, self._closing
                self._flush_requested = False  # nothing to flush
                self._wake.wait(interval - waited if self._buffer else None)

    def _encode_chunks(self, samples: list[Sample]) -> Iterator[EncodedBatch]:
        """Batches of `batch_size`, one at a time, so the first is sent while the next is made."""
        size = self.settings.batch_size
        for start in range(0, len(samples), size):
            try:
                batch = self.encoder.encode(samples[start:start + size])
            except Exception:  # a bug here must cost one batch, not the export
                log.exception("InfluxDB sink: cannot encode %d samples",
                              len(samples[start:start + size]))
                continue
            if batch.points:
                yield batch

    def _encode_loop(self) -> None:
        while True:
            samples, closing = self._take()
            for batch in self._encode_chunks(samples):
                self._ready.put(batch)
            if closing:
                self._ready.put(_DONE)
                return

    def _send_loop(self) -> None:
        delivery = self.delivery
        while True:
            batch: EncodedBatch | _Done | None
            try:
                batch = self._ready.get(timeout=delivery.wait_s())
            except queue.Empty:
                batch = None  # time to retry the spool
            if isinstance(batch, _Done):
                self._ready.put(batch)
                return
            try:
                if batch is not None:
                    delivery.offer(batch)
                # Replay the backlog between new batches, which keep their place at its tail.
                while self._ready.empty() and delivery.replay_one():
                    pass
            except Exception:  # e.g. disk full: report, keep the thread alive
                log.exception("InfluxDB sink: delivery failed")
                time.sleep(self.settings.retry_initial_s)
