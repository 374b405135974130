"""Which OIDs one poll asks by GET, page by page, and which cell each answer fills.

Every page carries the agent's sysUpTime, so each counter is timed by the agent's own clock
at the instant it was read, however many pages the poll takes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass

from collectors.snmp.columns import fallback_of
from collectors.snmp.profile import Profile

Index = tuple[int, ...]
Slot = tuple[str, str, Index]  # (table, or "" for a scalar; column or scalar name; row index)
MAX_VARBINDS = 40  # per GET: its reply must fit gufo-snmp's 4 kB receive buffer
COUNTERS = ("counter", "counter64")


@dataclass(frozen=True, slots=True)
class ReadPlan:
    pages: list[tuple[list[str], list[Slot | None]]]  # OIDs and their cells; None: the clock
    clock_oid: str | None


def _row_cells(profile: Profile, indexes: Mapping[str, list[Index]], fallbacks: Set[Slot],
               walked: bool, v1: bool) -> Iterable[Slot]:
    for table, spec in profile.tables.items():
        for name, column in spec.columns.items():
            if column.fallback_for is not None:
                continue
            fallback = fallback_of(profile, table, name)
            # SNMPv1 cannot carry a Counter64: such columns are read from their fallback.
            always = fallback is not None and v1 and column.type == "counter64"
            for index in indexes.get(table, ()):
                instead = always or (table, name, index) in fallbacks
                if walked and column.type not in COUNTERS and not instead:
                    continue  # the walk read it
                yield table, fallback if instead and fallback else name, index


def build_plan(profile: Profile, indexes: Mapping[str, list[Index]], fallbacks: Set[Slot],
               walked: bool, v1: bool, cells: Iterable[Slot] | None = None) -> ReadPlan:
    """The GETs of one poll: scalars and known rows' cells, or just `cells` when given."""
    uptime = profile.scalars.get(profile.ap.uptime or "")
    clock = uptime.oid if uptime is not None else None
    wanted: list[tuple[str, Slot]] = []
    if cells is None:
        wanted = [(s.oid, ("", name, ())) for name, s in profile.scalars.items()]
        cells = _row_cells(profile, indexes, fallbacks, walked, v1)
    for table, name, index in cells:
        oid = f"{profile.tables[table].columns[name].oid}.{'.'.join(map(str, index))}"
        wanted.append((oid, (table, name, index)))
    pages: list[tuple[list[str], list[Slot | None]]] = []
    page_size = MAX_VARBINDS - 1 if clock else MAX_VARBINDS
    for start in range(0, len(wanted), page_size):
        chunk = wanted[start:start + page_size]
        oids = [oid for oid, _ in chunk]
        slots: list[Slot | None] = [slot for _, slot in chunk]
        if clock is not None and clock not in oids:
            oids.insert(0, clock)
            slots.insert(0, None)
        pages.append((oids, slots))
    return ReadPlan(pages, clock)
