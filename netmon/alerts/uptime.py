"""Uptime per AP and per zone over a period, from the incident record, maintenance excluded.

An AP's monitored time is the period less its maintenance windows (its own and its zone's);
its downtime is the time its unplanned-or-not outages overlap that monitored time. A zone's
figures add up its APs' (AP-time up over AP-time monitored). Time netmon did not watch (not
running) counts as up: the record only knows outages it saw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from netmon.alerts.incidents import IncidentBook
from netmon.alerts.maintenance import Interval, MaintenanceCalendar, merge, overlap_ns
from netmon.config.models import NetmonConfig

NS_PER_S = 1_000_000_000


@dataclass(frozen=True, slots=True)
class UptimeRow:
    level: str  # "ap" or "zone"
    id: str
    name: str
    zone: str
    monitored_s: float
    down_s: float
    maintenance_s: float
    incidents: int
    longest_s: float

    @property
    def uptime_pct(self) -> float:
        if self.monitored_s <= 0:
            return 100.0
        return 100.0 * (self.monitored_s - self.down_s) / self.monitored_s


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


def uptime_rows(config: NetmonConfig, book: IncidentBook, start_ns: int, end_ns: int,
                now_ns: int, zone: str | None = None) -> tuple[list[UptimeRow], list[UptimeRow]]:
    """(zones, APs), each worst first."""
    calendar = MaintenanceCalendar(config.maintenance, config.timezone)
    end_ns = min(end_ns, max(start_ns, now_ns))  # the future is not uptime
    outages: dict[str, list[Interval]] = {}
    for incident in book.overlapping(start_ns, end_ns, ("ap_down",)):
        outages.setdefault(incident.subject, []).append(
            (incident.start_ns, incident.end_ns if incident.end_ns is not None else now_ns))
    aps: list[UptimeRow] = []
    for ap in config.aps:
        if not ap.enabled or (zone is not None and ap.zone != zone):
            continue
        planned = calendar.intervals(ap.id, ap.zone, start_ns, end_ns)
        planned_ns = sum(e - s for s, e in planned)
        down = _clip(merge(outages.get(ap.id, [])), start_ns, end_ns)
        down_ns = sum(e - s for s, e in down) - sum(overlap_ns(d, planned) for d in down)
        counted = [d for d in down if (d[1] - d[0]) - overlap_ns(d, planned) > 0]
        longest = max(((d[1] - d[0]) - overlap_ns(d, planned) for d in counted), default=0)
        aps.append(UptimeRow("ap", ap.id, ap.name, ap.zone,
                             (end_ns - start_ns - planned_ns) / NS_PER_S, down_ns / NS_PER_S,
                             planned_ns / NS_PER_S, len(counted), longest / NS_PER_S))
    zones: list[UptimeRow] = []
    for z in config.zones:
        rows = [r for r in aps if r.zone == z.id]
        if not rows:
            continue
        zones.append(UptimeRow(
            "zone", z.id, z.name, z.id, sum(r.monitored_s for r in rows),
            sum(r.down_s for r in rows), sum(r.maintenance_s for r in rows),
            sum(r.incidents for r in rows), max(r.longest_s for r in rows)))

    def worst_first(row: UptimeRow) -> tuple[float, float, str]:
        return row.uptime_pct, -row.down_s, row.id

    return sorted(zones, key=worst_first), sorted(aps, key=worst_first)
