"""Commit a Decision: incidents, events, fleet state and queued notices in ONE transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection

from netmon.alerts import incidents
from netmon.alerts.decision import Decision
from netmon.alerts.delivery import queue_notices
from netmon.alerts.notice import Notice
from netmon.fleet.record import extend_observed, save_states

Route = Callable[[Notice], Sequence[str]]
Fence = Callable[[Connection, Decision], None]


def commit_decision(conn: Connection, decision: Decision, route: Route,
                    poller: str, fence: Fence | None = None) -> Decision:
    """Write the decision (run by the database owner); returns it with real incident ids.

    `fence` (several pollers) raises first when this poller may not decide it any more.
    """
    if fence is not None:
        fence(conn, decision)
    first = incidents.next_id(conn)
    new_ids = {first - k - 1 for k in decision.incidents if k < 0}
    resolved = decision.with_ids(first)
    for incident in resolved.incidents.values():
        incidents.save(conn, incident, incident.id in new_ids)
    incidents.record_events(conn, resolved.events)
    save_states(conn, resolved.aps, resolved.zones, resolved.now_ns)
    queue_notices(conn, [(n, route(n)) for n in resolved.notices], resolved.now_ns)
    if resolved.observed is not None:
        extend_observed(conn, poller, resolved.observed)
    return resolved
