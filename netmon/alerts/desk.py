"""AlertDesk: the tracker on the poll cycles, confirmations (re-checks, traps), and delivery.

It is the CycleConsumer that Monitor plugs into the pipeline. Everything slow (polls that
confirm, e-mails, webhooks) runs in tasks on the monitor's loop, never inside the poll cycle.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Iterable, Mapping

from collectors.snmp.poller import ApPoller, PollTarget
from collectors.traps.catalog import default_trap_catalog
from collectors.traps.receiver import Trap, TrapReceiver
from netmon.alerts.db import open_alert_db
from netmon.alerts.delivery import Clock, DeliveryQueue
from netmon.alerts.incidents import IncidentBook
from netmon.alerts.maintenance import MaintenanceCalendar
from netmon.alerts.messages import MessageWriter
from netmon.alerts.notifiers.base import Notifier
from netmon.alerts.routing import Dispatcher, build_notifiers
from netmon.alerts.tracker import OutageTracker
from netmon.alerts.trap_intake import TrapIntake
from netmon.config.models import NetmonConfig
from netmon.observation import Cycle

log = logging.getLogger(__name__)
STOP_GRACE_S = 3.0


class AlertDesk:
    def __init__(self, config: NetmonConfig, poller: ApPoller,
                 publish: Callable[[Cycle], None],
                 notifiers: Mapping[str, Notifier] | None = None,
                 clock: Clock = time.time_ns) -> None:
        self.config = config
        self.poller = poller
        self.publish = publish
        self.clock = clock
        self.conn = open_alert_db(config.store.path)
        self.book = IncidentBook(self.conn)
        self.writer = MessageWriter(config)
        self.queue = DeliveryQueue(
            self.conn, build_notifiers(config.alerts) if notifiers is None else notifiers,
            self.writer, self.book, config.alerts.delivery, clock)
        self.tracker = OutageTracker(config, self.book,
                                     MaintenanceCalendar(config.maintenance, config.timezone),
                                     Dispatcher(self.queue))
        self.receiver: TrapReceiver | None = None
        self.intake: TrapIntake | None = None
        self.unknown_traps = 0
        self._target_of: dict[str, PollTarget] = {
            ap.id: t for t in poller.targets for ap in t.aps}
        self._zone_of = {ap.id: ap.zone for ap in config.aps}
        self._confirming: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        # Trap confirmations: one quick try each, on copies of the targets (own endpoints).
        self._quick: ApPoller | None = None
        self._quick_targets: dict[str, PollTarget] = {}
        if config.traps is not None:
            quick = config.poll.model_copy(update={
                "timeout_s": min(config.poll.timeout_s, config.traps.confirm_timeout_s),
                "retries": 0})
            self._quick = ApPoller(quick, poller.catalog, [])

    async def start(self) -> None:
        self.queue.start()
        if self.config.traps is not None:
            self.intake = TrapIntake(self.config, default_trap_catalog())
            self.receiver = TrapReceiver(self.config.traps, self.on_trap)
            await self.receiver.start()

    async def stop(self) -> None:
        if self.receiver is not None:
            await self.receiver.stop()
        # Notices just queued get a moment to go out; the rest waits in the file for a restart.
        await self.queue.wait_idle(STOP_GRACE_S)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.queue.stop()
        if self._quick is not None:
            await self._quick.client.close()
        self.conn.close()

    # -- the poll cycle -------------------------------------------------------------------------

    def consume(self, report: Cycle) -> None:
        self.tracker.consume(report)
        if self.tracker.rechecks:
            self._confirm(self.tracker.rechecks, "first failed poll")

    def _confirm(self, ap_ids: Iterable[str], why: str, quick: bool = False) -> None:
        """Poll these APs' agents now (once each, however many ask), off the current cycle."""
        targets = {}
        for ap_id in ap_ids:
            target = self._target_of.get(ap_id)
            if target is not None and target.id not in self._confirming:
                targets[target.id] = target
        if not targets:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a replay): the next scheduled poll confirms instead
        self._confirming.update(targets)
        task = loop.create_task(self._poll(list(targets.values()), why, quick))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _quick_copy(self, target: PollTarget) -> PollTarget:
        assert self._quick is not None
        copy = self._quick_targets.get(target.id)
        if copy is None:
            settings = self._quick.settings
            copy = dataclasses.replace(target, endpoint=None, missing=set(target.missing),
                                       learned=set(target.learned), states={})
            copy.endpoint = await self._quick.client.endpoint(
                copy.host, copy.port, copy.credentials, settings.timeout_s, settings.retries)
            self._quick_targets[target.id] = copy
        copy.profile = target.profile
        return copy

    async def _poll(self, targets: list[PollTarget], why: str, quick: bool = False) -> None:
        try:
            log.debug("confirming %s (%s)", ", ".join(t.id for t in targets), why)
            if quick and self._quick is not None:
                copies = [await self._quick_copy(t) for t in targets]
                report = await self._quick.poll(copies)
            else:
                report = await self.poller.poll(targets)
        except Exception:
            log.exception("confirmation poll of %s failed", ", ".join(t.id for t in targets))
            return
        finally:
            self._confirming.difference_update(t.id for t in targets)
        self.publish(report)

    # -- traps ----------------------------------------------------------------------------------

    def on_trap(self, trap: Trap) -> None:
        assert self.intake is not None and self.config.traps is not None
        verdict = self.intake.judge(trap)
        if not verdict.aps:
            self.unknown_traps += 1
            log.warning("trap %s from %s ignored: not from (or about) an AP netmon watches "
                        "(%d ignored so far)", verdict.kind.name, trap.source, self.unknown_traps)
            return
        now = self.clock()
        for ap_id in verdict.aps:
            self.book.record_event(now, "trap", ap_id, self._zone_of.get(ap_id), {
                "trap": verdict.kind.name, "meaning": verdict.kind.meaning,
                "source": trap.source, "reporter": verdict.reporter})
            if verdict.kind.meaning == "down":
                self.tracker.note_trap(ap_id, now, self.config.traps.confirm_window_s)
        log.info("trap %s from %s about %s: confirming by a poll", verdict.kind.name,
                 trap.source, ", ".join(verdict.aps))
        if verdict.kind.meaning != "info":
            self._confirm(verdict.aps, f"trap {verdict.kind.name}", quick=True)
