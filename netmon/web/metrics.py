"""GET /metrics: never rendered on the event loop.

The fleet's families come as bytes rendered once per cycle (netmon.export.cycle_exposition);
netmon's own small families are rendered at each scrape on a worker thread and appended.
The format (Prometheus text or OpenMetrics) and gzip follow the request, as prometheus_client
chooses them.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder, gzip_accepted
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from netmon.export.cycle_exposition import CycleExposition, Encoder, Rendered


class _Restricted(Collector):
    """`?name[]=...`: only the samples so named, of every family (rendered in full, rare).

    prometheus_client's restricted_registry finds a family through `describe`, which the
    fleet's collectors leave empty (their series depend on the fleet): filtered here instead.
    """

    def __init__(self, names: list[str], *registries: CollectorRegistry) -> None:
        self.names = set(names)
        self.registries = registries

    def collect(self) -> Iterator[Metric]:
        for registry in self.registries:
            for family in registry.collect():
                samples = [s for s in family.samples if s.name in self.names]
                if samples:
                    kept = Metric(family.name, family.documentation, family.type, family.unit)
                    kept.samples = samples
                    yield kept


def _own_then(fleet: Rendered, encoder: Encoder, own: CollectorRegistry,
              zipped: bool) -> bytes:
    tail = encoder(own)
    return fleet.gzip_then(tail) if zipped else fleet.then(tail)


def _whole(encoder: Encoder, collector: Collector, zipped: bool) -> bytes:
    body = encoder(collector)
    return gzip.compress(body) if zipped else body


class MetricsEndpoint:
    """An ASGI app for the exact route /metrics."""

    def __init__(self, own: CollectorRegistry, fleet: CycleExposition | None = None) -> None:
        self.own = own
        self.fleet = fleet

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        encoder, content_type = choose_encoder(",".join(request.headers.getlist("accept")))
        zipped = gzip_accepted(",".join(request.headers.getlist("accept-encoding")))
        names = request.query_params.getlist("name[]")
        if self.fleet is None:
            whole = _Restricted(names, self.own) if names else self.own
            body = await run_in_threadpool(_whole, encoder, whole, zipped)
        elif names:
            whole = _Restricted(names, self.own, self.fleet.registry)
            body = await run_in_threadpool(_whole, encoder, whole, zipped)
        else:
            rendered = await self.fleet.body(content_type, encoder)
            body = await run_in_threadpool(_own_then, rendered, encoder, self.own, zipped)
        headers = {"Content-Type": content_type}
        if zipped:
            headers["Content-Encoding"] = "gzip"
        await Response(body, headers=headers)(scope, receive, send)
