"""The projected completion date, and how sure it is, on series whose end is known."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from netmon.fibre.projection import project_completion
from tests.support.fibre_files import quarter_end, quarters_between

END = date(2028, 6, 30)


def linear_series(end: date, pct_per_quarter: float, quarters: list[tuple[int, int]],
                  noise_pp: float = 0.0, seed: int = 5) -> list[tuple[date, float]]:
    """% connectable on a straight line that reaches 100 % on `end`, plus Gaussian noise."""
    rng = random.Random(seed)
    per_day = pct_per_quarter * 4 / 365.25
    points = []
    for year, quarter in quarters:
        day = quarter_end(year, quarter)
        points.append((day, 100.0 - per_day * (end - day).days + rng.gauss(0, noise_pp)))
    return points


def test_exact_line_projects_its_known_end_date() -> None:
    points = linear_series(END, 3.0, quarters_between((2023, 1), (2024, 4)))
    projection = project_completion(points)
    assert projection.status == "projected"
    assert projection.completion is not None
    assert abs((projection.completion - END).days) <= 1
    assert projection.low == projection.completion == projection.high  # no noise, no doubt
    assert projection.slope_pp_per_quarter == pytest.approx(3.0)


def test_noisy_line_interval_contains_the_true_end_date() -> None:
    points = linear_series(END, 3.0, quarters_between((2022, 1), (2024, 4)), noise_pp=0.8)
    projection = project_completion(points)
    assert projection.status == "projected"
    assert projection.low is not None and projection.high is not None
    assert projection.completion is not None
    assert projection.low <= END <= projection.high
    assert abs((projection.completion - END).days) < 120
    assert (projection.high - projection.low) < timedelta(days=400)
    assert projection.low < projection.completion < projection.high


def test_coverage_of_the_interval_over_many_noisy_series() -> None:
    """A 95 % interval holds the true date in about 95 % of trials (well above 85 % here)."""
    quarters = quarters_between((2022, 1), (2024, 4))
    trials = 200
    hits = 0
    for seed in range(trials):
        projection = project_completion(linear_series(END, 3.0, quarters, 1.0, seed))
        if projection.low and projection.high and projection.low <= END <= projection.high:
            hits += 1
    assert hits / trials > 0.85


def test_more_noise_gives_a_wider_interval() -> None:
    quarters = quarters_between((2022, 1), (2024, 4))
    widths = []
    for noise in (0.2, 2.0):
        p = project_completion(linear_series(END, 3.0, quarters, noise))
        assert p.low is not None and p.high is not None
        widths.append((p.high - p.low).days)
    assert widths[0] < widths[1]


def test_flat_noisy_trend_has_no_upper_bound() -> None:
    points = linear_series(date(2040, 1, 1), 0.1, quarters_between((2023, 1), (2024, 4)), 2.0)
    projection = project_completion(points)
    assert projection.status in ("projected", "no-progress")
    if projection.status == "projected":
        assert projection.high is None
        assert "open-ended" in projection.describe()


def test_not_enough_data() -> None:
    projection = project_completion([(date(2024, 3, 31), 40.0), (date(2024, 6, 30), 45.0)])
    assert projection.status == "not-enough-data"
    assert projection.describe() == "not enough data (2 quarter(s), need 3)"
    assert project_completion([]).status == "not-enough-data"


def test_complete_says_when() -> None:
    points = [(date(2024, 3, 31), 98.0), (date(2024, 6, 30), 100.0), (date(2024, 9, 30), 100.0)]
    projection = project_completion(points)
    assert projection.status == "complete"
    assert projection.completion == date(2024, 6, 30)
    assert projection.describe() == "complete (reached on 2024-06-30)"


def test_falling_share_is_no_progress() -> None:
    """ARCEP's estimate of premises grows: the share can fall for a while."""
    points = [(quarter_end(2024, q), 90.0 - q) for q in (1, 2, 3, 4)]
    projection = project_completion(points)
    assert projection.status == "no-progress"
    assert projection.describe() == "no progress on the last 4 quarters"


def test_completion_threshold_is_configurable() -> None:
    points = linear_series(END, 3.0, quarters_between((2023, 1), (2024, 4)))
    projection = project_completion(points, completion_pct=97.0)
    assert projection.completion is not None
    assert abs((END - projection.completion).days - 91) <= 2  # one quarter earlier at 3 pp/qtr


def test_describe_gives_months() -> None:
    points = linear_series(END, 3.0, quarters_between((2022, 1), (2024, 4)), noise_pp=0.8)
    text = project_completion(points).describe()
    assert text.startswith("2028-0") and " to " in text
