"""`netmon web` speed: latency per route and requests/s, one process and two, on the demo store.

The store is the status page tests' (tests/support/status_fleet.py): the 50 demo APs watched
for 3 h through the real tracker, one down. Each `netmon web` is a real process on 127.0.0.1.
Run from the repository root:

    .venv/bin/python -m bench.bench_web [--requests 200] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from collectors.snmp.profile import default_catalog
from netmon.config.loader import load_config
from netmon.processes import stop_process
from tests.support.demo import demo_config_copy
from tests.support.status_fleet import POLL_S, fill_history
from tests.support.tsdb import free_tcp_port
from tests.support.wait import wait_until

ROUTES = ("/healthz", "/api/aps", "/api/zones", "/api/incidents", "/")
START_TIMEOUT_S = 60.0
TIMEOUT_S = 60.0


def start_web(config: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    address = f"127.0.0.1:{free_tcp_port()}"
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "netmon", "web", "-c", str(config),
                                    "--listen", address], stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    base = f"http://{address}"

    def answers() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(answers, START_TIMEOUT_S, lambda: log.read_text())
    return process, base


def latencies_ms(base: str, route: str, count: int) -> list[float]:
    out = []
    with httpx.Client(base_url=base, timeout=TIMEOUT_S) as client:
        client.get(route).raise_for_status()  # warm: the first read checks the schema
        for _ in range(count):
            began = time.perf_counter()
            client.get(route).raise_for_status()
            out.append((time.perf_counter() - began) * 1000)
    return out


async def rate(bases: list[str], route: str, count: int, concurrency: int) -> float:
    """Requests/s for `count` GETs of `route`, `concurrency` at a time, spread over `bases`."""
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=TIMEOUT_S) as client:
        async def one(i: int) -> None:
            async with gate:
                (await client.get(bases[i % len(bases)] + route)).raise_for_status()

        began = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(count)))
        return count / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="netmon-bench-web-") as tmp:
        work = Path(tmp)
        config_path = demo_config_copy(work, interval_s=POLL_S)
        config = load_config(config_path, default_catalog().names())
        fill_history(config)
        first, first_url = start_web(config_path, work / "web-1.log")
        second, second_url = start_web(config_path, work / "web-2.log")
        try:
            print(f"netmon web, {len(config.aps)} APs, 3 h of history, "
                  f"{args.requests} sequential GETs per route")
            print(f"{'route':<16}{'p50 ms':>10}{'p99 ms':>10}")
            for route in ROUTES:
                ms = sorted(latencies_ms(first_url, route, args.requests))
                p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
                print(f"{route:<16}{statistics.median(ms):>10.1f}{p99:>10.1f}")
            for label, bases in (("1 process", [first_url]),
                                 ("2 processes", [first_url, second_url])):
                per_s = asyncio.run(rate(bases, "/api/aps", args.requests, args.concurrency))
                print(f"/api/aps, {args.concurrency} at a time, {label}: {per_s:.0f} req/s")
            began = time.perf_counter()
            answer = httpx.get(f"{first_url}/report.pdf", timeout=TIMEOUT_S)
            answer.raise_for_status()
            print(f"/report.pdf (default period): {time.perf_counter() - began:.2f} s, "
                  f"{len(answer.content) / 1024:.0f} KiB")
        finally:
            stop_process(first, grace_s=10)
            stop_process(second, grace_s=10)


if __name__ == "__main__":
    main()
