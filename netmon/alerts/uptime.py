"""Uptime per AP and per zone over a period, from the incident record, maintenance excluded.

Only observed time counts: the spans netmon was watching (netmon.fleet observed spans). An
AP's monitored time is the observed part of the period less its maintenance windows (its
own and its zone's); its downtime is the time its outages overlap that monitored time. Time
netmon did not watch is unknown, never service: `observed_pct` says how much of the period
was watched, and an AP with no monitored time has no uptime figure at all (None), as
Zabbix's SLA reports do. A zone's figures add up its APs' (AP-time up over AP-time watched).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from netmon.alerts.incidents import overlapping
from netmon.alerts.maintenance import Interval, MaintenanceCalendar, merge, overlap_ns
from netmon.config.models import NetmonConfig
from netmon.fleet.record import observed

NS_PER_S = 1_000_000_000


@dataclass(frozen=True, slots=True)
class UptimeRow:
    level: str  # "ap" or "zone"
    id: str
    name: str
    zone: str
    monitored_s: float  # observed, less maintenance
    down_s: float
    maintenance_s: float
    incidents: int
    longest_s: float
    period_s: float = 0.0
    observed_s: float = 0.0

    @property
    def uptime_pct(self) -> float | None:
        """Service over monitored time; None when netmon watched none of the period."""
        if self.monitored_s <= 0:
            return None
        return 100.0 * (self.monitored_s - self.down_s) / self.monitored_s

    @property
    def observed_pct(self) -> float:
        return 100.0 * self.observed_s / self.period_s if self.period_s > 0 else 0.0


def parse_period(text: str, timezone: str) -> tuple[int, int]:
    """`2026-11-01..2026-11-30` (whole days, end included) or ISO datetimes -> [start, end) ns."""
    match = re.fullmatch(r"\s*(\S+?)\s*\.\.\s*(\S+)\s*", text)
    if match is None:
        raise ValueError(f"{text!r}: expected START..END, e.g. 2026-11-01..2026-11-30")
    tz = ZoneInfo(timezone)

    def moment(part: str, end: bool) -> datetime:
        try:
            if len(part) == 10:
                day = date.fromisoformat(part) + timedelta(days=1 if end else 0)
                return datetime.combine(day, datetime.min.time(), tz)
            value = datetime.fromisoformat(part)
        except ValueError as exc:
            raise ValueError(f"{part!r}: not a date (YYYY-MM-DD) nor a datetime") from exc
        return value if value.tzinfo else value.replace(tzinfo=tz)

    start, end = moment(match[1], False), moment(match[2], True)
    if end <= start:
        raise ValueError(f"{text!r}: the end is not after the start")
    return int(start.timestamp() * NS_PER_S), int(end.timestamp() * NS_PER_S)


def _clip(intervals: list[Interval], start: int, end: int) -> list[Interval]:
    return [(max(s, start), min(e, end)) for s, e in intervals if e > start and s < end]


def _within(intervals: list[Interval], spans: list[Interval]) -> list[Interval]:
    """The parts of `intervals` that lie inside `spans` (both sorted and merged)."""
    return [(max(s, a), min(e, b)) for s, e in intervals for a, b in spans
            if min(e, b) > max(s, a)]


def _length(intervals: list[Interval]) -> int:
    return sum(e - s for s, e in intervals)


def uptime_rows(config: NetmonConfig, conn: Connection, start_ns: int, end_ns: int,
                now_ns: int, zone: str | None = None) -> tuple[list[UptimeRow], list[UptimeRow]]:
    """(zones, APs), each worst first; rows without monitored time last."""
    calendar = MaintenanceCalendar(config.maintenance, config.timezone)
    end_ns = min(end_ns, max(start_ns, now_ns))  # the future is not uptime
    watched = observed(conn, start_ns, end_ns)
    outages: dict[str, list[Interval]] = {}
    for incident in overlapping(conn, start_ns, end_ns, ("ap_down",)):
        outages.setdefault(incident.subject, []).append(
            (incident.start_ns, incident.end_ns if incident.end_ns is not None else now_ns))
    aps: list[UptimeRow] = []
    for ap in config.aps:
        if not ap.enabled or (zone is not None and ap.zone != zone):
            continue
        planned = _within(merge(calendar.intervals(ap.id, ap.zone, start_ns, end_ns)), watched)
        planned_ns = _length(planned)
        down = _within(_clip(merge(outages.get(ap.id, [])), start_ns, end_ns), watched)
        down_ns = _length(down) - sum(overlap_ns(d, planned) for d in down)
        counted = [d for d in down if (d[1] - d[0]) - overlap_ns(d, planned) > 0]
        longest = max(((d[1] - d[0]) - overlap_ns(d, planned) for d in counted), default=0)
        aps.append(UptimeRow("ap", ap.id, ap.name, ap.zone,
                             (_length(watched) - planned_ns) / NS_PER_S, down_ns / NS_PER_S,
                             planned_ns / NS_PER_S, len(counted), longest / NS_PER_S,
                             (end_ns - start_ns) / NS_PER_S, _length(watched) / NS_PER_S))
    zones: list[UptimeRow] = []
    for z in config.zones:
        rows = [r for r in aps if r.zone == z.id]
        if not rows:
            continue
        zones.append(UptimeRow(
            "zone", z.id, z.name, z.id, sum(r.monitored_s for r in rows),
            sum(r.down_s for r in rows), sum(r.maintenance_s for r in rows),
            sum(r.incidents for r in rows), max(r.longest_s for r in rows),
            sum(r.period_s for r in rows), sum(r.observed_s for r in rows)))

    def worst_first(row: UptimeRow) -> tuple[bool, float, float, str]:
        pct = row.uptime_pct
        return pct is None, pct if pct is not None else 0.0, -row.down_s, row.id

    return sorted(zones, key=worst_first), sorted(aps, key=worst_first)
