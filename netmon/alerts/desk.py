"""AlertDesk: the tracker on every cycle, its decisions committed, confirmations and delivery.

It is the cycle consumer the monitor plugs into the pipeline. Each look at the fleet is
decided by the tracker (on the loop, CPU only), committed by the database owner (off the
loop, one transaction with its notices), and only then adopted and delivered. Everything
slow (confirmation polls, e-mails, webhooks) runs in tasks, never inside the poll cycle.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from functools import partial
from zoneinfo import ZoneInfo

from netmon.alerts import incidents
from netmon.alerts.commit import Fence, commit_decision
from netmon.alerts.decision import Decision
from netmon.alerts.delivery import Clock, DeliveryQueue
from netmon.alerts.incidents import AlertEvent
from netmon.alerts.maintenance import MaintenanceCalendar
from netmon.alerts.messages import MessageWriter
from netmon.alerts.notifiers.base import Notifier
from netmon.alerts.routing import NoticeRouter, build_notifiers
from netmon.alerts.tracker import CommittedFleet, OutageTracker
from netmon.cluster.ownership import LeaseLost
from netmon.collector import Confirmer, TrapReport
from netmon.config.models import NetmonConfig
from netmon.db.owner import DatabaseOwner
from netmon.db.reader import DatabaseReader
from netmon.fleet.record import load_states
from netmon.observation import Cycle
from netmon.service.annotate import with_service_fields
from netmon.service.baseline import ClientBaseline
from netmon.service.keeper import BaselineKeeper
from netmon.store.reader import SampleReader

log = logging.getLogger(__name__)
STOP_GRACE_S = 3.0
Publish = Callable[[Cycle], Awaitable[None]]


class AlertDesk:
    def __init__(self, config: NetmonConfig, owner: DatabaseOwner, reader: DatabaseReader,
                 confirmer: Confirmer | None = None, publish: Publish | None = None,
                 notifiers: Mapping[str, Notifier] | None = None,
                 clock: Clock = time.time_ns, poller: str = "netmon") -> None:
        self.config = config
        self.owner = owner
        self.reader = reader
        self.confirmer = confirmer
        self.publish = publish
        self.clock = clock
        self.poller = poller
        chosen = build_notifiers(config.alerts) if notifiers is None else notifiers
        self.route = NoticeRouter(chosen)
        self.queue = DeliveryQueue(owner, reader, chosen, MessageWriter(config),
                                   config.alerts.delivery, clock)
        self.calendar = MaintenanceCalendar(config.maintenance, config.timezone)
        self.tracker = OutageTracker(config, self.calendar, self._committed())
        # What each AP's own history expects of it, relearnt from the store off the loop.
        self.baseline = BaselineKeeper(config.alerts.service, ZoneInfo(config.timezone),
                                       SampleReader(reader, config.store), self._adopt_baseline)
        self.unknown_traps = 0
        # Seconds the last decision took on the loop (the tracker's share of a cycle).
        self.last_decide_s = 0.0
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        # Several pollers: committed only while this poller holds the shards; the rest of the
        # town read back before each decision.
        self.fence: Fence | None = None
        self.shared = False

    def share(self, aps: frozenset[str], zones: frozenset[str], page_hold_ns: int,
              fence: Fence) -> None:
        """Decide only these APs, judge only these zones (a poller of a cluster)."""
        self.tracker.share(aps, zones, page_hold_ns)
        self.fence, self.shared = fence, True

    def committed(self) -> CommittedFleet:
        """The fleet state as committed (blocks on a read: not on the loop)."""
        return self._committed()

    def _committed(self) -> CommittedFleet:
        with self.reader.snapshot() as conn:
            aps, zones = load_states(conn)
            open_now = {i.id: i for i in incidents.open_incidents(conn)}
        return CommittedFleet(aps, zones, open_now)

    async def start(self) -> None:
        await self.queue.start()

    def _adopt_baseline(self, baseline: ClientBaseline) -> None:
        self.tracker.service.baseline = baseline

    def annotate(self, cycle: Cycle) -> Cycle:
        """The cycle's `ap` Samples with `expected_clients` and `silent` (docs/alerts.md)."""
        if not self.config.alerts.service.enabled:
            return cycle
        aps = self.tracker.aps
        return with_service_fields(
            cycle, self.tracker.service.baseline,
            lambda ap_id: ap_id in aps and aps[ap_id].service_incident is not None)

    async def stop(self) -> None:
        await self.baseline.stop()
        # Notices just queued get a moment to go out; the rest waits in the file for a restart.
        await self.queue.wait_idle(STOP_GRACE_S)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.queue.stop()

    # -- the cycle ------------------------------------------------------------------------------

    async def consume(self, cycle: Cycle) -> None:
        """Decide, commit, then believe; a failed commit is decided again at the next cycle."""
        observed = (cycle.started_ns, cycle.started_ns + int(cycle.covers_s * 1e9)) \
            if cycle.covers_s > 0 else None
        self.baseline.maybe_relearn(cycle.started_ns)
        async with self._lock:
            if self.shared:
                self.tracker.overlay(await asyncio.to_thread(self._committed))
            started = time.perf_counter()
            decision = self.tracker.decide(cycle.observations, cycle.started_ns, observed)
            self.last_decide_s = time.perf_counter() - started
            await self._commit(decision)
        if self.tracker.rechecks:
            self._confirm(self.tracker.rechecks, "first failed poll")

    async def _commit(self, decision: Decision) -> None:
        if not decision.changes_state and decision.observed is None:
            return
        try:
            resolved = await self.owner.call(partial(
                commit_decision, decision=decision, route=self.route, poller=self.poller,
                fence=self.fence))
        except LeaseLost as lost:
            self.tracker.rejected(decision)
            log.info("%s", lost)
            return
        except BaseException:
            self.tracker.rejected(decision)
            raise
        self.tracker.adopt(resolved)
        self.queue.wake({c for n in resolved.notices for c in self.route(n)})

    def _confirm(self, ap_ids: Iterable[str], why: str, quick: bool = False) -> None:
        """Look at these APs now, off the current cycle; the result goes through the pipeline."""
        if self.confirmer is None or self.publish is None:
            return  # a replay: the next scheduled poll confirms instead
        task = asyncio.get_running_loop().create_task(self._look(list(ap_ids), why, quick))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _look(self, ap_ids: list[str], why: str, quick: bool) -> None:
        assert self.confirmer is not None and self.publish is not None
        try:
            log.debug("confirming %s (%s)", ", ".join(ap_ids), why)
            cycle = await self.confirmer.confirm(ap_ids, quick)
            if cycle is not None:
                await self.publish(cycle)
        except Exception:
            log.exception("confirmation of %s failed", ", ".join(ap_ids))

    # -- traps ----------------------------------------------------------------------------------

    def on_trap(self, report: TrapReport) -> None:
        """A trap about some APs: noted, recorded with the next decision, confirmed by a look."""
        if not report.aps:
            self.unknown_traps += 1
            log.warning("trap %s from %s ignored: not from (or about) an AP netmon watches "
                        "(%d ignored so far)", report.kind, report.source, self.unknown_traps)
            return
        now = self.clock()
        zone_of = {ap.id: ap.zone for ap in self.config.aps}
        for ap_id in report.aps:
            self.tracker.carry(AlertEvent(now, "trap", ap_id, zone_of.get(ap_id), {
                "trap": report.kind, "meaning": report.meaning, "source": report.source,
                "reporter": report.reporter}))
            if report.meaning == "down" and self.config.traps is not None:
                self.tracker.note_trap(ap_id, now, self.config.traps.confirm_window_s)
        log.info("trap %s from %s about %s: confirming by a poll", report.kind,
                 report.source, ", ".join(report.aps))
        if report.meaning != "info":
            self._confirm(report.aps, f"trap {report.kind}", quick=True)
