"""The ASGI application behind netmon's listener."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, FastAPI
from prometheus_client import CollectorRegistry
from starlette.routing import Route

from netmon.export.cycle_exposition import CycleExposition
from netmon.web.metrics import MetricsEndpoint


def create_app(registry: CollectorRegistry, routers: Sequence[APIRouter] = (),
               fleet: CycleExposition | None = None) -> FastAPI:
    """netmon's web app; /metrics serves `registry` (and the fleet's per-cycle render) in
    Prometheus or OpenMetrics format."""
    # No /docs or /redoc: FastAPI loads their scripts from a CDN, blank on an offline town
    # network. The API is described by /openapi.json, for any OpenAPI viewer.
    app = FastAPI(title="netmon", summary="Public Wi-Fi monitoring: metrics and status.",
                  docs_url=None, redoc_url=None)
    # An exact route: a Mount would answer /metrics with a redirect.
    app.router.routes.append(Route("/metrics", MetricsEndpoint(registry, fleet),
                                   methods=["GET"], include_in_schema=False))
    for router in routers:  # the status page and its API (netmon.web.status)
        app.include_router(router)
    return app
