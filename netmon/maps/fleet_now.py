"""What each AP is doing now (the one fleet view) and its uptime over 30 days, read-only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from netmon.alerts.uptime import uptime_rows
from netmon.config.models import NetmonConfig
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.fleet.states import ShownState
from netmon.fleet.view import read_fleet
from netmon.store.reader import SampleReader

NS_PER_S: Final = 1_000_000_000
UPTIME_WINDOW_S: Final = 30 * 86_400
ApState = ShownState


@dataclass(frozen=True, slots=True)
class ApNow:
    """One AP as the fleet view shows it; `unknown` when not watched now."""

    state: ApState
    clients: float | None = None
    polled_ns: int | None = None
    uptime_30d_pct: float | None = None


def fleet_now(config: NetmonConfig, now_ns: int) -> dict[str, ApNow]:
    """Every configured AP by id; a config without a database yet gives every AP `unknown`."""
    reader = DatabaseReader(database_url(config.store))
    try:
        if not reader.ready():
            fleet = read_fleet(config, None, [], now_ns)
            return {k: ApNow(v.state) for k, v in fleet.items()}
        latest = SampleReader(reader, config.store).latest("ap")
        with reader.snapshot() as conn:
            fleet = read_fleet(config, conn, latest, now_ns)
            _, rows = uptime_rows(config, conn, now_ns - UPTIME_WINDOW_S * NS_PER_S, now_ns,
                                  now_ns)
    finally:
        reader.close()
    uptime = {r.id: r.uptime_pct for r in rows}
    return {k: ApNow(v.state, v.clients, v.polled_ns, uptime.get(k)) for k, v in fleet.items()}
