"""The day a snapshot file describes, read from its name (ARCEP names files by date/quarter)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

from collectors.fibre.quarters import quarter_end

DAY_IN_NAME: Final = re.compile(r"(?<!\d)(20\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])"
                                r"(?!\d)")


def day_from_name(path: Path) -> date | None:
    """`base_imb_20241231.csv` -> 2024-12-31, `2024T4_imb.csv` -> 2024-12-31; else None."""
    found = DAY_IN_NAME.search(path.stem)
    if found is not None:
        try:
            return date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            pass
    return quarter_end(path.stem.replace("_", " "))


def snapshot_day(path: Path, given: date | None) -> tuple[date, str]:
    """The day of a snapshot and where it came from: given, the file name, or its mtime."""
    if given is not None:
        return given, "given"
    named = day_from_name(path)
    if named is not None:
        return named, "file name"
    modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()
    return modified, "file modification time"
