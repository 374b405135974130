"""`netmon web`: the status page, its API, the map and the report, from the database alone.

It polls nothing and keeps nothing a load balancer would break: every answer is read from
the database (read-only), so several can serve one town side by side.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from prometheus_client import CollectorRegistry, PlatformCollector, ProcessCollector
from prometheus_fastapi_instrumentator import Instrumentator

from netmon.config.models import NetmonConfig
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.store.reader import SampleReader
from netmon.web.app import create_app
from netmon.web.health import health_router
from netmon.web.report_download import report_router
from netmon.web.server import HttpServer
from netmon.web.settings import HttpSettings
from netmon.web.status.router import status_router

log = logging.getLogger(__name__)
METRICS_NAMESPACE = "netmon_web"


class StatusWebsite:
    """Everything `netmon web` keeps alive: a read-only database reader and the listener."""

    def __init__(self, config: NetmonConfig, http: HttpSettings) -> None:
        self.reader = DatabaseReader(database_url(config.store))
        samples = SampleReader(self.reader, config.store)
        # Its own process only (requests, CPU, memory): the fleet's metrics are the pollers'.
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        app = create_app(self.registry, [status_router(config, self.reader, samples),
                                         report_router(config), health_router(self.reader)])
        Instrumentator(registry=self.registry, excluded_handlers=["/metrics"]) \
            .instrument(app, metric_namespace=METRICS_NAMESPACE)
        self.http = HttpServer(http, app)

    async def start(self) -> None:
        await self.http.start()
        log.info("serving the status page on http://%s:%d/ from %s", self.http.settings.host,
                 self.http.port, self.reader.where)

    async def stop(self) -> None:
        await self.http.stop()
        await asyncio.to_thread(self.reader.close)  # closes its connections: file I/O


async def serve_until_signalled(website: StatusWebsite) -> None:
    """Serve until SIGINT/SIGTERM, then stop listening and close the reader."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await website.start()
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await website.stop()
