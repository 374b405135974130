"""/healthz, /readyz and the same facts as metrics, on `netmon run`'s own listener.

/healthz answers 200 whenever the process and its event loop answer (the listener runs on
that loop). /readyz answers 200 only when every check passes, else 503 naming each failing
one: a recent poll cycle, a recent commit of the database owner, an InfluxDB sink not
failing for longer than `http.ready_sink_failing_s`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from netmon.db.migrate import head
from netmon.redaction import REDACTOR


def netmon_version() -> str:
    try:
        return version("netmon")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    detail: str


@dataclass(slots=True)
class HealthSources:
    """Read at each probe; callables, as the monitor builds its parts after the listener."""

    last_cycle: Callable[[], float | None]  # monotonic end of the last stored cycle
    last_commit: Callable[[], float | None]  # monotonic time of the owner's last commit
    last_db_failure: Callable[[], str | None]
    influx_failing_since: Callable[[], float | None] | None  # None: no sink configured
    window_s: float  # two intervals plus a cycle's budget
    sink_failing_limit_s: float  # http.ready_sink_failing_s
    started: float  # monotonic: before the first cycle, the window counts from here


class Health:
    def __init__(self, sources: HealthSources,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.sources = sources
        self.clock = clock
        self.version = netmon_version()
        self.schema = head()

    def _recent(self, at: float | None, what: str) -> Check:
        now, window = self.clock(), self.sources.window_s
        if at is None:
            age = now - self.sources.started
            return Check(age < window, f"no {what} yet ({age:.0f} s since start)")
        age = now - at
        return Check(age < window, f"last {what} {age:.0f} s ago (limit {window:.0f} s)")

    def checks(self) -> dict[str, Check]:
        s = self.sources
        cycle = self._recent(s.last_cycle(), "poll cycle")
        # A cycle that never completed is already reported; "database" says only whether
        # the owner still commits.
        database = self._recent(s.last_commit(), "commit")
        failure = s.last_db_failure()
        if failure is not None:
            database = Check(False, "last transaction failed: " + REDACTOR.redact(failure))
        result = {"cycle": cycle, "database": database}
        if s.influx_failing_since is not None:
            since = s.influx_failing_since()
            failing_s = 0.0 if since is None else time.monotonic() - since
            limit = s.sink_failing_limit_s
            result["influxdb"] = Check(failing_s < limit, "writing" if since is None else
                                       f"failing for {failing_s:.0f} s (limit {limit:g} s)")
        return result

    def ready(self) -> bool:
        return all(c.ok for c in self.checks().values())

    def report(self) -> tuple[bool, dict[str, object]]:
        checks = self.checks()
        ready = all(c.ok for c in checks.values())
        return ready, {
            "status": "ready" if ready else "not ready",
            "failing": sorted(name for name, c in checks.items() if not c.ok),
            "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()},
            "version": self.version, "schema": self.schema,
        }


def health_routes(health: Health) -> APIRouter:
    router = APIRouter()

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        # Answered on the event loop itself: a reply proves the loop turns.
        return JSONResponse({"status": "ok", "version": health.version})

    @router.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        ready, body = health.report()
        return JSONResponse(body, 200 if ready else 503)

    return router


class HealthMetrics(Collector):
    """netmon_ready, netmon_check_ok{check} and netmon_build_info, read at each scrape."""

    def __init__(self, health: Health) -> None:
        self.health = health

    def collect(self) -> Iterator[Metric]:
        checks = self.health.checks()
        yield GaugeMetricFamily("netmon_ready", "1 when /readyz answers 200: every check ok.",
                                value=int(all(c.ok for c in checks.values())))
        ok = GaugeMetricFamily("netmon_check_ok", "1 when this readiness check passes.",
                               labels=["check"])
        for name, check in checks.items():
            ok.add_metric([name], int(check.ok))
        yield ok
        info = GaugeMetricFamily("netmon_build_info", "netmon's version and the database "
                                 "schema revision it runs with.", labels=["version", "schema"])
        info.add_metric([self.health.version, self.health.schema], 1)
        yield info
