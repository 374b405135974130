"""The long-running monitor: collectors, database owner, pipeline and scheduler, stopped cleanly."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import time
from collections.abc import Awaitable, Callable, Sequence

from collectors.fibre.schedule import add_fibre_import_job
from collectors.snmp.confirm import SnmpConfirmer
from collectors.snmp.poller import ApPoller, PollTarget, build_targets, cycle_budget_s
from collectors.snmp.profile import ProfileCatalog
from collectors.traps.collector import TrapCollector
from netmon.alerts.desk import AlertDesk
from netmon.cluster.leases import LeaseKeeper
from netmon.cluster.ownership import Ownership
from netmon.config.models import NetmonConfig
from netmon.db.owner import DatabaseOwner
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.export.core_metrics import CoreMetrics
from netmon.export.exporters import Exporters
from netmon.export.health import Health, HealthMetrics, HealthSources, health_routes
from netmon.export.shard import owned_inventory
from netmon.observation import Cycle
from netmon.pipeline import CycleConsumer, Pipeline, TransitionLog
from netmon.sample import Sample
from netmon.scheduler import PollScheduler
from netmon.store.reader import SampleReader
from netmon.store.writer import SampleStore
from netmon.systemd import Watchdog, notify
from netmon.web.exposure import exposure_warnings
from netmon.web.status.router import status_router

log = logging.getLogger(__name__)
ZONE_WAIT_POLLS = 2


def health_window_s(groups: dict[int, list[object]], default_s: int) -> float:
    """How old the last cycle may be: two of the longest intervals plus its cycle budget."""
    longest = max(groups, default=default_s)
    return 2.0 * longest + cycle_budget_s(longest)


def same_agent(a: PollTarget, b: PollTarget) -> bool:
    """The same agent after a reload (address, credentials, profile, interval, APs): it keeps
    its session and what it learnt (tables, rates)."""
    return (a.id, a.host, a.port, a.credentials, a.profile_name, a.interval_s, a.controller,
            a.aps) == (b.id, b.host, b.port, b.credentials, b.profile_name, b.interval_s,
                       b.controller, b.aps)


def poller_name(config: NetmonConfig) -> str:
    """Who is watching: the host, and the shard when the inventory is split."""
    shard = config.shard
    suffix = f"/shard-{shard.index}-of-{shard.count}" if shard.count > 1 else ""
    return socket.gethostname() + suffix


class Monitor:
    """Everything `netmon run` keeps alive; `stop` flushes the store before it returns."""

    def __init__(self, config: NetmonConfig, catalog: ProfileCatalog,
                 consumers: Sequence[CycleConsumer] = (),
                 on_cycle: Callable[[Cycle], Awaitable[None] | None] | None = None,
                 ) -> None:
        # With `shard: {index, count}` this poller owns only its share of the APs; with
        # `cluster:` it holds shards by lease and polls what they cover (netmon/cluster).
        self.config = config = config if config.cluster else owned_inventory(config)
        url = database_url(config.store)
        # The one writer of the database (a thread of its own), and read-only readers.
        self.owner = DatabaseOwner(url)
        self.reader = DatabaseReader(url)
        self.store = SampleStore(self.owner, config.store)
        self.samples = SampleReader(self.reader, config.store)
        # The status page and its API only read (docs/status-page.md).
        pages = [status_router(config, self.reader, self.samples)] \
            if config.status_page.enabled else []
        # /healthz and /readyz on the same listener; read late, as the parts come after it.
        self.health = Health(HealthSources(
            last_cycle=lambda: self.scheduler.last_cycle,
            last_commit=lambda: self.owner.last_commit,
            last_db_failure=lambda: self.owner.last_failure,
            influx_failing_since=None, window_s=3.0 * config.poll.interval_s,
            sink_failing_limit_s=config.http.ready_sink_failing_s,
            started=time.monotonic()))
        # InfluxDB sink, Prometheus metrics and the /metrics listener (docs/export.md).
        self.exporters = Exporters(config, lambda: self.scheduler.skipped_cycles,
                                   [*pages, health_routes(self.health)])
        influx = self.exporters.influx
        if influx is not None:
            self.health.sources.influx_failing_since = lambda: influx.delivery.failing_since
        self.exporters.registry.register(HealthMetrics(self.health))
        self.poller = ApPoller(config.poll, catalog, build_targets(config))
        self.confirmer = SnmpConfirmer(config, self.poller)
        self.pipeline = Pipeline([self.store, *self.exporters.sinks], [TransitionLog()])
        # Fleet state, incidents, confirmations and notifications (docs/alerts.md): first,
        # so every later consumer sees the state this cycle committed.
        self.alerts = AlertDesk(config, self.owner, self.reader, self.confirmer,
                                self.pipeline.publish, poller=poller_name(config))
        self.core = core = CoreMetrics(config, self.exporters.registry,
                                       self.exporters.fleet_registry, self.alerts,
                                       self.pipeline.consumer_failures,
                                       lambda: self.store.rejected_values)
        # The exporters' consumers end with the per-cycle render of what core and they hold.
        self.pipeline.consumers += [self.alerts, core, *self.exporters.consumers, *consumers]
        self.traps = TrapCollector(config, self.alerts.on_trap) \
            if config.traps is not None else None
        groups: dict[int, list[object]] = {}
        for target in self.poller.targets:
            groups.setdefault(target.interval_s, []).append(target)
        self.health.sources.window_s = health_window_s(groups, config.poll.interval_s)
        # Pets systemd's watchdog only while cycles keep coming (no-op outside systemd).
        self.watchdog = Watchdog(lambda: self.health.checks()["cycle"].ok)
        self.leases: LeaseKeeper | None = None
        self._catch_ups: set[asyncio.Task[None]] = set()
        self.ownership: Ownership | None = None
        if config.cluster is not None:
            interval = min(groups, default=config.poll.interval_s)
            self.leases = LeaseKeeper(url, config.cluster, interval)
            self.ownership = Ownership(config, config.cluster.shards, self.leases.name)
            self.leases.on_change = self._shards_changed
            # A zone judged by another poller sees this poller's APs down one interval
            # later at worst: AP pages wait for that, so a zone outage is one page.
            self._page_hold_ns = (config.alerts.down_after_polls + ZONE_WAIT_POLLS) * \
                interval * 1_000_000_000
            # Until its first lease, a poller of a cluster decides nothing: a poller joining
            # must not judge (and page) what the others hold.
            self._shards_changed(frozenset())
        self.scheduler = PollScheduler(groups, self._collect, self.pipeline, config.timezone,
                                       config.poll.jitter_s, self.store.maintain, on_cycle)
        self._loop: asyncio.AbstractEventLoop | None = None
        # Fibre files are imported on their own cron schedule, on APScheduler's worker thread;
        # their samples enter the same pipeline as the polls.
        add_fibre_import_job(self.scheduler.scheduler, config, self.owner, self._publish_samples)

    async def apply_inventory(self, config: NetmonConfig) -> None:
        """A reloaded inventory (netmon/reload.py): poll the new targets from the next cycle,
        keeping the sessions and learnt state of the unchanged ones; decide the new APs from
        their committed state."""
        committed = await asyncio.to_thread(self.alerts.committed)
        # Between cycles: none polls a session closed here or reports an AP dropped here.
        await self.scheduler.idle()
        before = {t.id: t for t in self.poller.targets}
        targets = [old if (old := before.get(t.id)) is not None and same_agent(old, t) else t
                   for t in build_targets(config)]
        still = {id(t) for t in targets}
        for target in before.values():
            if id(target) not in still and target.session is not None:
                target.session.close()  # its socket is not polled any more
        self.poller.targets[:] = targets
        self.confirmer.retarget(targets)
        groups: dict[int, list[object]] = {}
        for target in targets:
            groups.setdefault(target.interval_s, []).append(target)
        self.scheduler.regroup(groups)
        self.health.sources.window_s = health_window_s(groups, config.poll.interval_s)
        self.alerts.tracker.reinventory(config, committed)
        self.alerts.config = config
        self.exporters.fleet.keep_only({ap.id for ap in config.aps if ap.enabled})
        self.core.zone_of = {ap.id: ap.zone for ap in config.aps}
        self.core.disabled = [(ap.id, ap.zone) for ap in config.aps if not ap.enabled]
        self.config = config

    async def _collect(self, targets: list[PollTarget]) -> Cycle:
        """One cycle over the targets of the shards this poller holds (all, alone)."""
        if self.ownership is not None:
            targets = [t for t in targets if self.ownership.owns_agent(t.id)]
        return self.alerts.annotate(await self.poller.poll(targets))

    def _shards_changed(self, held: frozenset[int]) -> None:
        """On the loop: decide what the held shards cover; poll the gained ones at once, so a
        dead poller's APs wait for no interval tick (takeover within two intervals)."""
        assert self.ownership is not None
        before = self.ownership.held
        self.ownership.held = held
        self.alerts.share(self.ownership.aps(), self.ownership.zones(), self._page_hold_ns,
                          self.ownership.fence)
        gained = [t for t in self.poller.targets
                  if self.ownership.owns_agent(t.id) and
                  self.ownership.agent_shard.get(t.id) not in before]
        if gained and self.scheduler.scheduler.running:
            task = asyncio.get_running_loop().create_task(self._catch_up(gained))
            self._catch_ups.add(task)
            task.add_done_callback(self._catch_ups.discard)

    async def _catch_up(self, targets: list[PollTarget]) -> None:
        try:
            await self.pipeline.publish(await self.poller.poll(targets))
        except Exception:
            log.exception("first poll of %d agents taken over failed", len(targets))

    def _publish_samples(self, samples: Sequence[Sample]) -> None:
        """From a worker thread: publish samples that belong to no AP, and wait until stored."""
        assert self._loop is not None
        cycle = Cycle(samples[0].time_ns if samples else 0, 0.0, [], list(samples),
                      source="fibre")

        async def publish() -> None:
            await self.pipeline.publish(cycle)
            await self.pipeline.drained()

        asyncio.run_coroutine_threadsafe(publish(), self._loop).result()

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self.exporters.start()
        await self.poller.prepare()
        if self.leases is not None:
            await self.leases.start()
        await self.alerts.start()
        if self.traps is not None:
            await self.traps.start()
        self.scheduler.start()
        self.health.sources.started = time.monotonic()
        self.watchdog.start()
        log.info("polling %d APs (%d agents), database %s", len(self.config.aps),
                 len(self.poller.targets), self.owner.where)
        for warning in exposure_warnings(self.config):
            log.warning("%s", warning)

    async def stop(self) -> None:
        # A cycle in flight finishes and is stored; then the store is closed (and flushed).
        poll = self.config.poll
        await self.watchdog.stop()
        await self.scheduler.shutdown(grace_s=poll.timeout_s * (poll.retries + 1) * 4)
        if self.leases is not None:
            await self.leases.stop()  # hands the shards over at once
        if self.traps is not None:
            await self.traps.stop()
        await self.alerts.stop()
        await asyncio.to_thread(self.pipeline.close)  # joins writer threads: never on the loop
        await self.exporters.stop()
        await self.confirmer.close()
        await self.poller.close()
        await asyncio.to_thread(self.reader.close)  # closes its connections: file I/O
        await self.owner.aclose()


async def run_until_signalled(monitor: Monitor, duration_s: float | None = None,
                              on_hangup: Callable[[], None] | None = None) -> None:
    """Run until SIGINT/SIGTERM (or `duration_s`), then shut down cleanly; SIGHUP calls
    `on_hangup` (the inventory reload of netmon/reload.py)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if on_hangup is not None:
        loop.add_signal_handler(signal.SIGHUP, on_hangup)
    await monitor.start()
    # The database is open (migrated) and the first cycle scheduled: ready for systemd.
    notify("READY=1", f"STATUS=polling {len(monitor.poller.targets)} agents")
    try:
        await asyncio.wait_for(stop.wait(), duration_s)
    except TimeoutError:
        pass
    finally:
        notify("STOPPING=1", "STATUS=stopping: finishing the cycle in flight")
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.remove_signal_handler(sig)
        await monitor.stop()
