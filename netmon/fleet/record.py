"""Writes and reads of the fleet state tables (netmon.fleet.tables)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from sqlalchemy import Connection, insert, select, update

from netmon.db.upsert import upsert
from netmon.fleet.states import ApDurable, ZoneDurable
from netmon.fleet.tables import fleet_state, observed_spans

Interval = tuple[int, int]
AP_PREFIX: Final = "ap:"
ZONE_PREFIX: Final = "zone:"


def save_states(conn: Connection, aps: Mapping[str, ApDurable],
                zones: Mapping[str, ZoneDurable], now_ns: int) -> None:
    rows = [{"subject": AP_PREFIX + k, "state": v.state, "since_ns": v.since_ns,
             "flapping": v.flapping, "incident_id": v.incident,
             "flap_incident_id": v.flap_incident,
             "degraded_incident_id": v.degraded_incident,
             "service_incident_id": v.service_incident,
             "capacity_incident_id": v.capacity_incident, "updated_ns": now_ns}
            for k, v in aps.items()]
    rows += [{"subject": ZONE_PREFIX + k, "state": "down" if v.down else "up",
              "since_ns": v.since_ns, "flapping": False, "incident_id": v.incident,
              "flap_incident_id": None, "degraded_incident_id": None,
              "service_incident_id": v.service_incident,
              "capacity_incident_id": v.capacity_incident, "updated_ns": now_ns}
             for k, v in zones.items()]
    upsert(conn, fleet_state, rows, ["subject"])


def load_states(conn: Connection) -> tuple[dict[str, ApDurable], dict[str, ZoneDurable]]:
    aps: dict[str, ApDurable] = {}
    zones: dict[str, ZoneDurable] = {}
    c = fleet_state.c
    for (subject, state, since, flapping, incident, flap_incident, degraded, service,
         capacity) in conn.execute(
            select(c.subject, c.state, c.since_ns, c.flapping, c.incident_id,
                   c.flap_incident_id, c.degraded_incident_id, c.service_incident_id,
                   c.capacity_incident_id)):
        if subject.startswith(AP_PREFIX):
            aps[subject[len(AP_PREFIX):]] = ApDurable(state, since, bool(flapping), incident,
                                                      flap_incident, degraded, service,
                                                      capacity)
        elif subject.startswith(ZONE_PREFIX):
            zones[subject[len(ZONE_PREFIX):]] = ZoneDurable(state == "down", since, incident,
                                                            service, capacity)
    return aps, zones


def extend_observed(conn: Connection, poller: str, span: Interval) -> None:
    """Netmon watched during `span`: extend the poller's last span, or start a new one.

    A gap shorter than the span itself (a cycle skipped because the previous one ran long)
    does not break it: netmon was running and watching; a longer one (netmon stopped) does.
    """
    start, end = span
    last = conn.execute(select(observed_spans.c.id, observed_spans.c.end_ns)
                        .where(observed_spans.c.poller == poller)
                        .order_by(observed_spans.c.end_ns.desc()).limit(1)).first()
    if last is not None and last[1] >= start - (end - start):
        if end > last[1]:
            conn.execute(update(observed_spans).where(observed_spans.c.id == last[0])
                         .values(end_ns=end))
        return
    conn.execute(insert(observed_spans), [{"poller": poller, "start_ns": start, "end_ns": end}])


def observed(conn: Connection, start_ns: int, end_ns: int) -> list[Interval]:
    """The spans (any poller's) overlapping [start_ns, end_ns), clipped to it, merged."""
    rows = conn.execute(select(observed_spans.c.start_ns, observed_spans.c.end_ns).where(
        observed_spans.c.start_ns < end_ns, observed_spans.c.end_ns > start_ns)
        .order_by(observed_spans.c.start_ns))
    out: list[Interval] = []
    for s, e in rows:
        s, e = max(s, start_ns), min(e, end_ns)
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def last_observed_ns(conn: Connection) -> int | None:
    """When the newest observation stops standing: after it, the fleet is not being watched."""
    row = conn.execute(select(observed_spans.c.end_ns)
                       .order_by(observed_spans.c.end_ns.desc()).limit(1)).first()
    return None if row is None else int(row[0])
