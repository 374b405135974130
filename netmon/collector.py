"""What the core asks of collectors beyond cycles: confirmations, and trap reports."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal, Protocol

from netmon.observation import Cycle

TrapMeaning = Literal["down", "up", "reboot", "info"]


@dataclass(frozen=True, slots=True)
class TrapReport:
    """A notification an AP or controller sent, already matched to the APs it is about."""

    kind: str  # the trap's name, e.g. linkDown
    meaning: TrapMeaning
    aps: list[str]  # empty: from an unknown source, or about no AP netmon watches
    source: str  # the sender's address
    reporter: str | None  # the AP or controller id that sent it
    time_ns: int


class Confirmer(Protocol):
    """Looks at some APs now, off schedule (a failed poll or a trap asks for it)."""

    async def confirm(self, ap_ids: Collection[str], quick: bool) -> Cycle | None:
        """A cycle of observations of these APs; None when there is nothing to look at."""
        ...

    async def close(self) -> None: ...
