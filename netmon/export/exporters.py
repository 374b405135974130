"""What a monitor feeds besides its store: InfluxDB, the Prometheus registry and /metrics."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from fastapi import APIRouter
from prometheus_client import CollectorRegistry

from netmon.config.models import NetmonConfig
from netmon.export.cycle_exposition import CycleExposition
from netmon.export.fibre_metrics import FibreMetrics
from netmon.export.fleet_metrics import FleetMetrics
from netmon.export.influx_metrics import InfluxSinkMetrics
from netmon.export.influx_sink import InfluxSink
from netmon.export.loop_lag import LoopLagProbe
from netmon.export.poll_metrics import PollMetrics
from netmon.export.spool import SpoolBusy
from netmon.export.spool_location import spool_dir
from netmon.fibre.snapshot import ProgressSnapshot
from netmon.pipeline import CycleConsumer
from netmon.store.base import Sink
from netmon.web.app import create_app
from netmon.web.server import HttpServer, ListenError

log = logging.getLogger(__name__)


class ExportError(RuntimeError):
    """The exports cannot start as configured (busy port, spool owned by another netmon)."""


class Exporters:
    """Built with the monitor; `start` and `stop` follow the monitor's own."""

    def __init__(self, config: NetmonConfig,
                 skipped_cycles: Callable[[], Mapping[int, int]] | None = None,
                 routers: Sequence[APIRouter] = ()) -> None:
        # Explicit registries: no process-wide default collectors, nothing shared by tests.
        # netmon's own families, small, rendered at each scrape (on a worker thread).
        self.registry = CollectorRegistry()
        # Per AP and per zone, growing with the fleet: rendered once per cycle, off the loop.
        self.fleet_registry = CollectorRegistry()
        self.fleet = FleetMetrics()
        self.fleet_registry.register(self.fleet)
        self.exposition = CycleExposition(self.fleet_registry)
        self.poll = PollMetrics(self.registry, skipped_cycles)
        self.loop_lag = LoopLagProbe(self.registry)
        self.influx: InfluxSink | None = None
        if config.influxdb is not None:
            try:
                self.influx = InfluxSink(config.influxdb, spool_dir(config), config.site)
            except (SpoolBusy, OSError) as exc:
                raise ExportError(f"influxdb.spool_dir: {exc}") from exc
            self.registry.register(InfluxSinkMetrics(self.influx))
        if config.fibre is not None:
            self.registry.register(FibreMetrics(ProgressSnapshot(config)))
        self.http = HttpServer(config.http, create_app(self.registry, routers, self.exposition)) \
            if config.http.enabled else None
        # A listener the config asks for must start; the default one steps aside if busy.
        self.http_required = "http" in config.model_fields_set
        self.listen_error: str | None = None  # why the default listener stepped aside

    @property
    def sinks(self) -> list[Sink]:
        return [self.influx] if self.influx is not None else []

    @property
    def consumers(self) -> list[CycleConsumer]:
        """Last in the pipeline: the render reads what the consumers before it were fed."""
        return [self.fleet, self.poll, self.exposition]

    async def start(self) -> None:
        if self.http is not None:
            try:
                await self.http.start()
            except ListenError as exc:
                if self.http_required:
                    raise ExportError(str(exc)) from exc
                log.warning("%s: /metrics is off (set http.listen to another address, or "
                            "http.enabled: false)", exc)
                self.listen_error = str(exc)
                self.http = None
        if self.influx is not None:
            self.influx.start()
            log.info("writing to InfluxDB %s (bucket %r), spool %s", self.influx.settings.url,
                     self.influx.settings.bucket, self.influx.spool.path.parent)
        self.loop_lag.start()

    async def stop(self) -> None:
        """Stop serving; the InfluxDB sink is closed with the pipeline's other sinks."""
        if self.http is not None:
            await self.http.stop()
        await self.exposition.aclose()
        await self.loop_lag.stop()
