"""DeliveryQueue: every notice for every channel is a row; sent in order, retried with backoff.

Rows live in SQLite, so pending deliveries survive a restart (delivery is at least once: a
message in flight when the process dies is sent again). Each channel drains its own queue in
order, so a dead chat server never delays the e-mail; a failing head of queue is retried with
exponential backoff and given up (and recorded as failed) after `give_up_after_h`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from netmon.alerts.incidents import IncidentBook
from netmon.alerts.messages import MessageWriter
from netmon.alerts.notice import Notice
from netmon.alerts.notifiers.base import DeliveryError, Notifier
from netmon.alerts.settings import DeliverySettings

log = logging.getLogger(__name__)
NS_PER_S = 1_000_000_000
Clock = Callable[[], int]  # wall-clock nanoseconds


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    channel: str
    notice: Notice
    status: str
    attempts: int
    created_ns: int
    next_attempt_ns: int
    done_ns: int | None
    last_error: str | None


def _delivery(row: tuple[Any, ...]) -> Delivery:
    return Delivery(row[0], row[1], Notice.from_json(row[2]), row[3], row[4], row[5], row[6],
                    row[7], row[8])


_COLUMNS = ("id, channel, notice, status, attempts, created_ns, next_attempt_ns, done_ns, "
            "last_error")


class DeliveryQueue:
    def __init__(self, conn: sqlite3.Connection, notifiers: Mapping[str, Notifier],
                 writer: MessageWriter, book: IncidentBook, settings: DeliverySettings,
                 clock: Clock = time.time_ns) -> None:
        self.conn = conn
        self.notifiers = dict(notifiers)
        self.writer = writer
        self.book = book
        self.settings = settings
        self.clock = clock
        self._wake: dict[str, asyncio.Event] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self.sent = 0
        self.failed = 0

    def enqueue(self, notice: Notice, channels: Sequence[str]) -> None:
        now = self.clock()
        with self.conn:
            self.conn.execute("BEGIN")
            self.conn.executemany(
                "INSERT INTO alert_deliveries (channel, notice, incident_id, status, created_ns,"
                " next_attempt_ns) VALUES (?, ?, ?, 'pending', ?, ?)",
                [(c, notice.to_json(), notice.incident_id, now, now) for c in channels])
        for channel in channels:
            if channel in self._wake:
                self._wake[channel].set()

    def pending(self, channel: str | None = None) -> list[Delivery]:
        sql = f"SELECT {_COLUMNS} FROM alert_deliveries WHERE status = 'pending'"
        args: tuple[str, ...] = ()
        if channel is not None:
            sql, args = sql + " AND channel = ?", (channel,)
        return [_delivery(r) for r in self.conn.execute(sql + " ORDER BY id", args)]

    def history(self) -> list[Delivery]:
        return [_delivery(r) for r in self.conn.execute(
            f"SELECT {_COLUMNS} FROM alert_deliveries ORDER BY id")]

    def start(self) -> None:
        orphans = self.conn.execute(
            "SELECT DISTINCT channel FROM alert_deliveries WHERE status = 'pending'").fetchall()
        for (channel,) in orphans:
            if channel not in self.notifiers:
                log.warning("channel %s is no longer configured: its pending deliveries are "
                            "given up", channel)
                self.conn.execute(
                    "UPDATE alert_deliveries SET status = 'failed', done_ns = ?, last_error = "
                    "'channel no longer configured' WHERE status = 'pending' AND channel = ?",
                    (self.clock(), channel))
        for name in self.notifiers:
            self._wake[name] = asyncio.Event()
            self._tasks.append(asyncio.create_task(self._drain(name), name=f"deliver-{name}"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        for notifier in self.notifiers.values():
            await notifier.close()

    async def wait_idle(self, timeout_s: float) -> bool:
        """Until nothing is pending (True) or `timeout_s` passed (False); for CLI and tests."""
        deadline = time.monotonic() + timeout_s
        while self.pending():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def _drain(self, channel: str) -> None:
        wake = self._wake[channel]
        while True:
            head = self.pending(channel)[:1]
            if not head:
                wake.clear()
                await wake.wait()
                continue
            delivery = head[0]
            wait_s = (delivery.next_attempt_ns - self.clock()) / NS_PER_S
            if wait_s > 0:
                wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), wait_s)
                continue
            await self._attempt(channel, delivery)

    async def _attempt(self, channel: str, delivery: Delivery) -> None:
        notifier = self.notifiers[channel]
        try:
            await notifier.send(self.writer.render(delivery.notice))
        except DeliveryError as exc:
            self._failed_attempt(delivery, str(exc))
            return
        except Exception as exc:  # a bug in one channel must not stop its queue for good
            log.exception("channel %s: unexpected failure", channel)
            self._failed_attempt(delivery, f"internal error: {exc!r}")
            return
        now = self.clock()
        self.conn.execute("UPDATE alert_deliveries SET status = 'sent', attempts = attempts + 1,"
                          " done_ns = ? WHERE id = ?", (now, delivery.id))
        if delivery.notice.incident_id is not None:
            self.book.delivered(delivery.notice.incident_id, channel)
        self.sent += 1
        log.info("sent %s %s to %s", delivery.notice.kind, delivery.notice.subject_id, channel)

    def _failed_attempt(self, delivery: Delivery, error: str) -> None:
        now = self.clock()
        attempts = delivery.attempts + 1
        age_s = (now - delivery.created_ns) / NS_PER_S
        if age_s >= self.settings.give_up_after_h * 3600:
            self.conn.execute("UPDATE alert_deliveries SET status = 'failed', attempts = ?, "
                              "done_ns = ?, last_error = ? WHERE id = ?",
                              (attempts, now, error, delivery.id))
            self.failed += 1
            log.error("gave up delivering %s %s to %s after %d attempts: %s",
                      delivery.notice.kind, delivery.notice.subject_id, delivery.channel,
                      attempts, error)
            return
        backoff_s = min(self.settings.retry_max_s,
                        self.settings.retry_base_s * 2 ** (attempts - 1))
        self.conn.execute("UPDATE alert_deliveries SET attempts = ?, next_attempt_ns = ?, "
                          "last_error = ? WHERE id = ?",
                          (attempts, now + int(backoff_s * NS_PER_S), error, delivery.id))
        log.warning("delivery to %s failed (attempt %d), retry in %.0f s: %s", delivery.channel,
                    attempts, backoff_s, error)
