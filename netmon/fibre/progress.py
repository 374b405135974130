"""How far the rollout is, per zone and for the town: the figures the committee reviews."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Final, Literal

import pandas as pd

from netmon.config.models import NetmonConfig
from netmon.fibre.insee import insee_code
from netmon.fibre.milestone import Milestone
from netmon.fibre.plan import planned_completion, planned_pct, zone_plan
from netmon.fibre.projection import Projection, project_completion
from netmon.fibre.settings import FibreSettings

Kind = Literal["district", "commune"]
QUARTER_END: Final = "QE"
DEFAULT_SITE: Final = "netmon"


@dataclass(frozen=True, slots=True)
class QuarterFigure:
    """% connectable at the end of a quarter (its last figure) and the gain since the last."""

    quarter_end: date
    pct: float
    growth_pp: float | None


@dataclass(frozen=True, slots=True)
class ZoneProgress:
    """One series (zone, source, operator): where it stands, its trend, the plan, the end."""

    zone: str
    label: str
    kind: Kind
    source: str
    operator: str
    day: date
    premises_total: int | None
    premises_connectable: int | None
    premises_connected: int | None
    pct_connectable: float | None
    history: tuple[tuple[date, float], ...]  # (day, % connectable) for every figure
    quarters: tuple[QuarterFigure, ...]
    planned_pct: float | None  # from the config's plan, else the file's target
    gap_pp: float | None  # actual minus planned, in percentage points
    planned_completion: date | None
    projection: Projection

    @property
    def growth_pp(self) -> float | None:
        """Gain of the last quarter, in percentage points."""
        return self.quarters[-1].growth_pp if self.quarters else None

    @property
    def take_up_pct(self) -> float | None:
        """Connected premises among the connectable ones."""
        if self.premises_connected is None or not self.premises_connectable:
            return None
        return 100.0 * self.premises_connected / self.premises_connectable


def _pct(part: int | None, total: int | None) -> float | None:
    return None if part is None or not total else 100.0 * part / total


def _quarter_index(day: date) -> int:
    return day.year * 4 + (day.month - 1) // 3


def quarterly(history: Sequence[tuple[date, float]]) -> list[QuarterFigure]:
    """The last figure of each quarter that has one, with the gain over the previous quarter."""
    if not history:
        return []
    series = pd.Series([pct for _, pct in history],
                       index=pd.DatetimeIndex([pd.Timestamp(d) for d, _ in history]))
    ends = series.resample(QUARTER_END).last().dropna()
    figures: list[QuarterFigure] = []
    for stamp, pct in ends.items():
        day = stamp.date()
        previous = figures[-1] if figures else None
        # A gain is stated only between consecutive quarters.
        growth = (pct - previous.pct if previous is not None
                  and _quarter_index(day) - _quarter_index(previous.quarter_end) == 1 else None)
        figures.append(QuarterFigure(day, float(pct), None if growth is None else float(growth)))
    return figures


class RolloutProgress:
    """Turns the fibre history of one config into per-zone progress."""

    def __init__(self, config: NetmonConfig, settings: FibreSettings | None = None) -> None:
        self.config = config
        self.settings = settings or config.fibre or FibreSettings()
        self.names = {z.id: z.name for z in config.zones}
        self.order = [z.id for z in config.zones] + list(self.settings.communes)

    def label(self, zone: str) -> tuple[str, Kind]:
        """What the committee calls a zone, and whether it is a district or a commune."""
        if zone in self.names:
            return self.names[zone], "district"
        if insee_code(zone) is None:
            return zone, "district"  # a district no longer in the config: shown as it was
        single = len(self.settings.communes) == 1 and self.config.site != DEFAULT_SITE
        return (f"{self.config.site} ({zone})" if single else f"commune {zone}"), "commune"

    def of(self, milestones: Sequence[Milestone]) -> list[ZoneProgress]:
        """One entry per series: districts in config order, then the communes (the town)."""
        def series_key(m: Milestone) -> tuple[int, str, str, str]:
            rank = self.order.index(m.zone) if m.zone in self.order else len(self.order)
            return rank, m.zone, m.source, m.operator

        ordered = sorted(milestones, key=lambda m: (*series_key(m), m.day))
        return [self._series(list(group)) for _, group in groupby(ordered, key=series_key)]

    def _series(self, milestones: list[Milestone]) -> ZoneProgress:
        last = milestones[-1]
        history = tuple((m.day, pct) for m in milestones
                        if (pct := _pct(m.premises_connectable, m.premises_total)) is not None)
        quarters = quarterly(history)
        recent = [(q.quarter_end, q.pct) for q in quarters[-self.settings.projection_quarters :]]
        projection = project_completion(recent, self.settings.completion_pct)
        plan = zone_plan(self.settings.plan, last.zone)
        planned = planned_pct(plan, last.day) if plan else _pct(last.target, last.premises_total)
        actual = _pct(last.premises_connectable, last.premises_total)
        label, kind = self.label(last.zone)
        return ZoneProgress(
            zone=last.zone, label=label, kind=kind, source=last.source, operator=last.operator,
            day=last.day, premises_total=last.premises_total,
            premises_connectable=last.premises_connectable,
            premises_connected=last.premises_connected, pct_connectable=actual,
            history=history, quarters=tuple(quarters), planned_pct=planned,
            gap_pp=None if actual is None or planned is None else actual - planned,
            planned_completion=planned_completion(plan, self.settings.completion_pct),
            projection=projection)
