"""Keeps the client baseline fresh: relearnt off the loop, every `relearn_every_min`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from netmon.alerts.service_settings import ServiceSettings
from netmon.service.baseline import ClientBaseline, learn_from_store
from netmon.store.base import Store
from netmon.tasks import cancel_and_wait

log = logging.getLogger(__name__)
NS_PER_MIN = 60 * 1_000_000_000


class BaselineKeeper:
    def __init__(self, settings: ServiceSettings, tz: ZoneInfo, store: Store,
                 adopt: Callable[[ClientBaseline], None]) -> None:
        self.settings = settings
        self.tz = tz
        self.store = store
        self.adopt = adopt
        self.learnt_ns: int | None = None
        self.task: asyncio.Task[None] | None = None

    def due(self, now_ns: int) -> bool:
        return self.settings.enabled and (self.task is None or self.task.done()) and (
            self.learnt_ns is None
            or now_ns - self.learnt_ns >= self.settings.relearn_every_min * NS_PER_MIN)

    def maybe_relearn(self, now_ns: int) -> None:
        """Start a relearn in a thread when one is due; the tracker keeps the old one till then."""
        if self.due(now_ns):
            self.learnt_ns = now_ns
            self.task = asyncio.get_running_loop().create_task(self._learn(now_ns))

    async def _learn(self, now_ns: int) -> None:
        try:
            baseline = await asyncio.to_thread(
                learn_from_store, self.store, self.tz, self.settings.history_weeks,
                self.settings.min_weeks, now_ns)
        except Exception:
            log.exception("client baseline not relearnt (the previous one stays)")
            return
        self.adopt(baseline)
        log.info("client baseline learnt for %d APs", baseline.aps)

    async def stop(self) -> None:
        await cancel_and_wait(self.task)
