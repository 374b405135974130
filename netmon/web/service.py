"""`netmon web`: the status page, its API, the map and the report, from the database alone.

It polls nothing and keeps nothing a load balancer would break: every answer is read from
the database (read-only), so several can serve one town side by side.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from prometheus_client import CollectorRegistry, PlatformCollector, ProcessCollector
from prometheus_fastapi_instrumentator import Instrumentator
from sqlalchemy.exc import SQLAlchemyError

from netmon.config.models import NetmonConfig
from netmon.db.migrate import SchemaError
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.store.reader import SampleReader
from netmon.systemd import Watchdog, notify
from netmon.web.app import create_app
from netmon.web.exposure import exposure_warnings
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
        self.config = config.model_copy(update={"http": http})
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
        unavailable_when_unreadable(app, self.reader)
        self.http = HttpServer(http, app)

    async def start(self) -> None:
        await self.http.start()
        log.info("serving the status page on http://%s:%d/ from %s", self.http.settings.host,
                 self.http.port, self.reader.where)
        for warning in exposure_warnings(self.config):
            log.warning("%s", warning)

    async def stop(self) -> None:
        await self.http.stop()
        await asyncio.to_thread(self.reader.close)  # closes its connections: file I/O


def unavailable_when_unreadable(app: FastAPI, database: DatabaseReader) -> None:
    """A database that cannot be read (server down, another schema) answers 503, not 500:
    a load balancer tries another process; the first cause is logged, then /healthz tells."""
    logged = False

    async def unavailable(_request: Request, exc: Exception) -> JSONResponse:
        nonlocal logged
        log.log(logging.DEBUG if logged else logging.WARNING,
                "database %s unreadable: %s", database.where, exc)
        logged = True
        # A schema error says what to do and names no secret; a driver's may quote SQL.
        detail = str(exc) if isinstance(exc, SchemaError) else "the database cannot be read now"
        return JSONResponse({"detail": detail}, 503)

    app.add_exception_handler(SQLAlchemyError, unavailable)
    app.add_exception_handler(SchemaError, unavailable)


async def serve_until_signalled(website: StatusWebsite) -> None:
    """Serve until SIGINT/SIGTERM, then stop listening and close the reader."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    # It reads the database afresh on each request: a reload has nothing to re-read.
    loop.add_signal_handler(signal.SIGHUP, lambda: log.info("SIGHUP: nothing to reload; "
                                                            "restart to apply a new config"))
    # The watchdog is petted from this loop: a loop that stops turning gets restarted.
    watchdog = Watchdog(lambda: True)
    try:
        await website.start()
        notify("READY=1", "STATUS=serving the status page")
        watchdog.start()
        await stop.wait()
    finally:
        notify("STOPPING=1")
        await watchdog.stop()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.remove_signal_handler(sig)
        await website.stop()
