"""How long netmon's event loop keeps an HTTP request waiting: a stand-in for its lag metric.

A GET of a path no route serves is answered by the router on the event loop (uvicorn parses
it there too), with no work of its own: its round trip is the time the loop took to get to it.
Requests leave at a fixed rate whatever the answers (each on its own task), so a loop blocked
for a second keeps several waiting, as it would keep any event arriving then.
"""

from __future__ import annotations

import asyncio
import threading
import time

import httpx

PATH = "/bench-loop-probe"  # no route: a 404 made on the loop
EVERY_S = 0.2
TIMEOUT_S = 60.0


class LoopProbe:
    """A thread running its own asyncio loop that sends one request every EVERY_S."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.round_trips_s: list[float] = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()),
                                        name="loop-probe", daemon=True)

    def start(self) -> LoopProbe:
        self._thread.start()
        return self

    def stop(self) -> list[float]:
        self._stop.set()
        self._thread.join(timeout=TIMEOUT_S + 5)
        return self.round_trips_s

    async def _one(self, client: httpx.AsyncClient) -> None:
        began = time.perf_counter()
        try:
            await client.get(PATH)
            self.round_trips_s.append(time.perf_counter() - began)
        except httpx.HTTPError:
            self.failures += 1

    async def _run(self) -> None:
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=20)
        async with httpx.AsyncClient(base_url=self.base_url, timeout=TIMEOUT_S,
                                     limits=limits) as client:
            tasks: set[asyncio.Task[None]] = set()
            due = time.monotonic()
            while not self._stop.is_set():
                task = asyncio.create_task(self._one(client))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                due += EVERY_S
                await asyncio.sleep(max(0.0, due - time.monotonic()))
            await asyncio.gather(*tasks)
