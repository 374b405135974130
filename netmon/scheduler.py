"""APScheduler wiring: one collection job per interval group, never overlapping, with jitter."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from netmon.observation import Cycle
from netmon.pipeline import Pipeline

log = logging.getLogger(__name__)
MAINTENANCE_INTERVAL_S = 300
FIRST_CYCLE_DELAY_S = 0.5


# Collects one group of targets (whatever the collector polls) into a Cycle.
Collect = Callable[[list[Any]], Awaitable[Cycle]]


class PollScheduler:
    """Runs the collection cycles and the store maintenance on the running asyncio loop."""

    def __init__(self, groups: Mapping[int, Sequence[Any]], collect: Collect, pipeline: Pipeline,
                 timezone: str = "UTC",
                 jitter_s: float = 0.0,
                 maintenance: Callable[[int], None] | None = None,
                 on_cycle: Callable[[Cycle], Awaitable[None] | None] | None = None,
                 ) -> None:
        self._groups = {interval: list(targets) for interval, targets in sorted(groups.items())}
        self.collect = collect
        self.pipeline = pipeline
        self.jitter_s = jitter_s
        self.maintenance = maintenance
        self.on_cycle = on_cycle
        self.scheduler = AsyncIOScheduler(timezone=ZoneInfo(timezone))
        self.skipped_cycles: dict[int, int] = defaultdict(int)
        self.completed_cycles = 0
        self.last_cycle: float | None = None  # monotonic end of the last stored cycle
        self._job_interval: dict[str, int] = {}
        self._running: set[asyncio.Task[None]] = set()
        self.scheduler.add_listener(self._on_skipped, EVENT_JOB_MAX_INSTANCES)

    def groups(self) -> dict[int, list[Any]]:
        return self._groups

    def _add_poll_job(self, interval_s: int, targets: list[Any], start: datetime) -> None:
        job_id = f"poll-{interval_s}s"
        self._job_interval[job_id] = interval_s
        # max_instances=1: a cycle still running when the next is due is skipped, not stacked.
        self.scheduler.add_job(self._cycle, "interval", seconds=interval_s,
                               args=[interval_s, targets], id=job_id, max_instances=1,
                               coalesce=True, jitter=self.jitter_s or None, next_run_time=start,
                               misfire_grace_time=interval_s)

    def start(self) -> None:
        start = datetime.now(self.scheduler.timezone) + timedelta(seconds=FIRST_CYCLE_DELAY_S)
        for interval_s, targets in self.groups().items():
            self._add_poll_job(interval_s, targets, start)
        if self.maintenance is not None:
            self.scheduler.add_job(self._maintain, "interval", seconds=MAINTENANCE_INTERVAL_S,
                                   id="store-maintenance", max_instances=1, coalesce=True)
        self.scheduler.start()

    async def idle(self) -> None:
        """Return once no cycle runs (each ends within its budget); nothing may be awaited
        between this and a change the cycles must not see half-done."""
        while self._running:
            await asyncio.wait(set(self._running))

    def regroup(self, groups: Mapping[int, Sequence[Any]]) -> None:
        """New targets (a reloaded inventory): a running group polls its new list from its
        next cycle; a new interval gets its job, an interval left empty loses its own."""
        fresh = {interval: list(targets) for interval, targets in groups.items() if targets}
        for interval, targets in self._groups.items():
            if interval in fresh:
                targets[:] = fresh[interval]  # the job holds this very list
            elif self.scheduler.running:
                self.scheduler.remove_job(f"poll-{interval}s")
        for interval, targets in fresh.items():
            if interval not in self._groups:
                self._groups[interval] = targets
                if self.scheduler.running:
                    self._add_poll_job(interval, targets, datetime.now(self.scheduler.timezone))
        self._groups = {i: t for i, t in sorted(self._groups.items()) if i in fresh}

    async def _cycle(self, interval_s: int, targets: list[Any]) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            await self._run_cycle(interval_s, targets)
        finally:
            if task is not None:
                self._running.discard(task)

    async def _run_cycle(self, interval_s: int, targets: list[Any]) -> None:
        # The cycle stands for the whole interval: netmon was watching these APs until the next.
        report = dataclasses.replace(await self.collect(targets), covers_s=float(interval_s))
        await self.pipeline.publish(report)
        # The store writes on its own thread; this cycle ends once its points are stored.
        await self.pipeline.drained()
        self.completed_cycles += 1
        self.last_cycle = time.monotonic()
        log.debug("cycle: %d APs, %d down, %.2f s, %d requests", len(report.observations),
                  sum(not r.up for r in report.observations), report.duration_s, report.requests)
        if self.on_cycle is not None:
            result = self.on_cycle(report)
            if result is not None:
                await result

    def _maintain(self) -> None:
        assert self.maintenance is not None
        self.maintenance(time.time_ns())

    def _on_skipped(self, event: JobEvent) -> None:
        interval = self._job_interval.get(event.job_id)
        if interval is not None:
            self.skipped_cycles[interval] += 1
            log.warning("poll cycle of the %d s group skipped: the previous one still runs",
                        interval)

    async def shutdown(self, grace_s: float) -> None:
        """Start no new cycle; let the ones in flight finish (within `grace_s`) and publish."""
        if not self.scheduler.running:
            return
        # Pause first: APScheduler's shutdown cancels the coroutine jobs still running.
        self.scheduler.pause()
        if self._running:
            _, pending = await asyncio.wait(set(self._running), timeout=grace_s)
            if pending:
                log.warning("abandoned %d poll cycles still running at shutdown", len(pending))
        self.scheduler.shutdown(wait=False)
        await asyncio.sleep(0)  # APScheduler applies the shutdown on the loop's next turn
