"""The rollout table of `netmon fibre status`: one row per zone and source, the town last."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from netmon.fibre.progress import ZoneProgress


def _count(value: int | None) -> str:
    return "–" if value is None else f"{value:,}".replace(",", " ")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def _pp(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f} pp"


def progress_table(rows: Sequence[ZoneProgress], title: str) -> Table:
    """% connectable, last quarter's gain, the plan and the projected completion per series."""
    table = Table(title=title, title_justify="left")
    for name, justify in (("Zone", "left"), ("Source", "left"), ("As of", "left"),
                          ("Premises", "right"), ("Connectable", "right"), ("%", "right"),
                          ("Last quarter", "right"), ("Plan", "right"), ("Gap", "right"),
                          ("Projected completion", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    previous_kind = None
    for row in rows:
        if previous_kind == "district" and row.kind == "commune":
            table.add_section()  # the town below its districts
        previous_kind = row.kind
        source = row.source if row.operator == "all" else f"{row.source} ({row.operator})"
        gap_style = "" if row.gap_pp is None else ("green" if row.gap_pp >= 0 else "red")
        table.add_row(
            row.label if row.kind == "district" else f"[bold]{row.label}[/]",
            source, row.day.isoformat(), _count(row.premises_total),
            _count(row.premises_connectable), _pct(row.pct_connectable), _pp(row.growth_pp),
            _pct(row.planned_pct), f"[{gap_style}]{_pp(row.gap_pp)}[/]" if gap_style
            else _pp(row.gap_pp), row.projection.describe())
    return table


def quarters_table(row: ZoneProgress, last: int) -> Table:
    """The last `last` quarters of one series: % connectable and gain."""
    table = Table(title=f"{row.label} — {row.source}, by quarter", title_justify="left")
    table.add_column("Quarter end")
    table.add_column("%", justify="right")
    table.add_column("Gain", justify="right")
    for quarter in row.quarters[-last:]:
        table.add_row(quarter.quarter_end.isoformat(), _pct(quarter.pct), _pp(quarter.growth_pp))
    return table
