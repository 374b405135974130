"""Which agents, APs and zones the shards this poller holds cover; the commit-time fence.

An AP is in the shard of its agent (itself, or the controller reporting it), so a controller
is polled by one poller; a zone is in a shard of its own, and its holder judges it on the
whole town's committed AP states. Shard numbers come from the same stable hash as `shard:`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import Connection, text

from netmon.alerts.decision import Decision
from netmon.config.models import NetmonConfig
from netmon.db import locks
from netmon.export.shard import agent_of, shard_of

ZONE_KEY: Final = "zone:"


class LeaseLost(RuntimeError):
    """A decision about an AP or zone whose shard this poller no longer holds."""


@dataclass(slots=True)
class Ownership:
    """Shard of every agent, AP and zone; `held` is what the lease keeper last said."""

    config: NetmonConfig
    shards: int
    poller: str
    held: frozenset[int] = frozenset()
    ap_shard: dict[str, int] = field(default_factory=dict)
    zone_shard: dict[str, int] = field(default_factory=dict)
    agent_shard: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Hashed once: every poll cycle asks which agents are this poller's.
        self.agent_shard = {agent: shard_of(agent, self.shards) for agent in
                            {*(agent_of(ap) for ap in self.config.aps),
                             *(c.id for c in self.config.controllers)}}
        self.ap_shard = {ap.id: self.agent_shard[agent_of(ap)] for ap in self.config.aps}
        self.zone_shard = {z.id: shard_of(ZONE_KEY + z.id, self.shards)
                           for z in self.config.zones}

    def owns_agent(self, agent_id: str) -> bool:
        shard = self.agent_shard.get(agent_id)
        return (shard if shard is not None else shard_of(agent_id, self.shards)) in self.held

    def aps(self) -> frozenset[str]:
        return frozenset(a for a, s in self.ap_shard.items() if s in self.held)

    def zones(self) -> frozenset[str]:
        return frozenset(z for z, s in self.zone_shard.items() if s in self.held)

    def fence(self, conn: Connection, decision: Decision) -> None:
        """Inside the commit: refuse a decision about a shard another poller holds now."""
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": locks.DECISIONS})
        held = {int(s) for s in conn.execute(text(
            "SELECT shard FROM shard_leases WHERE poller = :me FOR SHARE"),
            {"me": self.poller}).scalars()}
        needed = {self.ap_shard[a] for a in decision.aps if a in self.ap_shard} | {
            self.zone_shard[z] for z in decision.zones if z in self.zone_shard}
        if needed - held:
            raise LeaseLost(f"poller {self.poller} no longer holds shards "
                            f"{sorted(needed - held)}: decision dropped, the new holder decides")
