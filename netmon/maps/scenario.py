"""Which APs a coverage figure counts: those up now, or a "what if"."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scenario:
    """`assume_up`: count every enabled AP whatever its state (the coverage as deployed).
    `without`: leave these APs out ("what if they were removed or broke down")."""

    assume_up: bool = False
    without: tuple[str, ...] = ()

    def counts(self, ap_id: str, state: str) -> bool:
        if state == "disabled" or ap_id in self.without:
            return False
        return self.assume_up or state == "up"
