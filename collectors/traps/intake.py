"""Which APs a trap is about: by the sender's address, or by the AP name a controller sends."""

from __future__ import annotations

from dataclasses import dataclass

from collectors.traps.catalog import TrapCatalog, TrapKind
from collectors.traps.receiver import Trap
from netmon.config.models import NetmonConfig

SYS_NAME = "1.3.6.1.2.1.1.5.0"


@dataclass(frozen=True, slots=True)
class TrapVerdict:
    kind: TrapKind
    aps: list[str]  # empty: from an unknown source, or about no AP netmon watches
    reporter: str | None  # the AP or controller id that sent it


class TrapIntake:
    def __init__(self, config: NetmonConfig, catalog: TrapCatalog) -> None:
        self.catalog = catalog
        self.direct_by_host: dict[str, list[str]] = {}
        self.names: dict[str, str] = {}
        for ap in config.aps:
            if not ap.enabled:
                continue
            if ap.controller is None and ap.host:
                self.direct_by_host.setdefault(ap.host, []).append(ap.id)
            self.names[ap.name] = ap.id
            if ap.controller_name:
                self.names[ap.controller_name] = ap.id
        self.controllers_by_host: dict[str, str] = {c.id: c.host for c in config.controllers}
        self.controller_at = {c.host: c.id for c in config.controllers}
        self.served = {c.id: {ap.id for ap in config.aps if ap.controller == c.id}
                       for c in config.controllers}

    def judge(self, trap: Trap) -> TrapVerdict:
        kind = self.catalog.classify(trap.trap_oid)
        named = self.catalog.ap_name(kind, trap.varbinds)
        controller = self.controller_at.get(trap.source)
        if controller is not None:
            ap = self.names.get(named or "")
            aps = [ap] if ap is not None and ap in self.served[controller] else []
            return TrapVerdict(kind, aps, controller)
        candidates = self.direct_by_host.get(trap.source, [])
        if len(candidates) > 1:
            # Several APs behind one address (NAT, or the demo on 127.0.0.1): sysName decides.
            by_name = self.names.get(trap.varbinds.get(SYS_NAME, "") or named or "")
            candidates = [by_name] if by_name in candidates else candidates
        reporter = candidates[0] if len(candidates) == 1 else None
        return TrapVerdict(kind, candidates, reporter)
