"""Which fibre format a file is in, and reading it with the right importer."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Final

from collectors.fibre import arcep_buildings, arcep_communes, milestones
from collectors.fibre.reading import TextTable, is_workbook, read_text_table, read_workbook_sheet
from collectors.fibre.records import FORMATS, FormatError, FormatName, ImportResult
from collectors.fibre.scope import ImportScope

EXPECTED_ANY: Final = (
    "a netmon milestone CSV (date, zone, premises_total, ...), an ARCEP commune workbook or "
    "sheet (Code commune, Meilleure estimation des locaux à date, T4 2017, ...) or an ARCEP "
    "base_imb file (x, y, imb_id, code_insee, imb_etat, ...)"
)


def read_table(path: Path, sheet: str | None = None) -> TextTable:
    """The rows of a file: the Communes sheet (or `sheet`) of a workbook, or a CSV whatever
    its dialect."""
    if is_workbook(path):
        return read_workbook_sheet(path, sheet or arcep_communes.SHEET)
    if sheet is not None:
        raise FormatError(f"{path}: --sheet {sheet!r} is for workbooks (.xlsx), not this file")
    if path.suffix.lower() == ".xls":
        raise FormatError(f"{path}: the old Excel .xls format is not read; save it as .xlsx "
                          f"or CSV")
    return read_text_table(path)


def detect_format(table: TextTable) -> FormatName:
    """The one format whose header the table has; FormatError naming what was expected."""
    if table.sheet is not None:
        return "arcep-communes"
    checks = (
        ("arcep-buildings", arcep_buildings.header_of),
        ("arcep-communes", arcep_communes.header_of),
        ("milestones", milestones.header_of),
    )
    for name, header_of in checks:
        try:
            header_of(table)
        except FormatError:
            continue
        return name  # type: ignore[return-value]  # names come from FORMATS
    first = next((cells for _, cells in table.rows if any(c.strip() for c in cells)), [])
    shown = ", ".join(first)[:200] or "an empty file"
    raise FormatError(f"{table.path}: not a fibre file netmon knows; expected {EXPECTED_ANY} "
                      f"(first row: {shown})")


def read_fibre_file(path: Path, scope: ImportScope, fmt: FormatName | None = None,
                    day: date | None = None, sheet: str | None = None) -> ImportResult:
    """Read one file in the given (or detected) format; FormatError when it is not that format."""
    if fmt is not None and fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    table = read_table(path, sheet)
    chosen = fmt or detect_format(table)
    if chosen == "milestones":
        result = milestones.read_milestones(table, scope)
    elif chosen == "arcep-communes":
        result = arcep_communes.read_arcep_communes(table, scope)
    else:
        result = arcep_buildings.read_arcep_buildings(table, scope, day)
    result.notes.insert(0, f"read as {chosen} ({table.describe()})")
    result.rows = sum(1 for _, cells in table.rows if any(c.strip() for c in cells))
    result.cut_line = table.cut_line
    return result
