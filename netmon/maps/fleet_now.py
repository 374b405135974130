"""What each AP is doing now, from the store's latest `ap` values, and its uptime over 30 days."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from netmon.alerts.db import open_alert_db
from netmon.alerts.incidents import IncidentBook
from netmon.alerts.uptime import uptime_rows
from netmon.config.models import NetmonConfig
from netmon.store.sqlite import SqliteStore

NS_PER_S: Final = 1_000_000_000
UPTIME_WINDOW_S: Final = 30 * 86_400
ApState = Literal["up", "down", "unknown", "disabled"]


@dataclass(frozen=True, slots=True)
class ApNow:
    """One AP as the last poll saw it; `unknown` when never polled or not for a while."""

    state: ApState
    clients: float | None = None
    polled_ns: int | None = None
    uptime_30d_pct: float | None = None


def fleet_now(config: NetmonConfig, now_ns: int) -> dict[str, ApNow]:
    """Every configured AP by id; a config without a store yet gives every AP `unknown`."""
    latest: dict[str, tuple[int, dict[str, float | str]]] = {}
    uptime: dict[str, float] = {}
    if config.store.path.exists():
        store = SqliteStore(config.store)
        try:
            for series in store.latest("ap"):
                ap_id = series.tags.get("ap")
                if ap_id is not None:
                    latest[ap_id] = (series.field_times_ns.get("up", series.time_ns),
                                     series.fields)
        finally:
            store.close()
        conn = open_alert_db(config.store.path)
        try:
            _, rows = uptime_rows(config, IncidentBook(conn), now_ns - UPTIME_WINDOW_S * NS_PER_S,
                                  now_ns, now_ns)
        finally:
            conn.close()
        uptime = {r.id: r.uptime_pct for r in rows}
    fleet: dict[str, ApNow] = {}
    for ap in config.aps:
        if not ap.enabled:
            fleet[ap.id] = ApNow("disabled")
            continue
        seen = latest.get(ap.id)
        if seen is None:
            fleet[ap.id] = ApNow("unknown", uptime_30d_pct=uptime.get(ap.id))
            continue
        polled_ns, fields = seen
        interval_s = ap.interval_s or config.poll.interval_s
        stale = now_ns - polled_ns > config.maps.stale_after_polls * interval_s * NS_PER_S
        up = fields.get("up")
        state: ApState = "unknown" if stale or up is None else "up" if up == 1 else "down"
        clients = fields.get("clients")
        fleet[ap.id] = ApNow(state, float(clients) if isinstance(clients, int | float)
                             and state == "up" else None, polled_ns, uptime.get(ap.id))
    return fleet
