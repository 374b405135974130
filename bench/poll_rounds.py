"""The polling comparison's rows, and how rounds of one poller become one row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class PollRow:
    """One poller over one fleet: figures per cycle."""

    poller: str
    aps: int
    cycles: int
    cpu_s: float
    wall_s: float
    peak_rss_mb: float
    errors: float
    note: str = ""

    @property
    def aps_per_cpu_s(self) -> float:
        return self.aps / self.cpu_s if self.cpu_s > 0 else float("inf")


@dataclass
class NotRun:
    """A poller the run planned and could not measure, and why."""

    poller: str
    aps: int
    why: str


class PollerUnavailable(Exception):
    """The poller cannot run here (no git, no such commit, its run failed): its row says why."""


Measure = Callable[[int], PollRow]  # timed cycles -> the row


def merged(rows: list[PollRow]) -> PollRow:
    """Rounds of one poller as one row: per-cycle figures over all their cycles."""
    cycles = sum(r.cycles for r in rows)

    def per_cycle(value: Callable[[PollRow], float]) -> float:
        return sum(value(r) * r.cycles for r in rows) / cycles

    first = rows[0]
    return PollRow(first.poller, first.aps, cycles, per_cycle(lambda r: r.cpu_s),
                   per_cycle(lambda r: r.wall_s), max(r.peak_rss_mb for r in rows),
                   per_cycle(lambda r: r.errors), first.note)


def interleaved(pollers: dict[str, Measure], cycles: int, rounds: int,
                say: Callable[[str], None]) -> tuple[list[PollRow], dict[str, str]]:
    """Each poller for `cycles` cycles over `rounds` rounds, the order reversed every other
    round: a load change on the shared machine falls on all of them, not on one row."""
    per_round = -(-cycles // rounds)
    got: dict[str, list[PollRow]] = {name: [] for name in pollers}
    not_run: dict[str, str] = {}
    names = list(pollers)
    for n in range(rounds):
        for name in names if n % 2 == 0 else names[::-1]:
            if name in not_run:
                continue
            say(f"{name} (round {n + 1}/{rounds})")
            try:
                got[name].append(pollers[name](per_round))
            except PollerUnavailable as exc:
                not_run[name] = str(exc)
    return [merged(rows) for name, rows in got.items() if rows and name not in not_run], \
        not_run
