"""The `fibre:` section of the config: what to import, when, and the plan to compare against."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Final, Literal

from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, ConfigDict, Field, field_validator

DAILY_AT_6: Final = "0 6 * * *"
InseeCode = Annotated[str, Field(pattern=r"^(\d{5}|2[AB]\d{3})$")]
Percent = Annotated[float, Field(ge=0, le=100)]
FormatChoice = Literal["milestones", "arcep-communes", "arcep-buildings"]


class _Strict(BaseModel):
    # Same rules as netmon.config.models (unknown keys rejected, frozen); not imported from
    # there because models.py imports this module.
    model_config = ConfigDict(extra="forbid", frozen=True)


class FibreImport(_Strict):
    """One file to import on schedule; the format is detected when not given."""

    path: Path
    format: FormatChoice | None = None


class PlanPoint(_Strict):
    """The share of premises a zone should be able to connect to FTTH by a date."""

    zone: str
    date: date
    connectable_pct: Percent


class FibreSettings(_Strict):
    """`fibre:` in the config. Paths are relative to the config file."""

    imports: list[FibreImport] = []
    watch_dir: Path | None = None
    schedule: str = DAILY_AT_6  # cron expression, in the config's timezone
    plan: list[PlanPoint] = []
    communes: list[InseeCode] = []
    # The projection fits a straight line on the last N quarters that have figures.
    projection_quarters: Annotated[int, Field(ge=2, le=40)] = 8
    # The rollout counts as complete at this share of premises connectable.
    completion_pct: Annotated[float, Field(gt=0, le=100)] = 100.0
    # A file with this share fewer rows than the last import of its format (a cut download)
    # is refused, unless `netmon fibre import --replace`.
    shrink_limit: Annotated[float, Field(gt=0, le=1)] = 0.2

    @field_validator("schedule")
    @classmethod
    def _cron(cls, v: str) -> str:
        try:
            CronTrigger.from_crontab(v)
        except ValueError as exc:
            raise ValueError(f"not a cron expression (minute hour day month weekday): "
                             f"{exc}") from exc
        return v

    @field_validator("communes")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a commune is listed twice")
        return v

    @field_validator("plan")
    @classmethod
    def _plan_order(cls, v: list[PlanPoint]) -> list[PlanPoint]:
        seen: set[tuple[str, date]] = set()
        for point in v:
            if (point.zone, point.date) in seen:
                raise ValueError(f"zone {point.zone!r} has two plan points on {point.date}")
            seen.add((point.zone, point.date))
        return v



def plan_problems(settings: FibreSettings, zone_ids: list[str], source: str) -> list[str]:
    """`file: fibre.plan[i].zone: unknown zone` for plan points naming no zone or commune."""
    known = [*zone_ids, *settings.communes]
    return [f"{source}: fibre.plan[{i}].zone: unknown zone {p.zone!r} "
            f"(known: {', '.join(known) or 'none'})"
            for i, p in enumerate(settings.plan) if p.zone not in known]
