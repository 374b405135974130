"""When will the rollout be complete? A straight line fitted on the recent quarters.

The date is where the fitted line reaches the completion share; its confidence interval is
Fieller's: the dates at which the line's own confidence band reaches that share. When the
trend is too flat for the band to ever close, the date is given without an upper bound.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Literal

import numpy as np
from scipy import stats

MIN_POINTS: Final = 3  # a line through two points has no uncertainty to state
CONFIDENCE: Final = 0.95
# Beyond this the projection says "not on the recent trend" rather than a date in 2300.
HORIZON_DAYS: Final = 50 * 365

Status = Literal["complete", "projected", "not-enough-data", "no-progress"]


@dataclass(frozen=True, slots=True)
class Projection:
    """The projected completion date with its confidence interval, or why there is none."""

    status: Status
    completion: date | None = None
    low: date | None = None
    high: date | None = None  # None while projected: the interval has no upper bound
    confidence: float = CONFIDENCE
    points_used: int = 0
    slope_pp_per_quarter: float | None = None

    def describe(self) -> str:
        """One line for a table: `2027-06 (2026-11 to 2028-01)`, the interval at `confidence`."""
        if self.status == "complete":
            reached = f" on {self.completion.isoformat()}" if self.completion else ""
            return f"complete (reached{reached})"
        if self.status == "not-enough-data":
            return f"not enough data ({self.points_used} quarter(s), need {MIN_POINTS})"
        if self.status == "no-progress":
            return f"no progress on the last {self.points_used} quarters"
        assert self.completion is not None
        low = _month(self.low) if self.low else "?"
        high = _month(self.high) if self.high else "open-ended"
        return f"{_month(self.completion)} ({low} to {high})"


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def project_completion(points: Sequence[tuple[date, float]], completion_pct: float = 100.0,
                       confidence: float = CONFIDENCE) -> Projection:
    """Fit pct = a + b·t on `points` (day, % connectable) and solve for completion_pct."""
    ordered = sorted(points)
    if not ordered:
        return Projection("not-enough-data", confidence=confidence)
    reached = next((d for d, pct in ordered if pct >= completion_pct), None)
    if ordered[-1][1] >= completion_pct:
        return Projection("complete", reached, confidence=confidence, points_used=len(ordered))
    if len(ordered) < MIN_POINTS:
        return Projection("not-enough-data", confidence=confidence, points_used=len(ordered))
    origin = ordered[0][0]
    x = np.array([(d - origin).days for d, _ in ordered], dtype=float)
    y = np.array([pct for _, pct in ordered], dtype=float)
    if np.ptp(x) == 0:
        return Projection("not-enough-data", confidence=confidence, points_used=len(ordered))
    fit = stats.linregress(x, y)
    slope, intercept = float(fit.slope), float(fit.intercept)
    per_quarter = slope * 365.25 / 4
    if slope <= 0:
        return Projection("no-progress", confidence=confidence, points_used=len(ordered),
                          slope_pp_per_quarter=per_quarter)
    centre = (completion_pct - intercept) / slope
    if centre - x[-1] > HORIZON_DAYS:
        return Projection("no-progress", confidence=confidence, points_used=len(ordered),
                          slope_pp_per_quarter=per_quarter)
    low, high = _fieller(x, y, slope, intercept, completion_pct, confidence)
    last = float(x[-1])

    def day_at(days: float | None) -> date | None:
        if days is None or days - last > HORIZON_DAYS:
            return None
        return origin + timedelta(days=round(max(days, last)))

    return Projection("projected", day_at(centre), day_at(low), day_at(high), confidence,
                      len(ordered), per_quarter)


def _fieller(x: np.ndarray, y: np.ndarray, slope: float, intercept: float, level: float,
             confidence: float) -> tuple[float | None, float | None]:
    """Days where the fitted line's confidence band crosses `level`: (low, high), or None ends."""
    n = len(x)
    x_mean, y_mean = float(x.mean()), float(y.mean())
    sxx = float(((x - x_mean) ** 2).sum())
    residual = y - (intercept + slope * x)
    s2 = float((residual**2).sum()) / (n - 2)
    q = float(stats.t.ppf((1 + confidence) / 2, n - 2))
    # |level - a - b·x| <= q·s·sqrt(1/n + (x - x̄)²/Sxx), as a quadratic in u = x - x̄.
    d = level - y_mean
    a = slope**2 - q**2 * s2 / sxx
    if a <= 0:
        return None, None  # the slope is not clearly above zero: no bounded interval
    disc = (d * slope) ** 2 - a * (d**2 - q**2 * s2 / n)
    root = math.sqrt(max(disc, 0.0))
    return x_mean + (d * slope - root) / a, x_mean + (d * slope + root) / a
