"""The record of incidents and events (the IT department's uptime evidence), and tracker state."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from netmon.alerts.settings import Severity


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
    paged: bool
    parent_id: int | None
    last_notice_ns: int | None
    reminders: int
    channels: list[str]

    @property
    def duration_s(self) -> float | None:
        return None if self.end_ns is None else (self.end_ns - self.start_ns) / 1e9


_COLUMNS = ("id, kind, subject, zone, start_ns, end_ns, cause, severity, planned, paged, "
            "parent_id, last_notice_ns, reminders, channels")


def _incident(row: tuple[Any, ...]) -> Incident:
    return Incident(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                    bool(row[8]), bool(row[9]), row[10], row[11], row[12], json.loads(row[13]))


@dataclass(frozen=True, slots=True)
class AlertEvent:
    id: int
    time_ns: int
    kind: str
    ap: str | None
    zone: str | None
    detail: dict[str, Any]


class IncidentBook:
    """Reads and writes `alert_incidents`, `alert_events` and `alert_state`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def open(self, kind: str, subject: str, zone: str, start_ns: int, cause: str | None,
             severity: Severity, planned: bool = False) -> int:
        cur = self.conn.execute(
            "INSERT INTO alert_incidents (kind, subject, zone, start_ns, cause, severity, planned)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, subject, zone, start_ns, cause, severity, int(planned)))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def close(self, incident_id: int, end_ns: int) -> Incident:
        self.conn.execute("UPDATE alert_incidents SET end_ns = ? WHERE id = ? AND end_ns IS NULL",
                          (end_ns, incident_id))
        return self.get(incident_id)

    def get(self, incident_id: int) -> Incident:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM alert_incidents WHERE id = ?",
                                (incident_id,)).fetchone()
        if row is None:
            raise KeyError(f"no incident {incident_id}")
        return _incident(row)

    def noticed(self, incident_id: int, now_ns: int, reminder: bool = False) -> None:
        """A notice about this incident went out (to the queue) at `now_ns`."""
        self.conn.execute(
            "UPDATE alert_incidents SET paged = 1, last_notice_ns = ?, "
            "reminders = reminders + ? WHERE id = ?", (now_ns, int(reminder), incident_id))

    def group(self, incident_id: int, parent_id: int | None) -> None:
        self.conn.execute("UPDATE alert_incidents SET parent_id = ? WHERE id = ?",
                          (parent_id, incident_id))

    def delivered(self, incident_id: int, channel: str) -> None:
        incident = self.get(incident_id)
        if channel not in incident.channels:
            self.conn.execute("UPDATE alert_incidents SET channels = ? WHERE id = ?",
                              (json.dumps([*incident.channels, channel]), incident_id))

    def overlapping(self, start_ns: int, end_ns: int, kinds: tuple[str, ...] = ("ap_down",),
                    ) -> list[Incident]:
        """Incidents of these kinds that overlap [start_ns, end_ns), oldest first."""
        marks = ",".join("?" * len(kinds))
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM alert_incidents WHERE kind IN ({marks}) AND start_ns < ? "
            "AND (end_ns IS NULL OR end_ns > ?) ORDER BY start_ns, id",
            (*kinds, end_ns, start_ns)).fetchall()
        return [_incident(r) for r in rows]

    def recent(self, limit: int = 50) -> list[Incident]:
        rows = self.conn.execute(f"SELECT {_COLUMNS} FROM alert_incidents "
                                 "ORDER BY start_ns DESC, id DESC LIMIT ?", (limit,)).fetchall()
        return [_incident(r) for r in rows]

    def record_event(self, time_ns: int, kind: str, ap: str | None, zone: str | None,
                     detail: dict[str, Any] | None = None) -> int:
        cur = self.conn.execute(
            "INSERT INTO alert_events (time_ns, kind, ap, zone, detail) VALUES (?, ?, ?, ?, ?)",
            (time_ns, kind, ap, zone, json.dumps(detail or {}, ensure_ascii=False)))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def events(self, kind: str | None = None, since_ns: int = 0) -> list[AlertEvent]:
        sql = "SELECT id, time_ns, kind, ap, zone, detail FROM alert_events WHERE time_ns >= ?"
        args: list[Any] = [since_ns]
        if kind is not None:
            sql += " AND kind = ?"
            args.append(kind)
        rows = self.conn.execute(sql + " ORDER BY time_ns, id", args).fetchall()
        return [AlertEvent(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    def load_state(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for subject, state in self.conn.execute("SELECT subject, state FROM alert_state"):
            yield subject, json.loads(state)

    def save_state(self, states: dict[str, str]) -> None:
        """Persist changed tracker states (subject -> JSON) in one transaction."""
        if not states:
            return
        with self.conn:
            self.conn.execute("BEGIN")
            self.conn.executemany(
                "INSERT INTO alert_state (subject, state) VALUES (?, ?) "
                "ON CONFLICT (subject) DO UPDATE SET state = excluded.state",
                list(states.items()))
