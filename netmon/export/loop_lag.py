"""How late the event loop runs what is due: a task sleeps a fixed tick and times its wake-up.

Any work that holds the loop (a render, a database call, a slow consumer) delays every other
task by as long; this histogram shows it as it happens, and p50/p99 follow from its buckets:
`histogram_quantile(0.99, rate(netmon_event_loop_lag_seconds_bucket[5m]))`.
"""

from __future__ import annotations

import asyncio
from typing import Final

from prometheus_client import CollectorRegistry, Histogram

from netmon.tasks import cancel_and_wait

TICK_S: Final = 0.1
# From the timer's own granularity (about 1 ms) to a loop stalled for seconds.
LAG_BUCKETS_S: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                        5.0)


class LoopLagProbe:
    """Started and stopped with the exporters; observes one lag per tick."""

    def __init__(self, registry: CollectorRegistry, tick_s: float = TICK_S) -> None:
        self.tick_s = tick_s
        self.lag = Histogram(
            "netmon_event_loop_lag_seconds",
            f"How late the event loop woke a task that slept {tick_s:g} s: time it spent "
            "on other work meanwhile.", buckets=LAG_BUCKETS_S, registry=registry)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="event-loop-lag")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asleep = loop.time()
            await asyncio.sleep(self.tick_s)
            self.lag.observe(max(0.0, loop.time() - asleep - self.tick_s))
