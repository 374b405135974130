"""The ASGI application behind netmon's listener."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, FastAPI
from prometheus_client import CollectorRegistry, make_asgi_app
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send


class _Endpoint:
    """An ASGI app as an exact route: a Mount would answer /metrics with a redirect."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def create_app(registry: CollectorRegistry, routers: Sequence[APIRouter] = ()) -> FastAPI:
    """netmon's web app; /metrics serves `registry` in Prometheus or OpenMetrics format."""
    app = FastAPI(title="netmon", summary="Public Wi-Fi monitoring: metrics and status.")
    app.router.routes.append(Route("/metrics", _Endpoint(make_asgi_app(registry)),
                                   methods=["GET"], include_in_schema=False))
    for router in routers:  # the status page and its API (netmon.web.status)
        app.include_router(router)
    return app
