"""The fleet's families of /metrics, rendered once per cycle on a worker thread.

Per-AP and per-zone families grow with the fleet (about 1 s of rendering at 10,000 APs,
bench/bench_metrics.py) but change only when a cycle is consumed. So each cycle renders them
once, off the event loop, in each format scrapers asked for, and every scrape until the next
render serves those bytes as they are. netmon's own small families are rendered at each
scrape (netmon.web.metrics) and appended.
"""

from __future__ import annotations

import asyncio
import logging
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from prometheus_client import CollectorRegistry
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from netmon.observation import Cycle
from netmon.tasks import cancel_and_wait

log = logging.getLogger(__name__)
OPENMETRICS: Final = "application/openmetrics-text"
OPENMETRICS_EOF: Final = b"# EOF\n"
# zlib's default level: about 2.5x faster than gzip's 9 on exposition text, 2 % larger.
GZIP_LEVEL: Final = 6
GZIP_WBITS: Final = 16 + zlib.MAX_WBITS  # a gzip header and trailer, not a raw zlib stream
# Formats kept rendered, the most recently asked: text, OpenMetrics and a few variants.
MAX_FORMATS: Final = 4

# prometheus_client's encoders (exposition.choose_encoder): a collector in, the text out.
Encoder = Callable[[Collector], bytes]


class Collected(Collector):
    """Families collected once, so several formats encode the very same state."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self.families = list(families)

    def collect(self) -> Iterator[Metric]:
        return iter(self.families)


@dataclass(frozen=True, slots=True)
class Rendered:
    """The fleet families in one format, and a gzip stream of them left open for the rest."""

    body: bytes  # OpenMetrics' closing "# EOF" removed: netmon's own families follow
    gzip_head: bytes
    gzip_rest: zlib._Compress

    @classmethod
    def of(cls, families: Collector, content_type: str, encoder: Encoder) -> Rendered:
        body = encoder(families)
        if content_type.startswith(OPENMETRICS):
            body = body.removesuffix(OPENMETRICS_EOF)
        compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, GZIP_WBITS)
        return cls(body, compressor.compress(body), compressor)

    def then(self, tail: bytes) -> bytes:
        return self.body + tail

    def gzip_then(self, tail: bytes) -> bytes:
        """One gzip stream of body + tail; only the tail is compressed now."""
        compressor = self.gzip_rest.copy()
        return self.gzip_head + compressor.compress(tail) + compressor.flush()


class CycleExposition:
    """A CycleConsumer placed after the metrics it renders; renders never overlap nor queue up.

    The collectors of `registry` are read on a worker thread while the loop feeds them: each
    must replace its state whole (copy on write), never change it in place.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.last_render_s = 0.0
        self._formats: dict[str, Encoder] = {}  # content type -> encoder, least recent first
        self._consumed = 0  # cycles consumed; renders follow them
        # The newest render: how many cycles it includes, and its formats (replaced whole).
        self._held: tuple[int, dict[str, Rendered]] = (0, {})
        self._task: asyncio.Task[None] | None = None
        self._failing = False

    def consume(self, cycle: Cycle) -> None:
        if not cycle.observations:  # e.g. a fibre import: no AP changed
            return
        self._consumed += 1
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._render_until_current(), name="metrics-render")

    async def rendered(self) -> None:
        """Wait until every cycle consumed so far is rendered."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def aclose(self) -> None:
        """Stop rendering (a render in flight finishes on its thread, unread)."""
        await cancel_and_wait(self._task)
        self._task = None

    async def body(self, content_type: str, encoder: Encoder) -> Rendered:
        """The newest render in this format; a format never asked before is rendered now."""
        self._formats.pop(content_type, None)
        self._formats[content_type] = encoder
        while len(self._formats) > MAX_FORMATS:
            del self._formats[next(iter(self._formats))]
        rendered = self._held[1].get(content_type)
        if rendered is None:
            consumed = self._consumed
            fresh = await asyncio.to_thread(self._render, {content_type: encoder})
            self._keep(consumed, fresh)
            rendered = fresh[content_type]
        return rendered

    async def _render_until_current(self) -> None:
        rendered_up_to = 0
        while rendered_up_to < self._consumed:
            rendered_up_to = self._consumed
            formats = dict(self._formats)
            started = time.perf_counter()
            try:
                self._keep(rendered_up_to, await asyncio.to_thread(self._render, formats))
            except Exception as exc:  # a broken collector: keep serving the last render
                if not self._failing:
                    self._failing = True
                    log.error("/metrics: cannot render the fleet's metrics (the previous "
                              "render is served; logged once until it recovers): %s", exc,
                              exc_info=exc)
                continue
            self.last_render_s = time.perf_counter() - started
            if self._failing:
                self._failing = False
                log.info("/metrics: the fleet's metrics render again")

    def _keep(self, consumed: int, rendered: dict[str, Rendered]) -> None:
        """Hold the newest render; one of the same cycles (another format) joins it."""
        held_consumed, held = self._held
        if consumed > held_consumed:
            self._held = (consumed, rendered)
        elif consumed == held_consumed:
            self._held = (consumed, {**held, **rendered})

    def _render(self, formats: dict[str, Encoder]) -> dict[str, Rendered]:
        if not formats:  # nobody scraped yet: the first scrape renders its format
            return {}
        families = Collected(self.registry.collect())
        return {content_type: Rendered.of(families, content_type, encoder)
                for content_type, encoder in formats.items()}
