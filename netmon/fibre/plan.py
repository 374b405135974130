"""The plan a zone is held to: the share of premises connectable by each date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from netmon.fibre.settings import PlanPoint


def zone_plan(plan: Sequence[PlanPoint], zone: str) -> list[tuple[date, float]]:
    """The plan points of one zone, by date."""
    return sorted((p.date, p.connectable_pct) for p in plan if p.zone == zone)


def planned_pct(points: Sequence[tuple[date, float]], day: date) -> float | None:
    """Planned % on `day`, linear between plan points; None before the plan starts."""
    if not points or day < points[0][0]:
        return None
    days = [d.toordinal() for d, _ in points]
    return float(np.interp(day.toordinal(), days, [pct for _, pct in points]))


def planned_completion(points: Sequence[tuple[date, float]], completion_pct: float) -> date | None:
    """The first plan date at which the zone should be complete, if the plan says so."""
    return next((d for d, pct in points if pct >= completion_pct), None)
