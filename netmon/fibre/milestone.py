"""A fibre milestone: premises counts of one zone on one day, from one source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

FormatName = Literal["milestones", "arcep-communes", "arcep-buildings"]
FORMATS: Final[tuple[FormatName, ...]] = ("milestones", "arcep-communes", "arcep-buildings")
# The operator tag when a file sums every operator (ARCEP's figures) or names none.
ALL_OPERATORS: Final = "all"


@dataclass(frozen=True, slots=True)
class Milestone:
    """Premises counts of one zone on one day, as one source reports them."""

    day: date
    zone: str  # a config zone id or an INSEE commune code
    operator: str
    source: FormatName
    premises_total: int | None
    premises_connectable: int | None
    premises_connected: int | None = None
    target: int | None = None
    line: int = 0  # where it came from, for messages

    @property
    def key(self) -> tuple[date, str, str, str]:
        """What makes two milestones the same fact: a later one replaces an earlier one."""
        return self.day, self.zone, self.operator, self.source
