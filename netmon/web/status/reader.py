"""Reads what the page and the API show: the store's newest values, incidents, fibre progress."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from typing import Final

from netmon.alerts.incidents import Incident, IncidentBook
from netmon.alerts.uptime import uptime_rows
from netmon.config.models import NetmonConfig
from netmon.fibre.snapshot import ProgressSnapshot
from netmon.store.base import LatestSeries, Store
from netmon.web.status.models import ApState, ApStatus, FibreZoneView, IncidentView, ZoneStatus

NS_PER_S: Final = 1_000_000_000
DAY_NS: Final = 86_400 * NS_PER_S
INCIDENT_KINDS: Final = ("ap_down", "zone_down", "flapping")
# Fields written only when the AP answered: their time is when it was last seen.
ANSWER_FIELDS: Final = ("uptime_s", "clients", "rx_bps", "tx_bps")


def utc(ns: int) -> datetime:
    return datetime.fromtimestamp(ns / NS_PER_S, UTC)


def moment(ns: int | None) -> datetime | None:
    return None if ns is None else utc(ns)


def _last_seen_ns(series: LatestSeries) -> int | None:
    times = [series.field_times_ns[f] for f in ANSWER_FIELDS if f in series.field_times_ns]
    if series.fields.get("up") == 1:
        times.append(series.field_times_ns["up"])
    return max(times, default=None)


class StatusReader:
    """One per monitor; every method is a read, safe from the web server's worker threads."""

    def __init__(self, config: NetmonConfig, store: Store) -> None:
        self.config = config
        self.store = store
        self.fibre_progress = ProgressSnapshot(config)
        self.zone_names = {z.id: z.name for z in config.zones}

    @contextmanager
    def _incident_book(self) -> Iterator[IncidentBook | None]:
        """Read-only: the page never writes; None before the alert tables exist."""
        path = self.config.store.path
        if not path.exists():
            yield None
            return
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                     check_same_thread=False)) as conn:
            found = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alert_incidents'")
            yield IncidentBook(conn) if found.fetchone() else None

    def _state(self, series: LatestSeries | None, interval_s: int, now_ns: int) -> ApState:
        if series is None or "up" not in series.fields:
            return "unknown"
        polled_ns = series.field_times_ns["up"]
        if now_ns - polled_ns > self.config.maps.stale_after_polls * interval_s * NS_PER_S:
            return "unknown"
        return "up" if series.fields["up"] == 1 else "down"

    def availability(self, now_ns: int, window_ns: int = DAY_NS
                     ) -> tuple[dict[str, float], dict[str, float]]:
        """Uptime % over the window from the incident record: (by zone, by AP)."""
        with self._incident_book() as book:
            if book is None:
                return {}, {}
            zones, aps = uptime_rows(self.config, book, now_ns - window_ns, now_ns, now_ns)
        return {r.id: r.uptime_pct for r in zones}, {r.id: r.uptime_pct for r in aps}

    def aps(self, now_ns: int) -> list[ApStatus]:
        latest = {s.tags["ap"]: s for s in self.store.latest("ap") if "ap" in s.tags}
        with self._incident_book() as book:
            open_ids = {} if book is None else {
                i.subject: i.id for i in book.overlapping(now_ns, now_ns + 1, ("ap_down",))}
        _, availability = self.availability(now_ns)
        out = []
        for ap in self.config.aps:
            series = latest.get(ap.id)
            interval_s = ap.interval_s or self.config.poll.interval_s
            state: ApState = "disabled" if not ap.enabled else self._state(series, interval_s,
                                                                          now_ns)
            fields = series.fields if series is not None else {}
            clients, uptime_s = fields.get("clients"), fields.get("uptime_s")
            answered = state == "up"
            out.append(ApStatus(
                id=ap.id, name=ap.name, zone=ap.zone, zone_name=self.zone_names[ap.zone],
                site=ap.site,
                status=state,
                clients=int(clients) if answered and isinstance(clients, int | float) else None,
                uptime_s=float(uptime_s) if answered and isinstance(uptime_s, int | float)
                else None,
                availability_24h_pct=availability.get(ap.id),
                last_seen=moment(_last_seen_ns(series)) if series is not None else None,
                last_poll=moment(series.field_times_ns.get("up")) if series is not None
                else None,
                open_incident=open_ids.get(ap.id), lat=ap.lat, lon=ap.lon))
        return out

    def zones(self, now_ns: int, aps: list[ApStatus] | None = None) -> list[ZoneStatus]:
        aps = self.aps(now_ns) if aps is None else aps
        availability, _ = self.availability(now_ns)
        fibre = {p.zone: p.pct_connectable for p in self.fibre()}
        out = []
        for zone in self.config.zones:
            mine = [a for a in aps if a.zone == zone.id and a.status != "disabled"]
            out.append(ZoneStatus(
                id=zone.id, name=zone.name, aps=len(mine),
                aps_up=sum(a.status == "up" for a in mine),
                aps_down=sum(a.status == "down" for a in mine),
                aps_unknown=sum(a.status == "unknown" for a in mine),
                clients=sum(a.clients or 0 for a in mine),
                availability_24h_pct=availability.get(zone.id),
                fibre_connectable_pct=fibre.get(zone.id)))
        return out

    def incidents(self, now_ns: int, open_only: bool, limit: int) -> list[IncidentView]:
        with self._incident_book() as book:
            if book is None:
                return []
            found = book.overlapping(now_ns, now_ns + 1, INCIDENT_KINDS) if open_only \
                else book.recent(limit)
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
