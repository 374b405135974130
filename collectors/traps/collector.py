"""The trap collector: receives notifications and reports them, matched to APs, to the core."""

from __future__ import annotations

from collections.abc import Callable

from collectors.traps.catalog import default_trap_catalog
from collectors.traps.intake import TrapIntake
from collectors.traps.receiver import Trap, TrapReceiver
from netmon.collector import TrapReport
from netmon.config.models import NetmonConfig


class TrapCollector:
    """Started and stopped by the monitor; every accepted trap becomes one TrapReport."""

    def __init__(self, config: NetmonConfig, report: Callable[[TrapReport], None]) -> None:
        assert config.traps is not None
        self.intake = TrapIntake(config, default_trap_catalog())
        self.receiver = TrapReceiver(config.traps, self._received)
        self.report = report

    async def start(self) -> None:
        await self.receiver.start()

    async def stop(self) -> None:
        await self.receiver.stop()

    def _received(self, trap: Trap) -> None:
        verdict = self.intake.judge(trap)
        self.report(TrapReport(verdict.kind.name, verdict.kind.meaning, verdict.aps,
                               trap.source, verdict.reporter, trap.time_ns))
