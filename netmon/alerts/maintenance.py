"""Maintenance windows: is an AP (or its zone) in planned work now, and when, over a period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from netmon.alerts.settings import MaintenanceWindow, parse_recurrence

NS_PER_S = 1_000_000_000
Interval = tuple[int, int]  # [start_ns, end_ns)


def _ns(moment: datetime) -> int:
    return int(moment.timestamp()) * NS_PER_S + moment.microsecond * 1000


def merge(intervals: Sequence[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union of intervals."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def overlap_ns(interval: Interval, others: Sequence[Interval]) -> int:
    """How much of `interval` the (merged) `others` cover."""
    start, end = interval
    return sum(max(0, min(end, e) - max(start, s)) for s, e in others)


class MaintenanceCalendar:
    """Every window of the config, expanded on demand; recurring ones in their own time zone."""

    def __init__(self, windows: Sequence[MaintenanceWindow], timezone: str = "UTC") -> None:
        self.windows = list(windows)
        self.timezone = timezone

    def _occurrences(self, window: MaintenanceWindow, start_ns: int, end_ns: int,
                     ) -> list[Interval]:
        tz = ZoneInfo(window.timezone or self.timezone)
        if window.every is None:
            assert window.start is not None and window.end is not None
            begin = window.start if window.start.tzinfo else window.start.replace(tzinfo=tz)
            finish = window.end if window.end.tzinfo else window.end.replace(tzinfo=tz)
            one = (_ns(begin), _ns(finish))
            return [one] if one[0] < end_ns and one[1] > start_ns else []
        days, at, until = parse_recurrence(window.every)
        out = []
        # From the day before the period (a window may pass midnight) to its last day.
        day = datetime.fromtimestamp(start_ns / NS_PER_S, tz).date() - timedelta(days=1)
        last = datetime.fromtimestamp(end_ns / NS_PER_S, tz).date()
        while day <= last:
            if day.weekday() in days:
                begin = datetime.combine(day, at, tz)
                finish_day = day + timedelta(days=1) if until <= at else day
                finish = datetime.combine(finish_day, until, tz)
                one = (_ns(begin), _ns(finish))
                if one[0] < end_ns and one[1] > start_ns:
                    out.append(one)
            day += timedelta(days=1)
        return out

    def _applies(self, window: MaintenanceWindow, ap_id: str | None, zone: str) -> bool:
        if window.ap is not None:
            return ap_id is not None and window.ap == ap_id
        return window.zone == zone

    def intervals(self, ap_id: str | None, zone: str, start_ns: int, end_ns: int,
                  ) -> list[Interval]:
        """Planned-work intervals for an AP (its own and its zone's), or a zone (ap_id None)."""
        found: list[Interval] = []
        for window in self.windows:
            if self._applies(window, ap_id, zone):
                found.extend((max(s, start_ns), min(e, end_ns))
                             for s, e in self._occurrences(window, start_ns, end_ns))
        return merge(found)

    def active(self, ap_id: str | None, zone: str, now_ns: int) -> MaintenanceWindow | None:
        """The window covering this AP or zone at `now_ns`, if any."""
        for window in self.windows:
            if self._applies(window, ap_id, zone) and \
                    self._occurrences(window, now_ns, now_ns + 1):
                return window
        return None


def utc_ns(moment: datetime) -> int:
    """Nanoseconds since the epoch of an aware datetime (naive means UTC)."""
    return _ns(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
