"""LeaseKeeper: this poller's shards, claimed and renewed in PostgreSQL, given up when it dies.

Every heartbeat is one transaction on the database's clock (no clock skew between hosts):
register as alive, renew the leases held, then take free or expired shards up to a fair share
(shards / live pollers, rounded up) or give back what is above it. Row locks with SKIP LOCKED
make two pollers never take the same shard; a poller killed with -9 stops renewing and its
shards are free when its leases expire (half a poll interval by default).
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import socket
import time
from collections.abc import Callable
from typing import Final

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from netmon.cluster.settings import ClusterSettings
from netmon.tasks import cancel_and_wait

log = logging.getLogger(__name__)
NS_PER_S: Final = 1_000_000_000
BEATS_PER_LEASE: Final = 3
FORGET_POLLERS_AFTER_NS: Final = 3600 * NS_PER_S
DB_NOW: Final = text("SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000000)::bigint")


class ClusterMismatch(RuntimeError):
    """This poller's shard count differs from the cluster's: they would deal APs differently."""


class LeaseKeeper:
    """Holds `owned` (shard numbers); `on_change` hears every change of hands."""

    def __init__(self, url: URL, settings: ClusterSettings, interval_s: float) -> None:
        self.name = settings.name or f"{socket.gethostname()}-{os.getpid()}"
        self.shards = settings.shards
        lease_s = settings.lease_s or max(1.0, interval_s / 2)
        self.lease_ns = int(lease_s * NS_PER_S)
        self.beat_s = lease_s / BEATS_PER_LEASE
        self.engine = create_engine(url, poolclass=NullPool)
        self.owned: frozenset[int] = frozenset()
        self.on_change: Callable[[frozenset[int]], None] | None = None
        self._valid_until = 0.0  # monotonic: past it, leases not renewed are not ours
        self._task: asyncio.Task[None] | None = None

    # -- one heartbeat (blocking: run it in a thread) -------------------------------------------

    def setup(self) -> None:
        """Create the shard rows once; refuse a cluster dealt in another number of shards."""
        with self.engine.begin() as conn:
            # One poller at a time deals the shards: the first one creates them.
            conn.execute(text("LOCK TABLE shard_leases IN EXCLUSIVE MODE"))
            count = conn.execute(text("SELECT count(*) FROM shard_leases")).scalar_one()
            if count == 0:
                conn.execute(text(
                    "INSERT INTO shard_leases (shard, poller, expires_ns, epoch) "
                    "SELECT s, NULL, 0, 0 FROM generate_series(0, :n - 1) AS s"),
                    {"n": self.shards})
            elif count != self.shards:
                raise ClusterMismatch(
                    f"cluster.shards is {self.shards} here but the database has {count} "
                    "shards: every poller must use the same number (docs/cluster.md)")

    def renew(self) -> frozenset[int]:
        """One heartbeat transaction; the shards held after it (blocking: off the loop)."""
        started = time.monotonic()
        with self.engine.begin() as conn:
            owned = self._beat(conn)
        self._valid_until = started + self.lease_ns / NS_PER_S
        return owned

    def beat(self) -> frozenset[int]:
        """Renew and adopt, in the caller's thread (on_change runs there)."""
        owned = self.renew()
        self._adopt(owned)
        return owned

    def _beat(self, conn: Connection) -> frozenset[int]:
        now = int(conn.execute(DB_NOW).scalar_one())
        until = now + self.lease_ns
        conn.execute(text(
            "INSERT INTO cluster_pollers (name, expires_ns, shards) VALUES (:me, :until, :n) "
            "ON CONFLICT (name) DO UPDATE SET expires_ns = :until, shards = :n"),
            {"me": self.name, "until": until, "n": self.shards})
        conn.execute(text("DELETE FROM cluster_pollers WHERE expires_ns < :old"),
                     {"old": now - FORGET_POLLERS_AFTER_NS})
        live = int(conn.execute(text(
            "SELECT count(*) FROM cluster_pollers WHERE expires_ns > :now"),
            {"now": now}).scalar_one())
        mine = {int(s) for s in conn.execute(text(
            "UPDATE shard_leases SET expires_ns = :until WHERE poller = :me RETURNING shard"),
            {"me": self.name, "until": until}).scalars()}
        fair = math.ceil(self.shards / max(live, 1))
        if len(mine) < fair:
            mine |= {int(s) for s in conn.execute(text(
                "UPDATE shard_leases SET poller = :me, expires_ns = :until, epoch = epoch + 1 "
                "WHERE shard IN (SELECT shard FROM shard_leases WHERE poller IS NULL "
                "OR expires_ns < :now ORDER BY shard LIMIT :k FOR UPDATE SKIP LOCKED) "
                "RETURNING shard"),
                {"me": self.name, "until": until, "now": now, "k": fair - len(mine)}).scalars()}
        elif len(mine) > fair:
            extra = sorted(mine)[fair:]
            conn.execute(text(
                "UPDATE shard_leases SET poller = NULL, expires_ns = 0, epoch = epoch + 1 "
                "WHERE poller = :me AND shard = ANY(:extra)"),
                {"me": self.name, "extra": extra})
            mine -= set(extra)
        return frozenset(mine)

    def release(self) -> None:
        """A clean stop hands every shard over at once (no wait for the leases to expire)."""
        with self.engine.begin() as conn:
            conn.execute(text("UPDATE shard_leases SET poller = NULL, expires_ns = 0, "
                              "epoch = epoch + 1 WHERE poller = :me"), {"me": self.name})
            conn.execute(text("DELETE FROM cluster_pollers WHERE name = :me"),
                         {"me": self.name})
        self._adopt(frozenset())

    def _adopt(self, owned: frozenset[int]) -> None:
        if owned == self.owned:
            return
        gained, lost = sorted(owned - self.owned), sorted(self.owned - owned)
        log.info("poller %s now holds %d of %d shards (+%s -%s)", self.name, len(owned),
                 self.shards, gained or "[]", lost or "[]")
        self.owned = owned
        if self.on_change is not None:
            self.on_change(owned)

    # -- the heartbeat task ---------------------------------------------------------------------

    async def start(self) -> None:
        await asyncio.to_thread(self.setup)
        self._adopt(await asyncio.to_thread(self.renew))  # on_change runs on the loop
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.beat_s)
            try:
                self._adopt(await asyncio.to_thread(self.renew))
            except Exception as exc:  # the database is away: hold on until the leases lapse
                log.error("lease heartbeat of %s failed: %s", self.name, exc)
                if time.monotonic() > self._valid_until and self.owned:
                    log.error("leases of %s lapsed: polling nothing until the database "
                              "answers", self.name)
                    self._adopt(frozenset())

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        try:
            await asyncio.to_thread(self.release)  # adopts nothing held: on_change in a thread
        except Exception as exc:
            log.warning("could not hand the shards of %s over: %s (they lapse by themselves)",
                        self.name, exc)
        self.engine.dispose()
