"""What an importer gives back: milestones to store, rejected rows with their reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final, Literal

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


@dataclass(frozen=True, slots=True)
class Rejection:
    """One row (or one cell of a wide row) that was not imported, and why."""

    file: Path
    line: int
    reason: str
    cells: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(slots=True)
class ImportResult:
    """Everything one file gave: good milestones, rejections, rows that were not ours."""

    path: Path
    format: FormatName
    header: list[str]
    delimiter: str = ","
    milestones: list[Milestone] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    skipped: int = 0  # rows about other communes or zones: not errors, just not ours
    notes: list[str] = field(default_factory=list)
    # arcep-buildings only: a GeoDataFrame of the buildings in our zones and communes (WGS84).
    buildings: Any = None

    def reject(self, line: int, reason: str, cells: list[str] | tuple[str, ...] = ()) -> None:
        self.rejections.append(Rejection(self.path, line, reason, tuple(cells)))


class FormatError(Exception):
    """The file is not the expected format at all (or cannot be read): one message, no rows."""
