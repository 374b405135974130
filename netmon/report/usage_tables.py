"""Usage as plain values, for the report and the status page alike: the hour-of-week heatmap
of each zone, the monthly peaks and traffic, the most and least used APs, the busiest hours.

None wherever nothing was polled: each reader words it as "no data", never as 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

from netmon.config.models import NetmonConfig
from netmon.report.usage import ZoneUsage, monthly_bytes, monthly_peak

if TYPE_CHECKING:
    import pandas as pd

USAGE_APS: Final = 5  # APs in each of the top and bottom lists
BUSIEST_SLOTS: Final = 5
BYTES_STEP: Final = 1000.0
BYTES_POWERS: Final = 4  # up to TB


@dataclass(frozen=True)
class Slot:
    """One hour of the week: weekday 0 = Monday, hour 0-23 (local), mean concurrent clients."""

    weekday: int
    hour: int
    clients: float


@dataclass(frozen=True)
class ZoneHeatmap:
    zone: str
    cells: list[list[float | None]]  # [weekday][hour]: mean concurrent clients
    highest: float | None

    def busiest(self) -> Slot | None:
        best = max(((c, d, h) for d, row in enumerate(self.cells) for h, c in enumerate(row)
                    if c is not None), default=None)
        return None if best is None else Slot(best[1], best[2], best[0])


@dataclass(frozen=True)
class MonthRow:
    month: str  # 2026-11
    zone: str
    peak: float | None  # the busiest hour's mean concurrent clients
    peak_at: datetime | None  # local start of that hour
    traffic_bytes: float | None


@dataclass(frozen=True)
class ApUse:
    id: str
    name: str
    zone: str
    mean_clients: float
    traffic_bytes: float | None
    busiest: Slot | None


@dataclass(frozen=True)
class UsageTables:
    heatmaps: list[ZoneHeatmap]
    months: list[MonthRow]
    top_aps: list[ApUse]  # most used first
    bottom_aps: list[ApUse]  # least used first
    silent_aps: list[str]  # enabled APs with no clients figure in the period
    busiest_slots: list[Slot]  # all zones together, busiest first


def _value(x: object) -> float | None:
    return None if x is None or x != x else float(x)  # type: ignore[arg-type]


def _slot(series: pd.Series) -> Slot | None:
    found = series.dropna()
    if found.empty:
        return None
    weekday, hour = found.idxmax()
    return Slot(int(weekday), int(hour), float(found.max()))


def heatmaps(usage: ZoneUsage) -> list[ZoneHeatmap]:
    """One 7 x 24 grid per zone (rows Monday..Sunday, local hours)."""
    if usage.empty:
        return []
    week = usage.by_hour_of_week()
    out = []
    for zone in week.columns:
        cells = [[_value(week[zone].loc[(d, h)]) for h in range(24)] for d in range(7)]
        out.append(ZoneHeatmap(str(zone), cells, _value(week[zone].max())))
    return out


def months(usage: ZoneUsage) -> list[MonthRow]:
    """Per month and zone: the peak hour and the traffic."""
    if usage.empty:
        return []
    peaks = monthly_peak(usage)
    traffic = monthly_bytes(usage)
    rows = []
    for month in sorted(set(peaks["month"])):
        for zone in usage.hourly.columns:
            found = peaks[(peaks["month"] == month) & (peaks["zone"] == zone)]
            peak = None if found.empty else found.iloc[0]
            sent = (traffic.loc[month, zone] if month in traffic.index
                    and zone in traffic.columns else None)
            rows.append(MonthRow(month, str(zone),
                                 None if peak is None else float(peak["peak"]),
                                 None if peak is None else peak["at"].to_pydatetime(),
                                 _value(sent)))
    return rows


def ap_uses(usage: ZoneUsage, config: NetmonConfig) -> list[ApUse]:
    """Every AP with a clients figure, most used first (mean clients, then traffic)."""
    if usage.ap_clients.empty:
        return []
    names = {ap.id: ap.name for ap in config.aps}
    index = usage.ap_clients.index
    by_slot = usage.ap_clients.groupby([index.day_of_week, index.hour]).mean()
    out = []
    for ap in usage.ap_clients.columns:
        mean = _value(usage.ap_clients[ap].mean())
        if mean is None:
            continue
        sent = (_value(usage.ap_bytes[ap].sum(min_count=1))
                if ap in usage.ap_bytes.columns else None)
        out.append(ApUse(str(ap), names.get(str(ap), str(ap)), usage.zone_of.get(str(ap), ""),
                         mean, sent, _slot(by_slot[ap])))
    return sorted(out, key=lambda a: (-a.mean_clients, -(a.traffic_bytes or 0.0), a.id))


def usage_tables(usage: ZoneUsage, config: NetmonConfig, count: int = USAGE_APS
                 ) -> UsageTables:
    uses = ap_uses(usage, config)
    top = min(count, (len(uses) + 1) // 2)
    bottom = min(count, len(uses) - top)
    heard = {a.id for a in uses}
    slots: list[Slot] = []
    if not usage.empty:
        total = usage.by_hour_of_week().sum(axis=1, min_count=1).dropna()
        slots = [Slot(int(d), int(h), float(v))
                 for (d, h), v in total.nlargest(BUSIEST_SLOTS).items()]
    return UsageTables(heatmaps(usage), months(usage), uses[:top],
                       list(reversed(uses))[:bottom],
                       [ap.id for ap in config.aps if ap.enabled and ap.id not in heard],
                       slots)


def scaled_bytes(value: float) -> tuple[float, int]:
    """(value in the largest fitting unit, its power of 1000): 0 B, 1 kB ... 4 TB."""
    power = 0
    while abs(value) >= BYTES_STEP and power < BYTES_POWERS:
        value /= BYTES_STEP
        power += 1
    return value, power
