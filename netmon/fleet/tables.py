"""Fleet state in the one schema: each subject's committed state, and when netmon watched."""

from __future__ import annotations

from typing import Final

from sqlalchemy import BigInteger, Boolean, Column, Integer, Table, Text

from netmon.db.metadata import metadata

# Written only when a subject's state changes (a transition), never every cycle.
fleet_state: Final = Table(
    "fleet_state", metadata,
    Column("subject", Text, primary_key=True),   # 'ap:<id>' or 'zone:<id>'
    Column("state", Text, nullable=False),       # up | down | unknown
    Column("since_ns", BigInteger),              # when that state began
    Column("flapping", Boolean, nullable=False, default=False),
    Column("incident_id", Integer),              # the open outage
    Column("flap_incident_id", Integer),         # the open flapping incident
    Column("degraded_incident_id", Integer),     # the open "answers without data" incident
    Column("service_incident_id", Integer),      # the open "serves no one" incident
    Column("capacity_incident_id", Integer),     # the open overload (capacity) incident
    Column("updated_ns", BigInteger, nullable=False),
)

# Spans of time a poller was observing: time outside every span is unknown, never "up".
observed_spans: Final = Table(
    "observed_spans", metadata,
    Column("id", Integer, primary_key=True),
    Column("poller", Text, nullable=False),
    Column("start_ns", BigInteger, nullable=False),
    Column("end_ns", BigInteger, nullable=False),
)
