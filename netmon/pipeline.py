"""Fan each poll cycle out to the sinks and the consumers; one failing sink spares the rest."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from netmon.observation import Cycle
from netmon.store.base import Sink

log = logging.getLogger(__name__)


@runtime_checkable
class DrainingSink(Protocol):
    """A sink that writes on a thread of its own (netmon.off_loop)."""

    async def drained(self) -> None: ...


class CycleConsumer(Protocol):
    """Anything that reacts to a whole cycle: outage state, Prometheus gauges, the live view."""

    def consume(self, report: Cycle) -> None: ...


class Pipeline:
    def __init__(self, sinks: Sequence[Sink] = (),
                 consumers: Sequence[CycleConsumer] = ()) -> None:
        self.sinks = list(sinks)
        self.consumers = list(consumers)

    def publish(self, report: Cycle) -> None:
        samples = report.samples
        for sink in self.sinks:
            try:
                sink.write(samples)
                sink.flush()
            except Exception:
                log.exception("sink %s failed to take %d samples", type(sink).__name__,
                              len(samples))
        for consumer in self.consumers:
            try:
                consumer.consume(report)
            except Exception:
                log.exception("consumer %s failed", type(consumer).__name__)

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

    def consume(self, report: Cycle) -> None:
        for reading in report.observations:
            if not reading.up and reading.ap_id not in self.failing:
                self.failing[reading.ap_id] = reading.error or "no answer"
                log.warning("AP %s stopped answering: %s", reading.ap_id, reading.error)
            elif reading.up and reading.ap_id in self.failing:
                del self.failing[reading.ap_id]
                log.info("AP %s answers again", reading.ap_id)
