"""Which APs this poller owns when N pollers share one inventory (`shard: {index, count}`).

An AP belongs to the shard of its agent: itself, or the controller that reports it, so one
controller is polled by one poller only. The hash (SHA-1 of the agent id) is the same on
every host, restart and Python version, unlike `hash()`; adding an AP moves no other AP.
The whole monitor (poller, alerts, metrics, store) sees only the owned part of the config.
"""

from __future__ import annotations

import hashlib

from netmon.config.models import AccessPoint, NetmonConfig


def shard_of(agent_id: str, count: int) -> int:
    """The shard, 0..count-1, that owns the agent `agent_id`."""
    digest = hashlib.sha1(agent_id.encode("utf-8"), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "big") % count


def agent_of(ap: AccessPoint) -> str:
    return ap.controller or ap.id


def owned_inventory(config: NetmonConfig) -> NetmonConfig:
    """The config with only this shard's APs and controllers (itself when `count` is 1)."""
    index, count = config.shard.index, config.shard.count
    if count == 1:
        return config
    return config.model_copy(update={
        "aps": [ap for ap in config.aps if shard_of(agent_of(ap), count) == index],
        "controllers": [c for c in config.controllers if shard_of(c.id, count) == index],
    })
