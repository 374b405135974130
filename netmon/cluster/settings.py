"""The `cluster:` section: pollers sharing shards through the PostgreSQL database."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class ClusterSettings(BaseModel):
    """Shards are dealt among the live pollers by lease; their number never changes with them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Every poller of the cluster must say the same; more shards than pollers balances better.
    shards: Annotated[int, Field(ge=1, le=4096)] = 64
    # This poller's name in the lease table; default: host name and process id.
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    # How long a lease lives without a heartbeat; default: half the shortest poll interval,
    # so a dead poller's shards are polled again within two intervals.
    lease_s: Annotated[float, Field(ge=1, le=3600)] | None = None
