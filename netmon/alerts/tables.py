"""The alert record in the one schema: incidents, events and the delivery queue."""

from __future__ import annotations

from typing import Final

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, Table, Text, UniqueConstraint

from netmon.db.metadata import metadata

incidents: Final = Table(
    "alert_incidents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("kind", Text, nullable=False),        # ap_down | zone_down | flapping
    Column("subject", Text, nullable=False),     # AP id or zone id
    Column("zone", Text, nullable=False),
    Column("start_ns", BigInteger, nullable=False),
    Column("end_ns", BigInteger),                # NULL while open
    Column("cause", Text),
    Column("severity", Text, nullable=False),
    Column("planned", Boolean, nullable=False, default=False),
    Column("paged", Boolean, nullable=False, default=False),
    Column("parent_id", Integer),                # the zone incident that grouped this one
    Column("last_notice_ns", BigInteger),
    Column("reminders", Integer, nullable=False, default=0),
    Column("channels", Text, nullable=False, default="[]"),  # JSON: channels that delivered
    # One incident per outage: a transition committed twice (a retry) cannot open two.
    UniqueConstraint("kind", "subject", "start_ns"),
    Index(None, "start_ns", "end_ns"),
)

events: Final = Table(
    "alert_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("time_ns", BigInteger, nullable=False, index=True),
    Column("kind", Text, nullable=False),        # rebooted | trap | ...
    Column("ap", Text),
    Column("zone", Text),
    Column("detail", Text, nullable=False, default="{}"),
)

deliveries: Final = Table(
    "alert_deliveries", metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", Text, nullable=False),
    Column("notice", Text, nullable=False),      # Notice as JSON
    Column("incident_id", Integer),
    Column("status", Text, nullable=False),      # pending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_ns", BigInteger, nullable=False),
    Column("next_attempt_ns", BigInteger, nullable=False),
    Column("done_ns", BigInteger),
    Column("last_error", Text),
    # incident:kind:status:reminder: one delivery per channel per incident transition,
    # however many pollers decide it (a takeover mid-outage, a retried commit).
    Column("transition", Text),
    # The head of a channel's queue is one index probe (LIMIT 1), however long the history.
    Index(None, "status", "channel", "id"),
    UniqueConstraint("channel", "transition"),
)
