"""Clients per zone over a period: by hour of day, by week, and the peak hours.

Hourly means come from the store's 1 h rollups; the hours not rolled up yet (the last one, or
all of a short demo) from the raw points. A zone's figure for an hour is the sum of its APs'
mean clients in that hour: devices connected at once, on average.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from netmon.config.models import NetmonConfig
from netmon.store.base import Store

if TYPE_CHECKING:
    import pandas as pd

NS_PER_HOUR: Final = 3_600 * 1_000_000_000
PEAK_HOURS: Final = 3


@dataclass(frozen=True)
class ZoneUsage:
    """hourly: index = local hour start, columns = zone ids (concurrent clients, mean)."""

    hourly: pd.DataFrame

    @property
    def empty(self) -> bool:
        return bool(self.hourly.empty)

    def by_hour_of_day(self) -> pd.DataFrame:
        """Mean concurrent clients for each hour of the day (0-23), per zone."""
        return self.hourly.groupby(self.hourly.index.hour).mean()

    def by_week(self) -> pd.DataFrame:
        """Per ISO week (Monday start): mean and busiest hour, columns (stat, zone)."""
        import pandas as pd

        weekly = self.hourly.resample("W-MON", label="left", closed="left")
        return pd.concat({"mean": weekly.mean(), "peak": weekly.max()}, axis=1)

    def peak_hours(self) -> dict[str, list[int]]:
        """The PEAK_HOURS busiest hours of the day of each zone and of all zones together."""
        by_hour = self.by_hour_of_day()
        by_hour["all"] = by_hour.sum(axis=1)
        return {zone: [int(h) for h in by_hour[zone].nlargest(PEAK_HOURS).index]
                for zone in by_hour.columns}

    def total(self) -> pd.Series:
        """All zones together, per hour."""
        return self.hourly.sum(axis=1)


def zone_usage(config: NetmonConfig, store: Store, start_ns: int, end_ns: int
               ) -> ZoneUsage:
    """Hourly concurrent clients per zone in [start_ns, end_ns), in the config's time zone."""
    import pandas as pd

    zone_of = {ap.id: ap.zone for ap in config.aps}
    times: list[int] = []
    zones: list[str] = []
    means: list[float] = []
    rolled_until = start_ns
    for series in store.series_rollup("ap", "clients", start_ns=start_ns, end_ns=end_ns,
                                      resolution="1h"):
        zone = zone_of.get(series.tags.get("ap", ""), series.tags.get("zone", ""))
        for point in series.points:
            times.append(point.time_ns)
            zones.append(zone)
            means.append(point.mean)
        if series.points:
            rolled_until = max(rolled_until, series.points[-1].time_ns + NS_PER_HOUR)
    frame = pd.DataFrame({"time_ns": times, "zone": zones, "clients": means})
    if rolled_until < end_ns:
        frame = pd.concat([frame, _raw_hours(store, zone_of, rolled_until, end_ns)])
    if frame.empty:
        return ZoneUsage(pd.DataFrame())
    hourly = frame.groupby(["time_ns", "zone"])["clients"].sum().unstack("zone", fill_value=0.0)
    hourly.index = pd.to_datetime(hourly.index, unit="ns", utc=True).tz_convert(config.timezone)
    order = [z.id for z in config.zones if z.id in hourly.columns]
    return ZoneUsage(hourly[order + [c for c in hourly.columns if c not in order]])


def _raw_hours(store: Store, zone_of: dict[str, str], start_ns: int, end_ns: int
               ) -> pd.DataFrame:
    """Hourly mean of each AP's raw points, for the hours without a rollup."""
    import pandas as pd

    aps: list[str] = []
    zones: list[str] = []
    times: list[int] = []
    values: list[float] = []
    for series in store.series("ap", "clients", start_ns=start_ns, end_ns=end_ns,
                               resolution="raw"):
        ap = series.tags.get("ap", "")
        zone = zone_of.get(ap, series.tags.get("zone", ""))
        aps.extend([ap] * len(series.points))
        zones.extend([zone] * len(series.points))
        times.extend(p.time_ns - p.time_ns % NS_PER_HOUR for p in series.points)
        values.extend(p.value for p in series.points)
    raw = pd.DataFrame({"ap": aps, "zone": zones, "time_ns": times, "clients": values})
    # One frame, one groupby: a DataFrame per AP costs more than the points themselves.
    return raw.groupby(["ap", "zone", "time_ns"], as_index=False)["clients"].mean()[
        ["time_ns", "zone", "clients"]]
