"""The long-running monitor: poller, store, pipeline and scheduler, stopped cleanly."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence

from collectors.snmp.poller import ApPoller, build_targets
from collectors.snmp.profile import ProfileCatalog
from netmon.alerts.desk import AlertDesk
from netmon.config.models import NetmonConfig
from netmon.export.exporters import Exporters
from netmon.export.shard import owned_inventory
from netmon.fibre.schedule import add_fibre_import_job
from netmon.observation import Cycle
from netmon.off_loop import OffLoopSink
from netmon.pipeline import CycleConsumer, Pipeline, TransitionLog
from netmon.scheduler import PollScheduler
from netmon.store.sqlite import SqliteStore
from netmon.web.status.router import status_router

log = logging.getLogger(__name__)


class Monitor:
    """Everything `netmon run` keeps alive; `stop` flushes the store before it returns."""

    def __init__(self, config: NetmonConfig, catalog: ProfileCatalog,
                 consumers: Sequence[CycleConsumer] = (),
                 on_cycle: Callable[[Cycle], Awaitable[None] | None] | None = None,
                 ) -> None:
        # With `shard: {index, count}` this poller owns only its share of the APs.
        self.config = config = owned_inventory(config)
        self.store = SqliteStore(config.store)
        # InfluxDB sink, Prometheus metrics and the /metrics listener (docs/export.md).
        # The status page and its API read this store (docs/status-page.md).
        pages = [status_router(config, self.store)] if config.status_page.enabled else []
        self.exporters = Exporters(config, lambda: self.scheduler.skipped_cycles, pages)
        self.poller = ApPoller(config.poll, catalog, build_targets(config))
        # The store's flushes run off the loop (netmon/off_loop.py).
        self.pipeline = Pipeline([OffLoopSink(self.store, "store-writer"), *self.exporters.sinks],
                                 [TransitionLog(), *self.exporters.consumers, *consumers])
        # Outage tracking, confirmations, traps and notifications (docs/alerts.md).
        self.alerts = AlertDesk(config, self.poller, self.pipeline.publish)
        self.pipeline.consumers.append(self.alerts)
        self.scheduler = PollScheduler(self.poller, self.pipeline, config.timezone,
                                       config.poll.jitter_s, self.store.maintain, on_cycle)
        # Fibre files are imported on their own cron schedule, into the same sinks as the polls.
        # The job runs on APScheduler's worker thread: it writes to the store directly.
        add_fibre_import_job(self.scheduler.scheduler, config,
                             [self.store, *self.exporters.sinks])

    async def start(self) -> None:
        await self.exporters.start()
        await self.poller.prepare()
        await self.alerts.start()
        self.scheduler.start()
        log.info("polling %d APs (%d agents), store %s", len(self.config.aps),
                 len(self.poller.targets), self.config.store.path)

    async def stop(self) -> None:
        # A cycle in flight finishes and is stored; then the store is closed (and flushed).
        poll = self.config.poll
        await self.scheduler.shutdown(grace_s=poll.timeout_s * (poll.retries + 1) * 4)
        await self.alerts.stop()
        self.pipeline.close()
        await self.exporters.stop()
        await self.poller.client.close()


async def run_until_signalled(monitor: Monitor, duration_s: float | None = None) -> None:
    """Run until SIGINT/SIGTERM (or `duration_s`), then shut down cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await monitor.start()
    try:
        await asyncio.wait_for(stop.wait(), duration_s)
    except TimeoutError:
        pass
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await monitor.stop()
