"""TEMPORARY shim until the compact store lands: the old store behind the new API."""

from __future__ import annotations

from collections.abc import Sequence

from netmon.config.models import StoreSettings
from netmon.db.owner import DatabaseOwner
from netmon.off_loop import OffLoopSink
from netmon.sample import Sample
from netmon.store.sqlite import SqliteStore


class SampleStore:
    def __init__(self, owner: DatabaseOwner, settings: StoreSettings) -> None:
        self.inner = SqliteStore(settings)
        self.off = OffLoopSink(self.inner, "store-writer")
        self.rejected_values = 0

    def write(self, batch: Sequence[Sample]) -> None:
        self.off.write(batch)

    def flush(self) -> None:
        self.off.flush()

    async def drained(self) -> None:
        await self.off.drained()

    def close(self) -> None:
        self.off.close()

    def maintain(self, now_ns: int) -> None:
        self.inner.maintain(now_ns)
