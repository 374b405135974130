"""The suite's output: tables (Markdown, padded so they also read well in a terminal)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Check:
    """One target: what was measured against what was asked, met or not (None: not run)."""

    target: str
    measured: str
    goal: str
    met: bool | None

    @property
    def verdict(self) -> str:
        return {True: "met", False: "NOT MET", None: "not run"}[self.met]


@dataclass
class Section:
    title: str
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) \
            + " |"

    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *(line(r) for r in rows)])


def num(value: float, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def ratio(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}x"


def render(sections: list[Section], checks: list[Check]) -> str:
    parts = []
    for section in sections:
        parts.append(f"## {section.title}\n")
        if section.rows:
            parts.append(table(section.header, section.rows) + "\n")
        parts.extend(f"{note}\n" for note in section.notes)
    parts.append("## Targets\n")
    parts.append(table(["target", "measured", "goal", "verdict"],
                       [[c.target, c.measured, c.goal, c.verdict] for c in checks]) + "\n")
    return "\n".join(parts)
