"""What an importer gives back: milestones to store, rejected rows with their reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netmon.fibre.milestone import ALL_OPERATORS, FORMATS, FormatName, Milestone

# The core's types, re-exported: importers build them, the core stores and shows them.
__all__ = ["ALL_OPERATORS", "FORMATS", "FormatError", "FormatName", "ImportResult", "Milestone",
           "Rejection"]


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
    # arcep-buildings only: the fewest premises its buildings hold (catg_loc_imb is a range).
    premises_at_least: int | None = None
    rows: int = 0  # non-blank rows of the file, header included: compared with its last import
    cut_line: int | None = None  # the file ends in the middle of this row

    def reject(self, line: int, reason: str, cells: list[str] | tuple[str, ...] = ()) -> None:
        self.rejections.append(Rejection(self.path, line, reason, tuple(cells)))


class FormatError(Exception):
    """The file is not the expected format at all (or cannot be read): one message, no rows."""
