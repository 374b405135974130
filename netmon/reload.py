"""SIGHUP: re-read the config and apply its inventory without a restart.

What a reload changes: the APs and controllers polled (added ones from the next cycle,
removed ones no longer), their addresses, credentials, profiles and intervals, and the APs
and zones the tracker decides. Committed states and open incidents stay as they are in the
database. Every other setting (poll timing, store, http, influxdb, alerts, traps, cluster,
shard, maintenance) is read only at start: a reload that changes one says so in the log and
leaves it as it was; restart for it. A config that does not load is refused whole: each
problem is logged with its file and key path, and the running config is kept.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from netmon.config import ConfigError, NetmonConfig
from netmon.export.shard import owned_inventory
from netmon.systemd import notify

if TYPE_CHECKING:
    from netmon.runtime import Monitor

log = logging.getLogger(__name__)
INVENTORY_KEYS = frozenset({"aps", "zones", "controllers", "groups", "defaults", "include",
                            "secrets_file"})


def restart_only_changes(old: NetmonConfig, new: NetmonConfig) -> list[str]:
    """Top-level settings that differ but apply only at start."""
    keys = set(type(old).model_fields) - INVENTORY_KEYS
    return sorted(k for k in keys if getattr(old, k) != getattr(new, k))


class Reloader:
    """Runs on the monitor's loop; one reload at a time, a second SIGHUP waits its turn."""

    def __init__(self, monitor: Monitor, load: Callable[[], NetmonConfig], where: str) -> None:
        self.monitor = monitor
        self.load = load
        self.where = where
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[bool]] = set()

    def request(self) -> None:
        """The SIGHUP handler: reloading reads files, so it runs as a task, not inline."""
        task = asyncio.get_running_loop().create_task(self.reload())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def reload(self) -> bool:
        async with self._lock:
            # MONOTONIC_USEC: newer systemd pairs a reload with its start time.
            notify("RELOADING=1", f"MONOTONIC_USEC={time.monotonic_ns() // 1000}",
                   "STATUS=reloading the inventory")
            try:
                return await self._reload()
            except Exception:  # a bug, not a bad file: say it, keep polling as before
                log.exception("reload of %s failed: restart netmon to apply the file",
                              self.where)
                return False
            finally:
                notify("READY=1", f"STATUS=polling {len(self.monitor.poller.targets)} agents")

    async def _reload(self) -> bool:
        old = self.monitor.config
        try:
            new = await asyncio.to_thread(self.load)
        except ConfigError as exc:
            for problem in exc.problems:
                log.error("reload of %s refused: %s", self.where, problem)
            log.error("reload of %s refused (%d problems): the running config is kept",
                      self.where, len(exc.problems))
            return False
        if old.cluster is not None or new.cluster is not None:
            log.warning("reload of %s: a cluster member's inventory changes only at restart "
                        "(its shards are leased on the inventory it started with)", self.where)
            return False
        changed = restart_only_changes(old, new)
        if changed:
            log.warning("reload of %s: %s changed, applied only at restart", self.where,
                        ", ".join(changed))
        before = {ap.id for ap in old.aps if ap.enabled}
        # The running settings with the new inventory: nothing restart-only applies halfway
        # (the shard split, too, stays the one started with).
        fields = type(old).model_fields
        applied = old.model_copy(update={k: getattr(new, k) for k in INVENTORY_KEYS
                                         if k in fields})
        await self.monitor.apply_inventory(owned_inventory(applied))
        after = {ap.id for ap in self.monitor.config.aps if ap.enabled}
        log.info("reloaded %s: %d APs (%d added, %d removed)", self.where, len(after),
                 len(after - before), len(before - after))
        return True
