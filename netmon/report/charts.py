"""The report's charts (matplotlib, no pyplot state), as PNG bytes."""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING, Final

from netmon.fibre.plan import zone_plan
from netmon.fibre.progress import ZoneProgress
from netmon.fibre.settings import PlanPoint
from netmon.report.texts import text
from netmon.report.usage import ZoneUsage

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

CHART_IN: Final = (7.5, 3.2)
DPI: Final = 130
PALETTE: Final = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
                  "#a6761d", "#666666")


def _figure() -> tuple[Figure, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=CHART_IN, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def usage_by_hour(usage: ZoneUsage, names: dict[str, str], language: str) -> bytes:
    """Mean concurrent clients per hour of the day, one line per zone."""
    fig, ax = _figure()
    by_hour = usage.by_hour_of_day()
    for i, zone in enumerate(by_hour.columns):
        ax.plot(by_hour.index, by_hour[zone], marker="o", markersize=3,
                color=PALETTE[i % len(PALETTE)], label=names.get(zone, zone))
    ax.set_xticks(range(0, 24, 2))
    ax.set_xlim(-0.5, 23.5)
    ax.set_xlabel(text(language, "hour"))
    ax.set_ylabel(text(language, "mean_clients"))
    ax.legend(frameon=False, fontsize=8)
    return _png(fig)


def usage_by_week(usage: ZoneUsage, names: dict[str, str], language: str) -> bytes:
    """Per week: mean concurrent clients (bars) and the busiest hour (dots), per zone."""
    import numpy as np

    fig, ax = _figure()
    weekly = usage.by_week()
    zones = list(weekly["mean"].columns)
    x = np.arange(len(weekly))
    width = 0.8 / max(len(zones), 1)
    for i, zone in enumerate(zones):
        colour = PALETTE[i % len(PALETTE)]
        offset = x + (i - (len(zones) - 1) / 2) * width
        ax.bar(offset, weekly["mean"][zone], width, color=colour, label=names.get(zone, zone))
        ax.plot(offset, weekly["peak"][zone], linestyle="", marker="_", markersize=10,
                color=colour)
    ax.set_xticks(x, [f"{d:%d/%m}" if language == "fr" else f"{d:%b %d}"
                      for d in weekly.index], fontsize=7, rotation=45 if len(x) > 12 else 0)
    ax.set_xlabel(text(language, "week"))
    ax.set_ylabel(text(language, "mean_clients"))
    ax.legend(frameon=False, fontsize=8, title=f"— {text(language, 'peak_clients')}",
              title_fontsize=7)
    return _png(fig)


def _dates(days: list[date]) -> np.ndarray:
    """Days as matplotlib's date numbers."""
    import matplotlib.dates as mdates
    import numpy as np

    return np.asarray(mdates.date2num(days), dtype=float)  # type: ignore[no-untyped-call]


def fibre_progress(rows: list[ZoneProgress], plan: list[PlanPoint], language: str) -> bytes:
    """% of premises connectable over time per series; the plan dashed in the same colour."""
    import matplotlib.dates as mdates

    fig, ax = _figure()
    for i, row in enumerate(rows):
        if not row.history:
            continue
        colour = PALETTE[i % len(PALETTE)]
        days = [d for d, _ in row.history]
        ax.plot(_dates(days), [p for _, p in row.history], color=colour, linewidth=1.8,
                label=f"{row.label} ({row.source})" if len(
                    {r.source for r in rows}) > 1 else row.label)
        points = zone_plan(plan, row.zone)
        if points:
            ax.plot(_dates([d for d, _ in points]), [pct for _, pct in points],
                    color=colour, linestyle="--", linewidth=1, marker="o", markersize=3)
    ax.set_ylim(0, 102)
    ax.set_ylabel("%")
    ax.xaxis.set_major_locator(mdates.YearLocator())  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    ax.set_xlim(right=float(_dates([max([date.today(), *(p.date for p in plan)])])[0]))
    ax.legend(frameon=False, fontsize=8, loc="lower right",
              title=f"- - {text(language, 'plan')}", title_fontsize=7)
    return _png(fig)
