"""Fan each cycle out to the sinks and the consumers; one failing part spares the rest.

A consumer that fails is not skipped silently: the failure is counted (per consumer), logged
once until it recovers, and the consumer simply meets the next cycle (the fleet state
decides again what it could not commit).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import Counter
from collections.abc import Awaitable, Sequence
from typing import Protocol, runtime_checkable

from netmon.logs import about
from netmon.observation import Cycle
from netmon.store.base import Sink

log = logging.getLogger(__name__)


@runtime_checkable
class DrainingSink(Protocol):
    """A sink that writes on a thread of its own (the database owner's)."""

    async def drained(self) -> None: ...


class CycleConsumer(Protocol):
    """Anything that reacts to a whole cycle: fleet state, Prometheus gauges, the live view."""

    def consume(self, cycle: Cycle) -> Awaitable[None] | None: ...


class Pipeline:
    def __init__(self, sinks: Sequence[Sink] = (),
                 consumers: Sequence[CycleConsumer] = ()) -> None:
        self.sinks = list(sinks)
        self.consumers = list(consumers)
        self.consumer_failures: Counter[str] = Counter()
        self._failing: set[str] = set()

    async def publish(self, cycle: Cycle) -> None:
        samples = cycle.samples
        for sink in self.sinks:
            try:
                sink.write(samples)
                sink.flush()
            except Exception:
                log.exception("sink %s failed to take %d samples", type(sink).__name__,
                              len(samples))
        for consumer in self.consumers:
            # Each consumer takes up to tens of ms at 10,000 APs: let the loop turn in between.
            await asyncio.sleep(0)
            name = type(consumer).__name__
            try:
                result = consumer.consume(cycle)
                if inspect.isawaitable(result):
                    await result
            except Exception as exc:
                self.consumer_failures[name] += 1
                if name not in self._failing:
                    self._failing.add(name)
                    log.error("consumer %s failed (retried with every cycle; logged once "
                              "until it recovers): %s", name, exc, exc_info=exc)
                continue
            if name in self._failing:
                self._failing.discard(name)
                log.info("consumer %s recovered after %d failures", name,
                         self.consumer_failures[name])

    async def drained(self) -> None:
        """Wait until the sinks that write on their own threads have taken what was published."""
        for sink in self.sinks:
            if isinstance(sink, DrainingSink):
                await sink.drained()

    def close(self) -> None:
        for sink in self.sinks:
            try:
                sink.close()
            except Exception:
                log.exception("sink %s failed to close", type(sink).__name__)


class TransitionLog:
    """Logs an AP's first failure and its recovery once each; no log spam while it is down."""

    def __init__(self) -> None:
        self.failing: dict[str, str] = {}

    def consume(self, cycle: Cycle) -> None:
        for observation in cycle.observations:
            if not observation.up and observation.ap_id not in self.failing:
                self.failing[observation.ap_id] = observation.error or "no answer"
                log.warning("AP %s stopped answering: %s", observation.ap_id, observation.error,
                            extra=about(observation.ap_id, observation.zone))
            elif observation.up and observation.ap_id in self.failing:
                del self.failing[observation.ap_id]
                log.info("AP %s answers again", observation.ap_id,
                         extra=about(observation.ap_id, observation.zone))
