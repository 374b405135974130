"""Shard leases and the pollers holding them, in the one schema (used on PostgreSQL)."""

from __future__ import annotations

from typing import Final

from sqlalchemy import BigInteger, Column, Integer, Table, Text

from netmon.db.metadata import metadata

# One row per shard; a poller holds it while `expires_ns` (the database's clock) is ahead.
shard_leases: Final = Table(
    "shard_leases", metadata,
    Column("shard", Integer, primary_key=True, autoincrement=False),
    Column("poller", Text),                       # NULL: free
    Column("expires_ns", BigInteger, nullable=False),
    Column("epoch", BigInteger, nullable=False),  # +1 at every change of hands
)

# Pollers alive (heartbeat not expired): how many share the shards.
pollers: Final = Table(
    "cluster_pollers", metadata,
    Column("name", Text, primary_key=True),
    Column("expires_ns", BigInteger, nullable=False),
    Column("shards", Integer, nullable=False),    # the shard count it was configured with
)
