"""ARCEP's quarterly commune workbook (sheet "Communes"), or that sheet saved as CSV.

One row per commune: its code, its name, the best estimate of its premises, then one column
per quarter (`T4 2017`, `T1 2018`, ...) with the premises connectable to FTTH at its end.
Only the communes named in the config are kept; the others are counted as skipped.
"""

from __future__ import annotations

from typing import Final

from collectors.fibre.labels import Column, find_header
from collectors.fibre.quarters import quarter_end, quarter_of
from collectors.fibre.reading import TextTable, data_rows, parse_count
from collectors.fibre.records import ALL_OPERATORS, FormatError, ImportResult, Milestone
from collectors.fibre.scope import ImportScope, insee_code

SHEET: Final = "Communes"
NOTE_CHARS: Final = 80  # of a footnote row, shown on the console
COLUMNS: Final = (
    Column("code", ("code commune", "code insee", "insee com", "code commune insee",
                    "code de la commune", "codgeo", "insee")),
    Column("name", ("nom commune", "nom de la commune", "libelle commune", "commune", "libgeo"),
           required=False),
    Column("estimate", ("meilleure estimation des locaux a date", "meilleure estimation locaux",
                        "estimation locaux", "nombre de locaux", "locaux estimes", "locaux")),
)
EXPECTED: Final = ("an ARCEP commune sheet: the columns 'Code commune', 'Meilleure estimation "
                   "des locaux à date' and one column per quarter such as 'T4 2017'")


def is_quarter(label: str) -> bool:
    return quarter_of(label) is not None


def header_of(table: TextTable) -> tuple[int, dict[str, int], tuple[int, ...]]:
    """Header row, named columns and quarter columns; FormatError when the sheet is not ARCEP's."""
    match = find_header(table.rows, COLUMNS, extra_column=is_quarter)
    if not match.complete or not match.extra:
        first = table.rows[match.index][1] if table.rows else []
        lacking = list(match.missing) + ([] if match.extra else ["quarter columns (T4 2017...)"])
        shown = ", ".join(c for c in first if c) or "none"
        raise FormatError(f"{table.path} ({table.describe()}): not {EXPECTED}; missing "
                          f"{', '.join(lacking)} (header found: {shown[:300]})")
    return match.index, match.columns, match.extra


def read_arcep_communes(table: TextTable, scope: ImportScope) -> ImportResult:
    """A quarterly series per configured commune; coverage = connectable / best estimate."""
    header_index, columns, quarter_columns = header_of(table)
    header = table.rows[header_index][1]
    result = ImportResult(table.path, "arcep-communes", header, table.delimiter)
    quarters = [(i, quarter_end(header[i])) for i in quarter_columns]
    code_at, estimate_at = columns["code"], columns["estimate"]
    seen: dict[str, int] = {}
    for line, cells in data_rows(table, header_index, result):
        code_text = cells[code_at].strip() if code_at < len(cells) else ""
        code = insee_code(code_text)
        if code is None:
            _unreadable(result, line, cells, header[code_at], code_text)
            continue
        if code not in scope.communes:
            result.skipped += 1  # another commune: not an error, just not ours
            continue
        if code in seen:
            result.reject(line, f"commune {code} appears twice (first on line {seen[code]})",
                          cells)
            continue
        seen[code] = line
        try:
            estimate = parse_count(cells[estimate_at] if estimate_at < len(cells) else "",
                                   header[estimate_at])
        except ValueError as exc:
            result.reject(line, f"commune {code}: {exc}", cells)
            continue
        if not estimate:
            result.reject(line, f"commune {code}: {header[estimate_at]!r} is empty or zero",
                          cells)
            continue
        for index, day in quarters:
            assert day is not None  # quarter columns were chosen because they name a quarter
            text = cells[index] if index < len(cells) else ""
            try:
                connectable = parse_count(text, header[index])
            except ValueError as exc:
                result.reject(line, f"commune {code}, column {header[index]!r}: {exc}", cells)
                continue
            if connectable is None:
                continue  # no figure for that quarter yet
            if connectable > estimate:
                result.reject(line, f"commune {code}, column {header[index]!r}: connectable "
                              f"{connectable} > best estimate of premises {estimate}", cells)
                continue
            result.milestones.append(Milestone(day, code, ALL_OPERATORS, "arcep-communes",
                                               estimate, connectable, line=line))
    if not seen:
        result.notes.append(f"none of the communes {', '.join(scope.communes) or '(none set)'} "
                            f"is in this file")
    return result


def _unreadable(result: ImportResult, line: int, cells: list[str], column: str,
                code_text: str) -> None:
    """A row without a commune code: a one-cell footnote is noted, anything else rejected."""
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) == 1 and not code_text:
        result.notes.append(f"line {line}: a note, not a commune: {filled[0][:NOTE_CHARS]!r}")
        return
    # It may be one of ours, damaged: never counted as another commune's row.
    result.reject(line, f"no commune code: {column!r} is {code_text!r}", cells)

