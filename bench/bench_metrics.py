"""/metrics at N APs: how long a scrape takes, and how long it holds the event loop.

Three ways to serve the same families (FleetMetrics and CoreMetrics fed one cycle of N
synthetic APs, PollMetrics, the loop lag histogram), each behind netmon's uvicorn listener
in this process's event loop:

- loop:     prometheus_client's ASGI app, which renders on the loop at each scrape (before).
- thread:   the same render (and gzip) in a worker thread at each scrape (run_in_threadpool).
- snapshot: netmon's /metrics: the fleet's families rendered once per cycle on a worker
            thread, netmon's own at each scrape; the scrape serves bytes.

A scraper process (so its CPU is not the loop's) asks as Prometheus 2 does (OpenMetrics
first, gzip). A probe task on the loop sleeps 1 ms ticks and records how late it wakes: its
largest lateness while a scrape is in flight is what the scrape cost the loop.

Run: .venv/bin/python -m bench.bench_metrics [--aps 10000] [--scrapes 7] [--modes ...]
     [--switch-interval 0.0005]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import http.client
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from prometheus_client import CollectorRegistry, make_asgi_app
from prometheus_client.exposition import choose_encoder, gzip_accepted
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from netmon.config.models import NetmonConfig
from netmon.export.core_metrics import CoreMetrics
from netmon.export.exporters import Exporters
from netmon.fleet.states import ApDurable, ZoneDurable
from netmon.observation import ApObservation, Cycle
from netmon.sample import Sample
from netmon.web.app import create_app
from netmon.web.server import HttpServer
from netmon.web.settings import HttpSettings
from tests.support.tsdb import free_tcp_port

MODES = ("loop", "thread", "snapshot")
ZONES = 40
PROBE_TICK_S = 0.001
# What Prometheus 2.x sends (scrape_protocols' default order), and its gzip.
PROMETHEUS_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                     "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
SCRAPER = """
import http.client, sys, time
port, accept = int(sys.argv[1]), sys.argv[2]
for line in sys.stdin:
    began = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", "/metrics", headers={"Accept": accept, "Accept-Encoding": "gzip"})
    body = c.getresponse().read()
    c.close()
    print(time.perf_counter() - began, len(body), flush=True)
"""


def observation(i: int) -> ApObservation:
    zone = f"zone-{i % ZONES:02d}"
    up = i % 17 != 0
    tags = {"ap": f"ap-{i:05d}", "ap_name": f"Borne {i}, rue de Genève", "zone": zone,
            "site": f"site-{i % 300}", "vendor": "ubiquiti", "model": "UAP-AC-M-Pro"}
    sample = Sample("ap", tags, {"up": int(up)}, time.time_ns())
    return ApObservation(tags["ap"], zone, up, (sample,), None if up else "timeout",
                         uptime_s=3600.0 if up else None, clients=i % 30 if up else None,
                         rx_bps=8000.0 if up else None, tx_bps=16000.0 if up else None,
                         poll_ms=12.5)


def fleet_config(aps: int) -> NetmonConfig:
    return NetmonConfig.model_validate({
        "zones": [{"id": f"zone-{z:02d}", "name": f"Zone {z}"} for z in range(ZONES)],
        "aps": [{"id": f"ap-{i:05d}", "name": f"Borne {i}", "zone": f"zone-{i % ZONES:02d}",
                 "host": "127.0.0.1", "lat": 45.69, "lon": 5.91,
                 "credentials": {"version": "2c", "community": "bench"}} for i in range(aps)],
        "http": {"enabled": False}, "store": {"path": "/nonexistent/bench.db"}})


@dataclass
class _Tracker:
    aps: dict[str, ApDurable]
    zones: dict[str, ZoneDurable]


@dataclass
class _Queue:
    running: dict[str, bool] = field(default_factory=dict)
    failing: dict[str, bool] = field(default_factory=dict)


@dataclass
class _Desk:
    tracker: _Tracker
    last_decide_s: float = 0.01
    queue: _Queue = field(default_factory=_Queue)


class _Both(Collector):
    """Both registries as one, the way a single registry served them before."""

    def __init__(self, *registries: CollectorRegistry) -> None:
        self.registries = registries

    def collect(self) -> Iterator[Metric]:
        return (family for registry in self.registries for family in registry.collect())


class _OnLoop:
    """The 'loop' mode: prometheus_client's app, as an ASGI app (not a request handler)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


class _InThread:
    """The 'thread' mode: the whole render, and gzip, on a worker thread at each scrape."""

    def __init__(self, collector: Collector) -> None:
        self.collector = collector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        encoder, content_type = choose_encoder(request.headers.get("accept", ""))
        zipped = gzip_accepted(request.headers.get("accept-encoding", ""))

        def render() -> bytes:
            body = encoder(self.collector)
            return gzip.compress(body) if zipped else body

        headers = {"Content-Type": content_type}
        if zipped:
            headers["Content-Encoding"] = "gzip"
        await Response(await run_in_threadpool(render), headers=headers)(scope, receive, send)


@dataclass
class LoopProbe:
    """Sleeps PROBE_TICK_S again and again; keeps (woke at, how late) for every tick."""

    ticks: list[tuple[float, float]] = field(default_factory=list)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asleep = loop.time()
            await asyncio.sleep(PROBE_TICK_S)
            woke = loop.time()
            self.ticks.append((woke, woke - asleep - PROBE_TICK_S))

    def worst(self, start: float, end: float) -> float:
        # A tick that woke after `end` but slept through the window was held by it too.
        return max((lag for woke, lag in self.ticks if start <= woke - lag <= end
                    or start <= woke <= end), default=0.0)

    def lags(self, start: float, end: float) -> list[float]:
        return [lag for woke, lag in self.ticks if start <= woke <= end]


@dataclass
class ModeResult:
    mode: str
    scrape_s: list[float]
    loop_held_s: list[float]
    loop_p99_s: float
    body_bytes: int
    render_s: float | None = None
    render_loop_held_s: float | None = None


class Scraper:
    """A process that scrapes when told, so that its CPU is not the loop's."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SCRAPER, str(self.port), PROMETHEUS_ACCEPT,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)

    async def scrape(self) -> tuple[float, int]:
        assert self.process is not None and self.process.stdin and self.process.stdout
        self.process.stdin.write(b"go\n")
        await self.process.stdin.drain()
        elapsed, size = (await self.process.stdout.readline()).split()
        return float(elapsed), int(size)

    async def stop(self) -> None:
        assert self.process is not None and self.process.stdin
        self.process.stdin.close()
        await self.process.wait()


def check_body(port: int, aps: int) -> None:
    """The served text has one netmon_ap_up line per AP and ends as OpenMetrics must."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/metrics", headers={"Accept": PROMETHEUS_ACCEPT,
                                                   "Accept-Encoding": "gzip"})
    text = gzip.decompress(connection.getresponse().read()).decode()
    connection.close()
    names = Counter(line.split("{", 1)[0] for line in text.splitlines()
                    if not line.startswith("#"))
    assert names["netmon_ap_up"] == aps, names["netmon_ap_up"]
    assert names["netmon_ap_state"] == aps and text.endswith("# EOF\n")
    assert names["netmon_event_loop_lag_seconds_bucket"] > 0


async def bench_mode(mode: str, aps: int, scrapes: int, cycle: Cycle) -> ModeResult:
    config = fleet_config(aps)
    exporters = Exporters(config)
    tracker = _Tracker({o.ap_id: ApDurable("up" if o.up else "down") for o in cycle.observations},
                       {f"zone-{z:02d}": ZoneDurable() for z in range(ZONES)})
    core = CoreMetrics(config, exporters.registry, exporters.fleet_registry, _Desk(tracker),
                       Counter(), lambda: 0)
    app: ASGIApp
    if mode == "snapshot":
        app = create_app(exporters.registry, (), exporters.exposition)
    else:
        both = _Both(exporters.registry, exporters.fleet_registry)
        app = _OnLoop(make_asgi_app(both)) if mode == "loop" else _InThread(both)
        starlette_app = create_app(CollectorRegistry())
        starlette_app.router.routes.insert(0, Route("/metrics", app, methods=["GET"]))
        app = starlette_app
    server = HttpServer(HttpSettings(listen=f"127.0.0.1:{free_tcp_port()}"), app)
    await server.start()
    await exporters.start()
    probe = LoopProbe()
    probing = asyncio.create_task(probe.run())
    scraper = Scraper(server.port)
    await scraper.start()
    loop = asyncio.get_running_loop()
    try:
        await scraper.scrape()  # the format is asked once before the cycle, as in a real run
        began = loop.time()
        for consumer in (core, *exporters.consumers):
            consumer.consume(cycle)
        await exporters.exposition.rendered()
        render_window = (began, loop.time())
        await asyncio.sleep(0.2)
        await asyncio.to_thread(check_body, server.port, aps)
        times, held, lags = [], [], []
        size = 0
        for _ in range(scrapes):
            start = loop.time()
            elapsed, size = await scraper.scrape()
            end = loop.time()
            times.append(elapsed)
            held.append(probe.worst(start, end))
            lags += probe.lags(start, end)
            await asyncio.sleep(0.3)  # the next scrape finds a quiet loop
    finally:
        await scraper.stop()
        probing.cancel()
        await exporters.stop()
        await server.stop()
    p99 = statistics.quantiles(lags, n=100, method="inclusive")[98] if len(lags) >= 2 \
        else max(lags, default=0.0)
    result = ModeResult(mode, times, held, p99, size)
    if mode == "snapshot":
        result.render_s = exporters.exposition.last_render_s
        result.render_loop_held_s = probe.worst(*render_window)
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def report(results: list[ModeResult], aps: int) -> None:
    print(f"\n/metrics at {aps:,} APs (Prometheus 2 Accept: OpenMetrics, gzip), "
          f"switch interval {sys.getswitchinterval() * 1000:g} ms")
    print(f"{'mode':<9} {'scrape median':>14} {'scrape max':>11} {'loop held, median':>18} "
          f"{'loop held, max':>15} {'lag p99':>9} {'gzip body':>10}  per-cycle render")
    for r in results:
        render = "" if r.render_s is None else \
            f"{ms(r.render_s)} on a worker; loop held {ms(r.render_loop_held_s or 0)}"
        print(f"{r.mode:<9} {ms(statistics.median(r.scrape_s)):>14} {ms(max(r.scrape_s)):>11} "
              f"{ms(statistics.median(r.loop_held_s)):>18} {ms(max(r.loop_held_s)):>15} "
              f"{ms(r.loop_p99_s):>9} {r.body_bytes / 1e6:>8.2f} MB  {render}")


async def main_async(args: argparse.Namespace) -> None:
    cycle = Cycle(time.time_ns(), 1.0, [observation(i) for i in range(args.aps)], [],
                  args.aps)
    results = [await bench_mode(mode, args.aps, args.scrapes, cycle) for mode in args.modes]
    report(results, args.aps)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--aps", type=int, default=10_000)
    parser.add_argument("--scrapes", type=int, default=7)
    parser.add_argument("--modes", type=lambda v: v.split(","), default=list(MODES))
    parser.add_argument("--switch-interval", type=float, default=None,
                        help="seconds; CPython's default is 0.005")
    args = parser.parse_args()
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
