"""The record of incidents and events (the IT department's uptime evidence): reads, writes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from netmon.alerts.tables import events, incidents


@dataclass(frozen=True, slots=True)
class Incident:
    id: int
    kind: str
    subject: str
    zone: str
    start_ns: int
    end_ns: int | None
    cause: str | None
    severity: str
    planned: bool
    paged: bool = False
    parent_id: int | None = None
    last_notice_ns: int | None = None
    reminders: int = 0
    channels: list[str] = field(default_factory=list)

    @property
    def duration_s(self) -> float | None:
        return None if self.end_ns is None else (self.end_ns - self.start_ns) / 1e9

    def row(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "subject": self.subject, "zone": self.zone,
                "start_ns": self.start_ns, "end_ns": self.end_ns, "cause": self.cause,
                "severity": self.severity, "planned": self.planned, "paged": self.paged,
                "parent_id": self.parent_id, "last_notice_ns": self.last_notice_ns,
                "reminders": self.reminders, "channels": json.dumps(self.channels)}


@dataclass(frozen=True, slots=True)
class AlertEvent:
    time_ns: int
    kind: str
    ap: str | None
    zone: str | None
    detail: dict[str, Any]
    id: int | None = None  # None until recorded


_COLUMNS = [incidents.c[name] for name in (
    "id", "kind", "subject", "zone", "start_ns", "end_ns", "cause", "severity", "planned",
    "paged", "parent_id", "last_notice_ns", "reminders", "channels")]


def _incident(row: Sequence[Any]) -> Incident:
    values = list(row)
    values[8], values[9] = bool(values[8]), bool(values[9])
    values[13] = json.loads(values[13])
    return Incident(*values)


# -- reads: any connection, a reader's snapshot included ------------------------------------

def get(conn: Connection, incident_id: int) -> Incident:
    row = conn.execute(select(*_COLUMNS).where(incidents.c.id == incident_id)).first()
    if row is None:
        raise KeyError(f"no incident {incident_id}")
    return _incident(row)


def open_incidents(conn: Connection) -> list[Incident]:
    rows = conn.execute(select(*_COLUMNS).where(incidents.c.end_ns.is_(None))
                        .order_by(incidents.c.id))
    return [_incident(r) for r in rows]


def overlapping(conn: Connection, start_ns: int, end_ns: int,
                kinds: tuple[str, ...] = ("ap_down",)) -> list[Incident]:
    """Incidents of these kinds that overlap [start_ns, end_ns), oldest first."""
    rows = conn.execute(
        select(*_COLUMNS).where(
            incidents.c.kind.in_(kinds), incidents.c.start_ns < end_ns,
            or_(incidents.c.end_ns.is_(None), incidents.c.end_ns > start_ns))
        .order_by(incidents.c.start_ns, incidents.c.id))
    return [_incident(r) for r in rows]


def recent(conn: Connection, limit: int = 50) -> list[Incident]:
    rows = conn.execute(select(*_COLUMNS).order_by(incidents.c.start_ns.desc(),
                                                   incidents.c.id.desc()).limit(limit))
    return [_incident(r) for r in rows]


def recorded_events(conn: Connection, kind: str | None = None,
                    since_ns: int = 0) -> list[AlertEvent]:
    query = select(events.c.time_ns, events.c.kind, events.c.ap, events.c.zone,
                   events.c.detail, events.c.id).where(events.c.time_ns >= since_ns)
    if kind is not None:
        query = query.where(events.c.kind == kind)
    rows = conn.execute(query.order_by(events.c.time_ns, events.c.id))
    return [AlertEvent(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]


def next_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(incidents.c.id), 0))).scalar_one()) + 1


# -- writes: inside one of the owner's transactions -----------------------------------------

def save(conn: Connection, incident: Incident, new: bool) -> None:
    """Insert a new incident, or write every field of a known one."""
    if new:
        conn.execute(insert(incidents), [incident.row()])
    else:
        values = incident.row()
        del values["id"]
        conn.execute(update(incidents).where(incidents.c.id == incident.id).values(values))


def record_events(conn: Connection, found: list[AlertEvent]) -> None:
    if found:
        conn.execute(insert(events), [
            {"time_ns": e.time_ns, "kind": e.kind, "ap": e.ap, "zone": e.zone,
             "detail": json.dumps(e.detail, ensure_ascii=False)} for e in found])


def delivered(conn: Connection, incident_id: int, channel: str) -> None:
    """Note that `channel` delivered a notice of this incident (once per channel)."""
    row = conn.execute(select(incidents.c.channels).where(incidents.c.id == incident_id)).first()
    if row is None:
        return
    channels = json.loads(row[0])
    if channel not in channels:
        conn.execute(update(incidents).where(and_(incidents.c.id == incident_id))
                     .values(channels=json.dumps([*channels, channel])))
