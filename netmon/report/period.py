"""The report's period: given as START..END, or the committee's default, two whole months."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from netmon.alerts.uptime import parse_period

MONTHS_DEFAULT = 2  # the committee meets every two months


def default_period(today: date) -> str:
    """The two whole calendar months before `today`'s month, as START..END."""
    month_index = today.year * 12 + today.month - 1 - MONTHS_DEFAULT
    start = date(month_index // 12, month_index % 12 + 1, 1)
    first_of_this_month = today.replace(day=1)
    end = date.fromordinal(first_of_this_month.toordinal() - 1)
    return f"{start.isoformat()}..{end.isoformat()}"


def report_period(text: str | None, timezone: str) -> tuple[str, int, int]:
    """(the period as text, start ns, end ns); ValueError with the reason when unusable."""
    chosen = text or default_period(datetime.now(ZoneInfo(timezone)).date())
    start_ns, end_ns = parse_period(chosen, timezone)
    return chosen, start_ns, end_ns
