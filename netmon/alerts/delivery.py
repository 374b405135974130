"""DeliveryQueue: every notice for every channel is a row; sent in order, retried with backoff.

Rows are written by the database owner in the same transaction as the decision that made
the notice, so a notice exists exactly when its transition does, and survives a restart
(delivery is at least once: a message in flight when the process dies is sent again). Each
channel drains its own queue in order (the head is one indexed `LIMIT 1` read), so a dead
chat server never delays the e-mail; a failing head is retried with exponential backoff and
given up (and recorded as failed) after `give_up_after_h`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from netmon.alerts import incidents
from netmon.alerts.messages import MessageWriter
from netmon.alerts.notice import Notice
from netmon.alerts.notifiers.base import DeliveryError, Notifier
from netmon.alerts.settings import DeliverySettings
from netmon.alerts.tables import deliveries
from netmon.db.owner import DatabaseOwner
from netmon.db.reader import DatabaseReader

log = logging.getLogger(__name__)
NS_PER_S: Final = 1_000_000_000
# 2 ** 60 backoff units is beyond any retry_max_s: the exponent never needs to grow further.
MAX_BACKOFF_EXPONENT: Final = 60
IDLE_LOOK_S: Final = 5.0
# How long a claimed delivery is left to its sender before another poller may try: a sender
# killed mid-send delays its channel that long (channels time out after 10 s by default).
CLAIM_S: Final = 30.0
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


_COLUMNS = [deliveries.c[n] for n in ("id", "channel", "notice", "status", "attempts",
                                       "created_ns", "next_attempt_ns", "done_ns", "last_error")]


def _delivery(row: Sequence[Any]) -> Delivery:
    return Delivery(row[0], row[1], Notice.from_json(row[2]), row[3], row[4], row[5], row[6],
                    row[7], row[8])


def queue_notices(conn: Connection, notices: Iterable[tuple[Notice, Sequence[str]]],
                  now_ns: int) -> None:
    """Queue each notice for its channels (inside the owner's transaction)."""
    rows = [{"channel": c, "notice": n.to_json(), "incident_id": n.incident_id,
             "status": "pending", "attempts": 0, "created_ns": now_ns, "next_attempt_ns": now_ns,
             "transition": transition_of(n)}
            for n, channels in notices for c in channels]
    if rows:
        # A transition already queued for a channel (decided twice) is not queued again.
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(dialect.insert(deliveries).on_conflict_do_nothing(), rows)


def transition_of(notice: Notice) -> str | None:
    """The incident transition a notice announces; None for notices of no incident."""
    if notice.incident_id is None:
        return None
    return f"{notice.incident_id}:{notice.kind}:{notice.status}:{notice.reminder}"


def pending(conn: Connection, channel: str | None = None, limit: int | None = None,
            ) -> list[Delivery]:
    query = select(*_COLUMNS).where(deliveries.c.status == "pending")
    if channel is not None:
        query = query.where(deliveries.c.channel == channel)
    query = query.order_by(deliveries.c.id)
    if limit is not None:
        query = query.limit(limit)
    return [_delivery(r) for r in conn.execute(query)]


def history(conn: Connection) -> list[Delivery]:
    return [_delivery(r) for r in conn.execute(select(*_COLUMNS).order_by(deliveries.c.id))]


def _claim(conn: Connection, delivery: Delivery, now: int, hold_ns: int) -> bool:
    """This process sends the delivery: others sharing the database wait `hold_ns` (a
    poller that dies mid-send leaves it to the next one: at least once, never twice)."""
    return conn.execute(update(deliveries).where(
        deliveries.c.id == delivery.id, deliveries.c.status == "pending",
        deliveries.c.next_attempt_ns == delivery.next_attempt_ns).values(
        next_attempt_ns=now + hold_ns)).rowcount == 1


class DeliveryQueue:
    def __init__(self, owner: DatabaseOwner, reader: DatabaseReader,
                 notifiers: Mapping[str, Notifier], writer: MessageWriter,
                 settings: DeliverySettings, clock: Clock = time.time_ns) -> None:
        self.owner = owner
        self.reader = reader
        self.notifiers = dict(notifiers)
        self.writer = writer
        self.settings = settings
        self.clock = clock
        self._wake: dict[str, asyncio.Event] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self.sent = 0
        self.failed = 0
        # Per channel: its queue runs (a task drains it), and its last attempt failed.
        self.running: dict[str, bool] = {}
        self.failing: dict[str, bool] = {}

    def pending(self, channel: str | None = None) -> list[Delivery]:
        with self.reader.snapshot() as conn:
            return pending(conn, channel)

    def history(self) -> list[Delivery]:
        with self.reader.snapshot() as conn:
            return history(conn)

    async def enqueue(self, notice: Notice, channels: Sequence[str]) -> None:
        """Queue one notice outside any decision (a test message, a replayed notice)."""
        await self.owner.call(lambda conn: queue_notices(conn, [(notice, channels)],
                                                         self.clock()))
        self.wake(channels)

    def wake(self, channels: Iterable[str]) -> None:
        """New rows were committed for these channels."""
        for channel in channels:
            event = self._wake.get(channel)
            if event is not None:
                event.set()

    async def start(self) -> None:
        configured = list(self.notifiers)

        def give_up_orphans(conn: Connection) -> list[str]:
            orphans = [c for (c,) in conn.execute(
                select(deliveries.c.channel).distinct().where(
                    deliveries.c.status == "pending",
                    deliveries.c.channel.not_in(configured)))]
            if orphans:
                conn.execute(update(deliveries).where(
                    deliveries.c.status == "pending", deliveries.c.channel.in_(orphans))
                    .values(status="failed", done_ns=self.clock(),
                            last_error="channel no longer configured"))
            return orphans

        for channel in await self.owner.call(give_up_orphans):
            log.warning("channel %s is no longer configured: its pending deliveries are "
                        "given up", channel)
        for name in self.notifiers:
            self._wake[name] = asyncio.Event()
            task = asyncio.create_task(self._drain(name), name=f"deliver-{name}")
            self.failing.setdefault(name, False)
            self.running[name] = True
            task.add_done_callback(functools.partial(self._stopped, name))
            self._tasks.append(task)

    def _stopped(self, channel: str, task: asyncio.Task[None]) -> None:
        """A queue ends only when netmon stops; anything else is said and exported."""
        self.running[channel] = False
        if not task.cancelled():
            log.error("channel %s: its delivery queue stopped: %r", channel, task.exception())

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
        while await asyncio.to_thread(self._head, None):  # the disk is read off the loop
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    def _head(self, channel: str | None) -> list[Delivery]:
        """The oldest pending delivery (of `channel`), as a list of at most one."""
        with self.reader.snapshot() as conn:
            return pending(conn, channel, limit=1)

    async def _drain(self, channel: str) -> None:
        while True:
            try:
                await self._drain_once(channel)
            except Exception:  # the queue must outlive any failure: say it, wait, go on
                log.exception("channel %s: delivery queue error, retrying", channel)
                await asyncio.sleep(self.settings.retry_base_s)

    async def _drain_once(self, channel: str) -> None:
        wake = self._wake[channel]
        while True:
            wake.clear()  # cleared before the read: a commit after it sets it again
            head = await asyncio.to_thread(self._head, channel)
            if not head:
                # Woken by this process's commits; the look every IDLE_LOOK_S finds rows
                # another poller sharing the database committed (and could not send).
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), IDLE_LOOK_S)
                continue
            delivery = head[0]
            wait_s = (delivery.next_attempt_ns - self.clock()) / NS_PER_S
            if wait_s > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), wait_s)
                continue
            claim = functools.partial(_claim, delivery=delivery, now=self.clock(),
                                      hold_ns=int(CLAIM_S * NS_PER_S))
            if not await self.owner.call(claim):
                continue  # another poller is sending it
            try:
                await self._attempt(channel, delivery)
            except Exception:  # the record could not be written: the head is tried again
                log.exception("channel %s: could not record delivery %d", channel, delivery.id)
                await asyncio.sleep(self.settings.retry_base_s)

    async def _attempt(self, channel: str, delivery: Delivery) -> None:
        notifier = self.notifiers[channel]
        try:
            await notifier.send(self.writer.render(delivery.notice))
        except DeliveryError as exc:
            await self._failed_attempt(delivery, str(exc))
            return
        except Exception as exc:  # a bug in one channel must not stop its queue for good
            log.exception("channel %s: unexpected failure", channel)
            await self._failed_attempt(delivery, f"internal error: {exc!r}")
            return
        now = self.clock()
        incident_id = delivery.notice.incident_id

        def sent(conn: Connection) -> None:
            conn.execute(update(deliveries).where(deliveries.c.id == delivery.id).values(
                status="sent", attempts=deliveries.c.attempts + 1, done_ns=now))
            if incident_id is not None:
                incidents.delivered(conn, incident_id, channel)

        await self.owner.call(sent)
        self.sent += 1
        self.failing[channel] = False
        log.info("sent %s %s to %s", delivery.notice.kind, delivery.notice.subject_id, channel)

    async def _failed_attempt(self, delivery: Delivery, error: str) -> None:
        self.failing[delivery.channel] = True
        now = self.clock()
        attempts = delivery.attempts + 1
        age_s = (now - delivery.created_ns) / NS_PER_S
        if age_s >= self.settings.give_up_after_h * 3600:
            await self.owner.call(lambda conn: conn.execute(
                update(deliveries).where(deliveries.c.id == delivery.id).values(
                    status="failed", attempts=attempts, done_ns=now, last_error=error)))
            self.failed += 1
            log.error("gave up delivering %s %s to %s after %d attempts: %s",
                      delivery.notice.kind, delivery.notice.subject_id, delivery.channel,
                      attempts, error)
            return
        exponent = min(attempts - 1, MAX_BACKOFF_EXPONENT)
        backoff_s = min(self.settings.retry_max_s, self.settings.retry_base_s * 2 ** exponent)
        await self.owner.call(lambda conn: conn.execute(
            update(deliveries).where(deliveries.c.id == delivery.id).values(
                attempts=attempts, next_attempt_ns=now + int(backoff_s * NS_PER_S),
                last_error=error)))
        log.warning("delivery to %s failed (attempt %d), retry in %.0f s: %s", delivery.channel,
                    attempts, backoff_s, error)
