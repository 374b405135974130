"""The one read model of the fleet: what the page, API, maps, report and uptime all show.

An AP's state is the tracker's committed state (fleet_state), never re-derived from raw
polls, with three overlays every view applies the same way:
- `disabled` when the config says so;
- `unknown` when netmon is not watching (no observed span reaches now) or this AP has not
  been polled for `stale_after_polls` intervals: old news is not shown as current;
- `maintenance` when a window covers it and it is not up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection

from netmon.alerts.maintenance import MaintenanceCalendar
from netmon.config.models import NetmonConfig
from netmon.fleet.record import last_observed_ns, load_states
from netmon.fleet.states import UP, ShownState
from netmon.store.base import LatestSeries

NS_PER_S: Final = 1_000_000_000
# Fields written only when the AP answered: their time is when it was last seen.
ANSWER_FIELDS: Final = ("uptime_s", "clients", "rx_bps", "tx_bps")


@dataclass(frozen=True, slots=True)
class ApView:
    id: str
    state: ShownState
    flapping: bool = False
    since_ns: int | None = None  # when the committed state began
    incident_id: int | None = None  # the open outage
    polled_ns: int | None = None
    last_seen_ns: int | None = None
    clients: float | None = None  # only while up
    uptime_s: float | None = None  # only while up
    # Up, but its newest poll lacked the figures its profile reads (see ApObservation).
    degraded: bool = False
    # Up, but serving no one (an open silent incident: netmon/alerts/service.py).
    silent: bool = False


def _last_seen_ns(series: LatestSeries) -> int | None:
    times = [series.field_times_ns[f] for f in ANSWER_FIELDS if f in series.field_times_ns]
    if series.fields.get("up") == 1:
        times.append(series.field_times_ns["up"])
    return max(times, default=None)


def _degraded(series: LatestSeries) -> bool:
    """Written only when true: it holds only if it came with the newest poll."""
    return series.fields.get("degraded") == 1 and \
        series.field_times_ns.get("degraded") == series.field_times_ns.get("up")


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def read_fleet(config: NetmonConfig, conn: Connection | None, latest: Iterable[LatestSeries],
               now_ns: int) -> dict[str, ApView]:
    """Every configured AP by id; `conn` None (no database yet) shows every AP unknown."""
    committed, _ = load_states(conn) if conn is not None else ({}, {})
    watched_until = last_observed_ns(conn) if conn is not None else None
    by_ap = {s.tags["ap"]: s for s in latest if "ap" in s.tags}
    calendar = MaintenanceCalendar(config.maintenance, config.timezone)
    stale_polls = config.maps.stale_after_polls
    fleet: dict[str, ApView] = {}
    for ap in config.aps:
        if not ap.enabled:
            fleet[ap.id] = ApView(ap.id, "disabled")
            continue
        interval_ns = (ap.interval_s or config.poll.interval_s) * NS_PER_S
        series = by_ap.get(ap.id)
        polled = series.field_times_ns.get("up") if series is not None else None
        durable = committed.get(ap.id)
        # Watched: an observed span reaches (nearly) now, and this AP's newest poll is recent.
        watching = watched_until is not None and \
            now_ns <= watched_until + (stale_polls - 1) * interval_ns and \
            polled is not None and now_ns - polled <= stale_polls * interval_ns
        state: ShownState = "unknown"
        if durable is not None and watching and durable.state in ("up", "down"):
            state = "up" if durable.state == UP else "down"
        if state != "up" and calendar.active(ap.id, ap.zone, now_ns) is not None:
            state = "maintenance"
        fields = series.fields if series is not None else {}
        answered = state == "up"
        fleet[ap.id] = ApView(
            ap.id, state, durable.flapping if durable else False,
            durable.since_ns if durable else None, durable.incident if durable else None,
            polled, _last_seen_ns(series) if series is not None else None,
            _number(fields.get("clients")) if answered else None,
            _number(fields.get("uptime_s")) if answered else None,
            answered and series is not None and _degraded(series),
            answered and durable is not None and durable.service_incident is not None)
    return fleet
