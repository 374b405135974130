"""Reads what the page and the API show: the fleet view, incidents, availability, fibre."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import Connection

from netmon.alerts import incidents as record
from netmon.alerts.incidents import Incident
from netmon.alerts.uptime import UptimeRow, uptime_rows
from netmon.config.models import NetmonConfig
from netmon.db.reader import DatabaseReader
from netmon.fibre.snapshot import ProgressSnapshot
from netmon.fleet.view import read_fleet
from netmon.store.base import Store
from netmon.web.status.models import ApStatus, FibreZoneView, IncidentView, ZoneStatus

NS_PER_S: Final = 1_000_000_000
DAY_NS: Final = 86_400 * NS_PER_S
INCIDENT_KINDS: Final = ("ap_down", "zone_down", "flapping", "silent", "zone_silent")


def utc(ns: int) -> datetime:
    return datetime.fromtimestamp(ns / NS_PER_S, UTC)


def moment(ns: int | None) -> datetime | None:
    return None if ns is None else utc(ns)


class StatusReader:
    """One per monitor; every method is a read, safe from the web server's worker threads."""

    def __init__(self, config: NetmonConfig, database: DatabaseReader, samples: Store) -> None:
        self.config = config
        self.database = database
        self.samples = samples
        self.fibre_progress = ProgressSnapshot(config)
        self.zone_names = {z.id: z.name for z in config.zones}

    @contextmanager
    def _snapshot(self) -> Iterator[Connection | None]:
        """Read-only: the page never writes; None before netmon has created the database."""
        if not self.database.ready():
            yield None
            return
        with self.database.snapshot() as conn:
            yield conn

    def _availability(self, conn: Connection | None, now_ns: int,
                      ) -> tuple[dict[str, UptimeRow], dict[str, UptimeRow]]:
        if conn is None:
            return {}, {}
        zones, aps = uptime_rows(self.config, conn, now_ns - DAY_NS, now_ns, now_ns)
        return {r.id: r for r in zones}, {r.id: r for r in aps}

    def availability(self, now_ns: int, window_ns: int = DAY_NS,
                     ) -> tuple[dict[str, float | None], dict[str, float | None]]:
        """Uptime % over the window, from the incident record: (by zone, by AP)."""
        with self._snapshot() as conn:
            if conn is None:
                return {}, {}
            zones, aps = uptime_rows(self.config, conn, now_ns - window_ns, now_ns, now_ns)
        return {r.id: r.uptime_pct for r in zones}, {r.id: r.uptime_pct for r in aps}

    def aps(self, now_ns: int) -> list[ApStatus]:
        return self._aps(now_ns)[0]

    def _aps(self, now_ns: int) -> tuple[list[ApStatus], dict[str, UptimeRow]]:
        latest = self.samples.latest("ap") if self.database.ready() else []
        with self._snapshot() as conn:
            fleet = read_fleet(self.config, conn, latest, now_ns)
            zone_rows, ap_rows = self._availability(conn, now_ns)
        out = []
        for ap in self.config.aps:
            view = fleet[ap.id]
            row = ap_rows.get(ap.id)
            out.append(ApStatus(
                id=ap.id, name=ap.name, zone=ap.zone, zone_name=self.zone_names[ap.zone],
                site=ap.site, status=view.state, flapping=view.flapping, degraded=view.degraded,
                silent=view.silent,
                clients=int(view.clients) if view.clients is not None else None,
                uptime_s=view.uptime_s,
                availability_24h_pct=row.uptime_pct if row else None,
                observed_24h_pct=row.observed_pct if row else None,
                last_seen=moment(view.last_seen_ns), last_poll=moment(view.polled_ns),
                open_incident=view.incident_id if view.state == "down" else None,
                lat=ap.lat, lon=ap.lon))
        return out, zone_rows

    def zones(self, now_ns: int, aps: list[ApStatus] | None = None) -> list[ZoneStatus]:
        shown, zone_rows = self._aps(now_ns)
        aps = shown if aps is None else aps
        fibre = {p.zone: p.pct_connectable for p in self.fibre()}
        out = []
        for zone in self.config.zones:
            mine = [a for a in aps if a.zone == zone.id and a.status != "disabled"]
            row = zone_rows.get(zone.id)
            out.append(ZoneStatus(
                id=zone.id, name=zone.name, aps=len(mine),
                aps_up=sum(a.status == "up" for a in mine),
                aps_down=sum(a.status == "down" for a in mine),
                aps_unknown=sum(a.status == "unknown" for a in mine),
                aps_maintenance=sum(a.status == "maintenance" for a in mine),
                clients=sum(a.clients or 0 for a in mine),
                availability_24h_pct=row.uptime_pct if row else None,
                observed_24h_pct=row.observed_pct if row else None,
                fibre_connectable_pct=fibre.get(zone.id)))
        return out

    def incidents(self, now_ns: int, open_only: bool, limit: int) -> list[IncidentView]:
        with self._snapshot() as conn:
            if conn is None:
                return []
            found = record.overlapping(conn, now_ns, now_ns + 1, INCIDENT_KINDS) if open_only \
                else record.recent(conn, limit)
        return [_view(i, now_ns) for i in found[:limit]]

    def fibre(self) -> list[FibreZoneView]:
        return [FibreZoneView(zone=p.zone, label=p.label, day=p.day,
                              pct_connectable=p.pct_connectable, planned_pct=p.planned_pct,
                              projection=p.projection.describe())
                for p in self.fibre_progress.current()]


def _view(incident: Incident, now_ns: int) -> IncidentView:
    end_ns = incident.end_ns
    return IncidentView(
        id=incident.id, kind=incident.kind, subject=incident.subject, zone=incident.zone,
        start=utc(incident.start_ns), end=moment(end_ns),
        open=end_ns is None,
        duration_s=((end_ns if end_ns is not None else now_ns) - incident.start_ns) / NS_PER_S,
        cause=incident.cause, severity=incident.severity, planned=incident.planned)
