"""Which agents this poller owns when N pollers share one inventory (`shard: {index, count}`).

The hash of the agent's id (an AP's own id, or a controller's id for all the APs it reports,
so one controller is polled once) is stable across hosts, restarts and Python versions,
unlike `hash()`. Adding an AP moves no other AP; changing `count` re-deals the inventory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TypeVar

from collectors.snmp.poller import PollTarget
from netmon.export.settings import ShardSettings

T = TypeVar("T", bound=PollTarget)


def shard_of(agent_id: str, count: int) -> int:
    """The shard, 0..count-1, that owns the agent `agent_id`."""
    digest = hashlib.sha1(agent_id.encode("utf-8"), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "big") % count


def owned(targets: Sequence[T], shard: ShardSettings) -> list[T]:
    """The targets of this poller's shard (all of them when `count` is 1)."""
    if shard.count == 1:
        return list(targets)
    return [t for t in targets if shard_of(t.id, shard.count) == shard.index]
