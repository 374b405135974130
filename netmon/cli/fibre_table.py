"""The rollout tables of `netmon fibre status`: one row per zone and source, the town last."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from rich.table import Table

from netmon.fibre.progress import ZoneProgress

# Below this many columns the figures and the plan/projection are shown as two tables.
ONE_TABLE_MIN_WIDTH: Final = 120
STANDING: Final = ("As of", "Counts", "Total", "Connectable", "%", "Δ qtr")
OUTLOOK: Final = ("Plan", "Gap")


def _count(value: int | None) -> str:
    return "–" if value is None else f"{value:,}".replace(",", " ")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def _pp(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f} pp"


def _source(row: ZoneProgress) -> str:
    return row.source if row.operator == "all" else f"{row.source}, {row.operator}"


def _standing(row: ZoneProgress) -> list[str]:
    # ARCEP's base_imb counts buildings; every other source counts premises (locaux).
    unit = "buildings" if row.source == "arcep-buildings" else "premises"
    return [row.day.isoformat(), unit, _count(row.premises_total),
            _count(row.premises_connectable),
            _pct(row.pct_connectable), _pp(row.growth_pp)]


def _outlook(row: ZoneProgress) -> list[str]:
    gap = _pp(row.gap_pp)
    if row.gap_pp is not None:
        gap = f"[{'green' if row.gap_pp >= 0 else 'red'}]{gap}[/]"
    return [_pct(row.planned_pct), gap, row.projection.describe()]


def _table(rows: Sequence[ZoneProgress], title: str, numeric: Sequence[str],
           projection: bool) -> Table:
    sources = {_source(r) for r in rows}
    one_source = len(sources) == 1
    table = Table(title=f"{title} ({next(iter(sources))})" if one_source else title,
                  title_justify="left")
    table.add_column("Zone")
    if not one_source:
        table.add_column("Source")
    for name in numeric:
        table.add_column(name, justify="left" if name in ("As of", "Counts") else "right",
                         no_wrap=True)
    if projection:
        table.add_column("Projected completion")
    previous_kind = None
    for row in rows:
        if previous_kind == "district" and row.kind == "commune":
            table.add_section()  # the town below its districts
        previous_kind = row.kind
        cells = [row.label if row.kind == "district" else f"[bold]{row.label}[/]"]
        if not one_source:
            cells.append(_source(row))
        if STANDING[0] in numeric:
            cells += _standing(row)
        if projection:
            cells += _outlook(row)
        table.add_row(*cells)
    return table


def progress_tables(rows: Sequence[ZoneProgress], title: str, width: int) -> list[Table]:
    """% connectable, last quarter's gain, the plan and the projected completion per series."""
    if width >= ONE_TABLE_MIN_WIDTH:
        return [_table(rows, title, (*STANDING, *OUTLOOK), projection=True)]
    return [_table(rows, title, STANDING, projection=False),
            _table(rows, "Plan and projection", OUTLOOK, projection=True)]


def quarters_table(row: ZoneProgress, last: int) -> Table:
    """The last `last` quarters of one series: % connectable and gain."""
    table = Table(title=f"{row.label} ({_source(row)}), by quarter", title_justify="left")
    table.add_column("Quarter end")
    table.add_column("%", justify="right")
    table.add_column("Gain", justify="right")
    for quarter in row.quarters[-last:]:
        table.add_row(quarter.quarter_end.isoformat(), _pct(quarter.pct), _pp(quarter.growth_pp))
    return table
