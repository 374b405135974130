"""Values derived between polls: uptime across sysUpTime rollover, reboots, counter rates."""

from __future__ import annotations

from dataclasses import dataclass, field

TICKS_PER_S = 100
# Counters remembered per agent: one agent inventing row indexes must not grow them for ever.
MAX_COUNTERS = 16384
TICKS_MODULUS = 2**32  # sysUpTime is TimeTicks (32 bits): it rolls over after about 497 days
# How far the observed uptime may stray from the wall clock before a drop counts as a reboot.
ROLLOVER_TOLERANCE_S = 30.0
ROLLOVER_TOLERANCE_RATIO = 0.05


@dataclass(slots=True)
class UptimeTracker:
    """Follows one agent's sysUpTime; tells a reboot from a 497-day rollover."""

    last_ticks: int | None = None
    last_seen_s: float = 0.0
    rollovers: int = 0

    def observe(self, ticks: int, now_s: float) -> tuple[float, bool]:
        """Return (uptime in seconds, rebooted since the last poll)."""
        rebooted = False
        if self.last_ticks is not None and ticks < self.last_ticks:
            elapsed_s = max(now_s - self.last_seen_s, 0.0)
            expected = self.last_ticks + elapsed_s * TICKS_PER_S
            slack = (ROLLOVER_TOLERANCE_S + elapsed_s * ROLLOVER_TOLERANCE_RATIO) * TICKS_PER_S
            if expected >= TICKS_MODULUS and abs(expected - TICKS_MODULUS - ticks) <= slack:
                self.rollovers += 1
            else:
                rebooted = True
                self.rollovers = 0
        self.last_ticks, self.last_seen_s = ticks, now_s
        return (self.rollovers * TICKS_MODULUS + ticks) / TICKS_PER_S, rebooted


@dataclass(slots=True)
class CounterRates:
    """Bits per second from octet counters, correct across 32-bit wraps and reboots."""

    last: dict[object, tuple[int, int, float]] = field(default_factory=dict)

    def rate_bps(self, key: object, octets: int, width: int, now_s: float,
                 reset: bool = False) -> float | None:
        """None on the first poll, after a reboot, or when a 64-bit counter went back."""
        previous = self.last.get(key)
        if previous is None and len(self.last) >= MAX_COUNTERS:
            self.last.clear()  # a pathological agent: its rates restart, nothing grows
        self.last[key] = (octets, width, now_s)
        if previous is None or reset:
            return None
        old, old_width, then_s = previous
        elapsed_s = now_s - then_s
        if elapsed_s <= 0 or old_width != width:
            return None
        delta = octets - old
        if delta < 0:
            if width != 32:
                return None  # a 64-bit counter does not wrap: it was reset
            delta += 2**32
        return delta * 8 / elapsed_s

    def forget(self, prefix: object) -> None:
        """Drop every counter whose key starts with `prefix` (an AP left the inventory)."""
        for key in [k for k in self.last if isinstance(k, tuple) and k[0] == prefix]:
            del self.last[key]
