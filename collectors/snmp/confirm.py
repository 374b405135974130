"""Confirmation polls: the APs a failed poll or a trap points at, polled now, off schedule."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from collectors.snmp.poller import ApPoller, PollTarget
from collectors.snmp.sockets import SessionPool
from netmon.config.models import NetmonConfig
from netmon.observation import Cycle

QUICK_SESSIONS = 64  # sockets kept for trap confirmations (a burst points at a few agents)


class SnmpConfirmer:
    """netmon.collector.Confirmer for SNMP: each agent once, however many APs ask for it."""

    def __init__(self, config: NetmonConfig, poller: ApPoller) -> None:
        self.poller = poller
        self._target_of: dict[str, PollTarget] = {
            ap.id: t for t in poller.targets for ap in t.aps}
        self._confirming: set[str] = set()
        # Trap confirmations: one quick try each, on copies of the targets (own endpoints).
        self._quick: ApPoller | None = None
        self._quick_targets: dict[str, PollTarget] = {}
        if config.traps is not None:
            quick = config.poll.model_copy(update={
                "timeout_s": min(config.poll.timeout_s, config.traps.confirm_timeout_s),
                "retries": 0})
            self._quick = ApPoller(quick, poller.catalog, [], SessionPool(QUICK_SESSIONS))

    def retarget(self, targets: list[PollTarget]) -> None:
        """A reloaded inventory: confirm through the targets polled now."""
        self._target_of = {ap.id: t for t in targets for ap in t.aps}
        for gone in self._quick_targets.keys() - {t.id for t in targets}:
            copy = self._quick_targets.pop(gone)
            if self._quick is not None and copy in self._quick.targets:
                self._quick.targets.remove(copy)
            if copy.session is not None:
                copy.session.close()

    async def confirm(self, ap_ids: Collection[str], quick: bool) -> Cycle | None:
        targets: dict[str, PollTarget] = {}
        for ap_id in ap_ids:
            target = self._target_of.get(ap_id)
            if target is not None and target.id not in self._confirming:
                targets[target.id] = target
        if not targets:
            return None
        self._confirming.update(targets)
        try:
            if quick and self._quick is not None:
                copies = [await self._quick_copy(t) for t in targets.values()]
                return await self._quick.poll(copies)
            return await self.poller.poll(list(targets.values()))
        finally:
            self._confirming.difference_update(targets)

    async def _quick_copy(self, target: PollTarget) -> PollTarget:
        assert self._quick is not None
        copy = self._quick_targets.get(target.id)
        if copy is None:
            # Its own session (one quick try), rows and fallbacks; no rates (states apart).
            copy = dataclasses.replace(target, session=None, indexes=dict(target.indexes),
                                       fallbacks=set(target.fallbacks), plans={}, states={})
            self._quick.targets.append(copy)
            self._quick.attach(copy)
            self._quick_targets[target.id] = copy
        copy.profile = target.profile
        return copy

    async def close(self) -> None:
        if self._quick is not None:
            await self._quick.close()
