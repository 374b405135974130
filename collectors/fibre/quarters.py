"""Quarter labels (`T4 2017`, `2017-T4`, `Q4 2017`, `4e trimestre 2017`) and their last day."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from collectors.fibre.labels import normalise

# (month, day) on which each quarter ends.
QUARTER_ENDS: Final = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
FIRST_YEAR: Final = 2000
LAST_YEAR: Final = 2099
PATTERNS: Final = (
    re.compile(r"(?<![a-z0-9])[tq]\s?(?P<q>[1-4])\s?(?P<y>\d{4})(?![0-9])"),
    re.compile(r"(?<![0-9])(?P<y>\d{4})\s?[tq]\s?(?P<q>[1-4])(?![0-9])"),
    re.compile(r"(?<![0-9])(?P<q>[1-4])\s?(?:e|er|eme|st|nd|rd|th)?\s?trimestre\s(?P<y>\d{4})"),
)


def quarter_of(label: str) -> tuple[int, int] | None:
    """(year, quarter) named in a label, or None when it names no quarter."""
    text = normalise(label)
    for pattern in PATTERNS:
        found = pattern.search(text)
        if found is not None:
            year, quarter = int(found["y"]), int(found["q"])
            if FIRST_YEAR <= year <= LAST_YEAR:
                return year, quarter
    return None


def quarter_end(label: str) -> date | None:
    """The last day of the quarter a label names: `T4 2017` -> 2017-12-31."""
    found = quarter_of(label)
    if found is None:
        return None
    year, quarter = found
    month, day = QUARTER_ENDS[quarter]
    return date(year, month, day)
