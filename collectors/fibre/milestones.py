"""netmon's own milestone CSV: one row per date, zone and operator (see README.md)."""

from __future__ import annotations

from datetime import date
from typing import Final

from collectors.fibre.labels import Column, find_header
from collectors.fibre.reading import TextTable, data_rows, parse_count, parse_day
from collectors.fibre.records import ALL_OPERATORS, FormatError, ImportResult, Milestone
from collectors.fibre.scope import ImportScope

COLUMNS: Final = (
    Column("date", ("date", "jour", "date releve", "as of")),
    Column("zone", ("zone", "district", "quartier", "secteur", "commune", "code insee")),
    Column("operator", ("operator", "operateur", "oi", "operateur d infrastructure"),
           required=False),
    Column("premises_total", ("premises_total", "premises total", "total premises", "locaux",
                              "locaux total", "logements locaux", "total")),
    Column("premises_connectable", ("premises_connectable", "connectable", "raccordables",
                                    "locaux raccordables"), required=False),
    Column("premises_connected", ("premises_connected", "connected", "raccordes",
                                  "locaux raccordes", "abonnes"), required=False),
    Column("planned_target", ("planned_target", "planned target", "target", "objectif",
                              "cible", "prevu"), required=False),
)
EXPECTED: Final = "date, zone, premises_total (optional: operator, premises_connectable, " \
                  "premises_connected, planned_target)"


def header_of(table: TextTable) -> tuple[int, dict[str, int]]:
    """Where the header is and which column holds what; FormatError when it is not ours."""
    match = find_header(table.rows, COLUMNS)
    if not match.complete:
        first = table.rows[match.index][1] if table.rows else []
        raise FormatError(
            f"{table.path}: not a netmon milestone CSV: expected the columns {EXPECTED}; "
            f"missing {', '.join(match.missing)} (header found: {', '.join(first) or 'none'})")
    return match.index, match.columns


def read_milestones(table: TextTable, scope: ImportScope) -> ImportResult:
    """Good rows become milestones; each bad row is rejected with its reason."""
    header_index, columns = header_of(table)
    header = table.rows[header_index][1]
    result = ImportResult(table.path, "milestones", header, table.delimiter)
    seen: dict[tuple[date, str, str], int] = {}
    for line, cells in data_rows(table, header_index, result):
        try:
            milestone = _milestone(cells, columns, scope, line)
        except ValueError as exc:
            result.reject(line, str(exc), cells)
            continue
        key = (milestone.day, milestone.zone, milestone.operator)
        if key in seen:
            result.reject(line, f"duplicate of line {seen[key]} (same date, zone and operator)",
                          cells)
            continue
        seen[key] = line
        result.milestones.append(milestone)
    return result


def _cell(cells: list[str], columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _milestone(cells: list[str], columns: dict[str, int], scope: ImportScope,
               line: int) -> Milestone:
    day = parse_day(_cell(cells, columns, "date"))
    zone_text = _cell(cells, columns, "zone")
    if not zone_text:
        raise ValueError("zone is empty")
    zone = scope.zone(zone_text)
    if zone is None:
        raise ValueError(f"unknown zone {zone_text!r} (known: {scope.known()})")
    total = parse_count(_cell(cells, columns, "premises_total"), "premises_total")
    if total is None:
        raise ValueError("premises_total is empty")
    connectable = parse_count(_cell(cells, columns, "premises_connectable"),
                              "premises_connectable")
    connected = parse_count(_cell(cells, columns, "premises_connected"), "premises_connected")
    target = parse_count(_cell(cells, columns, "planned_target"), "planned_target")
    if connectable is not None and connectable > total:
        raise ValueError(f"premises_connectable {connectable} > premises_total {total}")
    if connected is not None and connectable is not None and connected > connectable:
        raise ValueError(f"premises_connected {connected} > premises_connectable {connectable}")
    if connected is not None and connected > total:
        raise ValueError(f"premises_connected {connected} > premises_total {total}")
    if target is not None and target > total:
        raise ValueError(f"planned_target {target} > premises_total {total}")
    operator = _cell(cells, columns, "operator") or ALL_OPERATORS
    return Milestone(day, zone, operator, "milestones", total, connectable, connected, target,
                     line)
