"""Progress per zone and for the town: % connectable, growth per quarter, gap to the plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from collectors.fibre.records import Milestone
from netmon.fibre.plan import planned_pct
from netmon.fibre.progress import RolloutProgress, quarterly
from tests.support.fibre_files import config_in, quarter_end

PLAN = [{"zone": "centre", "date": "2024-12-31", "connectable_pct": 80},
        {"zone": "centre", "date": "2025-12-31", "connectable_pct": 100}]


def m(day: date, zone: str, total: int, connectable: int, target: int | None = None,
      source: str = "milestones") -> Milestone:
    return Milestone(day, zone, "all", source, total, connectable, None, target)  # type: ignore[arg-type]


def test_quarterly_keeps_the_last_figure_of_each_quarter_and_its_gain() -> None:
    history = [(date(2025, 1, 15), 40.0), (date(2025, 3, 31), 42.0), (date(2025, 5, 1), 45.0),
               (date(2025, 6, 30), 47.5), (date(2025, 12, 31), 60.0)]
    figures = quarterly(history)
    assert [(f.quarter_end, f.pct, f.growth_pp) for f in figures] == [
        (date(2025, 3, 31), 42.0, None),
        (date(2025, 6, 30), 47.5, 5.5),
        (date(2025, 12, 31), 60.0, None),  # Q3 has no figure: no gain is claimed
    ]


def test_plan_is_interpolated_between_its_points() -> None:
    points = [(date(2024, 12, 31), 80.0), (date(2025, 12, 31), 100.0)]
    assert planned_pct(points, date(2024, 6, 30)) is None  # before the plan starts
    assert planned_pct(points, date(2024, 12, 31)) == 80.0
    assert planned_pct(points, date(2025, 7, 2)) == pytest.approx(90.0, abs=0.1)
    assert planned_pct(points, date(2027, 1, 1)) == 100.0


def test_progress_per_zone_with_plan_gap_and_town_last(tmp_path: Path) -> None:
    config = config_in(tmp_path, {"communes": ["73008"], "plan": PLAN})
    milestones = [m(quarter_end(2025, q), "centre", 1000, 700 + 50 * q) for q in (1, 2, 3)]
    milestones += [m(quarter_end(2025, q), "73008", 20000, 15000 + 1000 * q, target=19000)
                   for q in (1, 2)]
    rows = RolloutProgress(config).of(milestones)
    centre, town = rows
    assert (centre.label, centre.kind, town.label, town.kind) == \
        ("Centre-ville", "district", "Aix-les-Bains (73008)", "commune")
    assert centre.pct_connectable == pytest.approx(85.0)
    assert centre.growth_pp == pytest.approx(5.0)
    planned = 80 + 20 * 273 / 365  # 2025-09-30 is 273 days into the 80 -> 100 % year
    assert centre.planned_pct == pytest.approx(planned, abs=0.01)
    assert centre.gap_pp == pytest.approx(85.0 - planned, abs=0.01)
    assert centre.planned_completion == date(2025, 12, 31)
    assert [h[1] for h in centre.history] == pytest.approx([75.0, 80.0, 85.0])
    # No config plan for the town: the file's planned_target stands for it.
    assert town.planned_pct == pytest.approx(95.0)
    assert town.gap_pp == pytest.approx(85.0 - 95.0)
    assert town.projection.status == "not-enough-data"


def test_each_source_is_its_own_series(tmp_path: Path) -> None:
    config = config_in(tmp_path, {"communes": ["73008"]})
    rows = RolloutProgress(config).of([
        m(date(2025, 3, 31), "73008", 100, 50), m(date(2025, 3, 31), "73008", 90, 60,
                                                  source="arcep-communes")])
    assert [(r.source, r.pct_connectable) for r in rows] == \
        [("arcep-communes", pytest.approx(66.667, abs=0.01)), ("milestones", 50.0)]


def test_projection_uses_the_configured_number_of_quarters(tmp_path: Path) -> None:
    """A fast start then a slow end: only the recent, slow quarters set the pace."""
    config = config_in(tmp_path, {"projection_quarters": 4})
    pcts = [10, 30, 50, 70, 80, 81, 82, 83]
    quarters = [(2023, q) for q in (1, 2, 3, 4)] + [(2024, q) for q in (1, 2, 3, 4)]
    rows = RolloutProgress(config).of([m(quarter_end(y, q), "centre", 100, p)
                                       for (y, q), p in zip(quarters, pcts, strict=True)])
    projection = rows[0].projection
    assert projection.points_used == 4
    assert projection.slope_pp_per_quarter == pytest.approx(1.0, abs=0.05)
    assert projection.completion is not None and projection.completion.year >= 2028
