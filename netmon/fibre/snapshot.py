"""The rollout progress as it stands, read from the store and kept a few minutes.

Read by the status page and the Prometheus export: fibre figures change once a day at most,
so one computation serves many requests and scrapes.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Final

from netmon.config.models import NetmonConfig

if TYPE_CHECKING:
    from netmon.fibre.progress import ZoneProgress

KEEP_S: Final = 300.0


class ProgressSnapshot:
    """`current()` gives every series' progress, recomputed at most every `keep_s`."""

    def __init__(self, config: NetmonConfig, keep_s: float = KEEP_S) -> None:
        self.config = config
        self.keep_s = keep_s
        self._lock = threading.Lock()
        self._value: list[ZoneProgress] = []
        self._at: float | None = None

    def current(self) -> list[ZoneProgress]:
        with self._lock:
            now = time.monotonic()
            if self._at is None or now - self._at >= self.keep_s:
                self._value = self._compute()
                self._at = now
            return self._value

    def _compute(self) -> list[ZoneProgress]:
        # Imported here: pandas and scipy load in about a second; only fibre users pay it.
        from netmon.fibre.history import FibreHistory
        from netmon.fibre.progress import RolloutProgress

        with FibreHistory(self.config.store) as history:
            milestones = history.milestones()
        return RolloutProgress(self.config).of(milestones) if milestones else []
