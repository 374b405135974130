"""Clients and traffic per zone and per AP over a period, hour by hour.

Hourly means come from the store's 1 h rollups; the hours not rolled up yet (the last one, or
all of a short demo) from the raw points. A zone's figure for an hour is the sum of its APs'
mean clients in that hour: devices connected at once, on average. An AP's traffic in an hour
is its mean rx_bps + tx_bps that hour (bits per second) / 8 x 3600: bytes, assuming the mean
rate held the whole hour. An hour nothing was polled in is missing (NaN), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from netmon.config.models import NetmonConfig
from netmon.store.base import Store

if TYPE_CHECKING:
    import pandas as pd

NS_PER_HOUR: Final = 3_600 * 1_000_000_000
PEAK_HOURS: Final = 3
BITS_PER_BYTE: Final = 8
TRAFFIC_FIELDS: Final = ("rx_bps", "tx_bps")


def _no_frame() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame()


@dataclass(frozen=True)
class ZoneUsage:
    """Frames indexed by local hour start (the config's time zone).

    hourly: columns = zone ids (concurrent clients, mean); ap_clients: columns = AP ids (mean
    clients); ap_bytes: columns = AP ids (bytes sent + received in the hour).
    """

    hourly: pd.DataFrame
    ap_clients: pd.DataFrame = field(default_factory=_no_frame)
    ap_bytes: pd.DataFrame = field(default_factory=_no_frame)
    zone_of: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return bool(self.hourly.empty)

    def by_hour_of_day(self) -> pd.DataFrame:
        """Mean concurrent clients for each hour of the day (0-23), per zone."""
        return self.hourly.groupby(self.hourly.index.hour).mean()

    def by_hour_of_week(self) -> pd.DataFrame:
        """Mean concurrent clients per (weekday 0 = Monday, hour) slot, per zone; every one of
        the 7 x 24 slots present, NaN where nothing was polled."""
        import pandas as pd

        index = self.hourly.index
        means = self.hourly.groupby([index.day_of_week, index.hour]).mean()
        slots = pd.MultiIndex.from_product([range(7), range(24)], names=["weekday", "hour"])
        return means.reindex(slots)

    def by_week(self) -> pd.DataFrame:
        """Per ISO week (Monday start): mean and busiest hour, columns (stat, zone)."""
        import pandas as pd

        weekly = self.hourly.resample("W-MON", label="left", closed="left")
        return pd.concat({"mean": weekly.mean(), "peak": weekly.max()}, axis=1)

    def peak_hours(self) -> dict[str, list[int]]:
        """The PEAK_HOURS busiest hours of the day of each zone and of all zones together."""
        by_hour = self.by_hour_of_day()
        by_hour["all"] = by_hour.sum(axis=1, min_count=1)
        return {zone: [int(h) for h in by_hour[zone].dropna().nlargest(PEAK_HOURS).index]
                for zone in by_hour.columns}

    def total(self) -> pd.Series:
        """All zones together, per hour."""
        return self.hourly.sum(axis=1, min_count=1).dropna()

    def zone_bytes(self) -> pd.DataFrame:
        """Bytes per hour per zone (sum of its APs'); NaN where no AP of the zone had any."""
        if self.ap_bytes.empty:
            return _no_frame()
        zones = [self.zone_of.get(str(ap), "") for ap in self.ap_bytes.columns]
        return self.ap_bytes.T.groupby(zones).sum(min_count=1).T


def _months(index: pd.Index) -> pd.Index:
    """`2026-11` for each local hour of the index."""
    return index.strftime("%Y-%m")


def monthly_peak(usage: ZoneUsage) -> pd.DataFrame:
    """Per month and zone, the busiest hour's mean concurrent clients and when it was."""
    import pandas as pd

    rows = []
    for zone in usage.hourly.columns:
        values = usage.hourly[zone].dropna()
        for month, chunk in values.groupby(_months(values.index)):
            rows.append({"month": month, "zone": zone, "peak": float(chunk.max()),
                         "at": chunk.idxmax()})
    return pd.DataFrame(rows, columns=["month", "zone", "peak", "at"])


def monthly_bytes(usage: ZoneUsage) -> pd.DataFrame:
    """Per month (index `2026-11`), bytes per zone; NaN where no traffic was polled."""
    hourly = usage.zone_bytes()
    if hourly.empty:
        return _no_frame()
    return hourly.groupby(_months(hourly.index)).sum(min_count=1)


def zone_usage(config: NetmonConfig, store: Store, start_ns: int, end_ns: int
               ) -> ZoneUsage:
    """Hourly clients and traffic in [start_ns, end_ns), in the config's time zone."""
    import pandas as pd

    zone_of = {ap.id: ap.zone for ap in config.aps}
    clients = _ap_hours(store, zone_of, "clients", start_ns, end_ns)
    if clients.empty:
        return ZoneUsage(pd.DataFrame(), zone_of=zone_of)
    hourly = clients.groupby(["time_ns", "zone"])["value"].sum().unstack("zone")
    order = [z.id for z in config.zones if z.id in hourly.columns]
    hourly = _local(hourly[order + [c for c in hourly.columns if c not in order]],
                    config.timezone)
    ap_clients = _local(clients.pivot_table(index="time_ns", columns="ap", values="value"),
                        config.timezone)
    rates = [_ap_hours(store, zone_of, name, start_ns, end_ns) for name in TRAFFIC_FIELDS]
    both = pd.concat(rates)
    ap_bytes = pd.DataFrame()
    if not both.empty:
        rate = both.groupby(["time_ns", "ap"])["value"].sum().unstack("ap")
        ap_bytes = _local(rate * 3_600 / BITS_PER_BYTE, config.timezone)
    seen = pd.concat([clients, both])
    zone_of |= dict(zip(seen["ap"], seen["zone"], strict=True))
    return ZoneUsage(hourly, ap_clients, ap_bytes, zone_of)


def _local(frame: pd.DataFrame, timezone: str) -> pd.DataFrame:
    import pandas as pd

    frame = frame.sort_index()
    frame.index = pd.to_datetime(frame.index, unit="ns", utc=True).tz_convert(timezone)
    return frame


def _ap_hours(store: Store, zone_of: dict[str, str], name: str, start_ns: int, end_ns: int
              ) -> pd.DataFrame:
    """Hourly mean of one `ap` field per AP: columns time_ns, ap, zone, value."""
    import pandas as pd

    aps: list[str] = []
    zones: list[str] = []
    times: list[int] = []
    means: list[float] = []
    rolled_until = start_ns
    for series in store.series_rollup("ap", name, start_ns=start_ns, end_ns=end_ns,
                                      resolution="1h"):
        ap = series.tags.get("ap", "")
        aps.extend([ap] * len(series.points))
        zones.extend([zone_of.get(ap, series.tags.get("zone", ""))] * len(series.points))
        times.extend(p.time_ns for p in series.points)
        means.extend(p.mean for p in series.points)
        if series.points:
            rolled_until = max(rolled_until, series.points[-1].time_ns + NS_PER_HOUR)
    frame = pd.DataFrame({"time_ns": times, "ap": aps, "zone": zones, "value": means})
    if rolled_until < end_ns:
        frame = pd.concat([frame, _raw_hours(store, zone_of, name, rolled_until, end_ns)])
    return frame


def _raw_hours(store: Store, zone_of: dict[str, str], name: str, start_ns: int, end_ns: int
               ) -> pd.DataFrame:
    """Hourly mean of each AP's raw points, for the hours without a rollup."""
    import pandas as pd

    aps: list[str] = []
    zones: list[str] = []
    times: list[int] = []
    values: list[float] = []
    for series in store.series("ap", name, start_ns=start_ns, end_ns=end_ns,
                               resolution="raw"):
        ap = series.tags.get("ap", "")
        aps.extend([ap] * len(series.points))
        zones.extend([zone_of.get(ap, series.tags.get("zone", ""))] * len(series.points))
        times.extend(p.time_ns - p.time_ns % NS_PER_HOUR for p in series.points)
        values.extend(p.value for p in series.points)
    raw = pd.DataFrame({"ap": aps, "zone": zones, "time_ns": times, "value": values})
    # One frame, one groupby: a DataFrame per AP costs more than the points themselves.
    return raw.groupby(["ap", "zone", "time_ns"], as_index=False)["value"].mean()
