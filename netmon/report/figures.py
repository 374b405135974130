"""Every figure of one committee report, gathered from the config, the store and the records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from netmon.alerts.incidents import Incident, overlapping
from netmon.alerts.uptime import UptimeRow, uptime_rows
from netmon.config.models import NetmonConfig
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.fibre.progress import ZoneProgress
from netmon.maps.build import build_layers
from netmon.maps.fibre_layers import rollout
from netmon.maps.fleet_now import ApNow, fleet_now
from netmon.maps.scenario import Scenario
from netmon.report.usage import ZoneUsage, zone_usage
from netmon.store.reader import SampleReader

if TYPE_CHECKING:
    import pandas as pd

    from geo.mapdata import MapLayers

INCIDENT_KINDS = ("zone_down", "ap_down", "flapping")


@dataclass(frozen=True)
class ReportFigures:
    config: NetmonConfig
    start_ns: int
    end_ns: int
    now_ns: int
    fleet: dict[str, ApNow]
    deployed: MapLayers  # every enabled AP counted
    current: MapLayers  # only the APs up now
    zone_uptime: list[UptimeRow]
    ap_uptime: list[UptimeRow]
    incidents: list[Incident]
    usage: ZoneUsage
    fibre: list[ZoneProgress]

    def coverage_table(self) -> pd.DataFrame:
        """Per target zone: land, deployed %, now %, APs up / total."""
        deployed = self.deployed.zones.drop(columns="geometry")
        now = self.current.zones.drop(columns="geometry")
        table = deployed[["id", "name", "land_km2", "coverage_pct", "aps_total"]].copy()
        table["now_pct"] = now["coverage_pct"].to_numpy()
        table["aps_up"] = now["aps_counted"].to_numpy()
        return table


def _incidents(conn: Connection, start_ns: int, end_ns: int) -> list[Incident]:
    """Zone incidents and the AP incidents not grouped under one, oldest first."""
    return [i for i in overlapping(conn, start_ns, end_ns, INCIDENT_KINDS)
            if i.kind != "ap_down" or i.parent_id is None]


def gather(config: NetmonConfig, start_ns: int, end_ns: int, now_ns: int) -> ReportFigures:
    """Read everything the report shows; a config without a store gives empty sections."""
    import pandas as pd

    from netmon.report.usage import ZoneUsage

    fleet = fleet_now(config, now_ns)
    progress = rollout(config)
    deployed = build_layers(config, now_ns, Scenario(assume_up=True), fleet, progress)
    current = build_layers(config, now_ns, Scenario(), fleet, progress)
    zones: list[UptimeRow] = []
    aps: list[UptimeRow] = []
    incidents: list[Incident] = []
    usage = ZoneUsage(pd.DataFrame())
    reader = DatabaseReader(database_url(config.store))
    try:
        if reader.ready():
            with reader.snapshot() as conn:
                zones, aps = uptime_rows(config, conn, start_ns, end_ns, now_ns)
                incidents = _incidents(conn, start_ns, end_ns)
            usage = zone_usage(config, SampleReader(reader, config.store), start_ns,
                               min(end_ns, now_ns))
    finally:
        reader.close()
    return ReportFigures(config, start_ns, end_ns, now_ns, fleet, deployed, current, zones, aps,
                         incidents, usage, progress)
