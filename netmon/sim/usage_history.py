"""Made-up weeks of public Wi-Fi use: what a town-centre AP's clients look like over time.

For replays (tests, bench/bench_silent.py): each AP's mean clients follow the hour of the
week (next to nothing at night, a lunchtime peak, busier weekends), scaled per AP, times a
"weather" factor per day (some days are quiet for everyone) and near zero on holidays; each
look draws a Poisson count around that mean, so quiet hours do show runs of 0 clients.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

NS_PER_S: Final = 1_000_000_000
# Mean concurrent clients of a busy AP at each hour of a weekday (local time).
WEEKDAY_SHAPE: Final = (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.6, 2.0, 4.5, 6.5, 8.0, 10.0,
                        12.0, 12.0, 10.5, 10.0, 10.0, 10.5, 9.5, 7.5, 5.0, 3.0, 1.5, 0.6)
WEEKEND_FACTOR: Final = 1.3
HOLIDAY_FACTOR: Final = 0.05


@dataclass(frozen=True)
class TownUsage:
    tz: ZoneInfo
    seed: int = 1
    holidays: frozenset[date] = frozenset()
    # How much quieter the quietest days are (a rainy Tuesday): day factors in [1 - swing, 1].
    weather_swing: float = 0.5
    _days: dict[date, float] = field(default_factory=dict, compare=False)

    def scale(self, ap_id: str) -> float:
        """Each AP's share of the public: 0.5 to 1.5 of the shape."""
        return 0.5 + random.Random(f"{self.seed}:{ap_id}").random()

    def day_factor(self, day: date) -> float:
        known = self._days.get(day)
        if known is None:
            factor = 1 - self.weather_swing * random.Random(f"{self.seed}:{day}").random()
            known = self._days[day] = HOLIDAY_FACTOR if day in self.holidays else factor
        return known

    def mean(self, ap_id: str, time_ns: int) -> float:
        local = datetime.fromtimestamp(time_ns / NS_PER_S, self.tz)
        shape = WEEKDAY_SHAPE[local.hour] * (WEEKEND_FACTOR if local.weekday() >= 5 else 1)
        return shape * self.scale(ap_id) * self.day_factor(local.date())

    def clients(self, ap_id: str, time_ns: int) -> int:
        """One look: a Poisson draw around the mean, the same for the same AP and time."""
        return _poisson(self.mean(ap_id, time_ns), random.Random(f"{self.seed}:{ap_id}:{time_ns}"))

    def looks(self, ap_ids: list[str], start_ns: int, end_ns: int, step_s: float
              ) -> Iterator[tuple[int, str, int]]:
        """(time, AP, clients) every step_s over [start_ns, end_ns)."""
        step = int(step_s * NS_PER_S)
        for t in range(start_ns, end_ns, step):
            for ap_id in ap_ids:
                yield t, ap_id, self.clients(ap_id, t)


def _poisson(mean: float, rng: random.Random) -> int:
    """Knuth's method: exact and fast enough for the small means of one AP."""
    if mean <= 0:
        return 0
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
