"""Clients expected of an AP at an hour of the week, learnt from its own history in the store.

For every AP and each of the 168 hours of the week (local time), the mean concurrent clients
of that hour in each past week. An hour *expects clients* when the lower quartile of those
weekly means reaches `min_expected_clients`: one quiet week in four (a holiday, a storm)
does not lower it, and an hour busy only now and then (a market day) never expects. With
fewer than `min_weeks` weeks of that hour, nothing is expected: too little history to judge.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from netmon.store.base import Store

NS_PER_HOUR: Final = 3_600 * 1_000_000_000
NS_PER_WEEK: Final = 168 * NS_PER_HOUR
HOURS_PER_WEEK: Final = 168


@dataclass(frozen=True, slots=True)
class Expectation:
    """What the weeks learnt say of one hour of the week."""

    low: float  # lower quartile of the weekly means
    median: float
    weeks: int


def hour_of_week(time_ns: int, tz: ZoneInfo) -> int:
    """0 = Monday 00:00-01:00 local time ... 167 = Sunday 23:00-24:00."""
    moment = datetime.fromtimestamp(time_ns / 1e9, tz)
    return moment.weekday() * 24 + moment.hour


def expectation(weekly_means: list[float]) -> Expectation:
    ordered = sorted(weekly_means)
    low = ordered[0] if len(ordered) == 1 else \
        statistics.quantiles(ordered, n=4, method="inclusive")[0]
    return Expectation(low, statistics.median(ordered), len(ordered))


@dataclass(slots=True)
class ClientBaseline:
    """Per AP, per hour of the week: the expectation, when there is history enough."""

    tz: ZoneInfo
    min_weeks: int
    learnt_ns: int = 0
    slots: dict[str, dict[int, Expectation]] = field(default_factory=dict)

    def expected(self, ap_id: str, time_ns: int) -> Expectation | None:
        found = self.slots.get(ap_id, {}).get(hour_of_week(time_ns, self.tz))
        return found if found is not None and found.weeks >= self.min_weeks else None

    @property
    def aps(self) -> int:
        return len(self.slots)


def learn(hours: Iterable[tuple[str, int, float]], tz: ZoneInfo, min_weeks: int,
          now_ns: int) -> ClientBaseline:
    """From (AP, hour start, mean clients of that hour) to a baseline."""
    weekly: dict[str, dict[int, list[float]]] = {}
    for ap_id, start_ns, mean in hours:
        weekly.setdefault(ap_id, {}).setdefault(hour_of_week(start_ns, tz), []).append(mean)
    slots = {ap: {slot: expectation(means) for slot, means in by_slot.items()}
             for ap, by_slot in weekly.items()}
    return ClientBaseline(tz, min_weeks, now_ns, slots)


def learn_from_store(store: Store, tz: ZoneInfo, history_weeks: int, min_weeks: int,
                     now_ns: int) -> ClientBaseline:
    """The baseline of every AP from the store's hourly rollups of `ap.clients`."""
    start = now_ns - history_weeks * NS_PER_WEEK
    hours = ((series.tags.get("ap", ""), point.time_ns, point.mean)
             for series in store.series_rollup("ap", "clients", start_ns=start, end_ns=now_ns,
                                               resolution="1h")
             for point in series.points)
    return learn(hours, tz, min_weeks, now_ns)
