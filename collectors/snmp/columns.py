"""A profile table's columns as the polling hot path needs them, worked out once per profile:
each column's type, counter width and range, and which column stands in for which."""

from __future__ import annotations

from dataclasses import dataclass

from collectors.snmp.profile import Profile
from collectors.snmp.values import COUNTER_WIDTH, RANGES


@dataclass(frozen=True, slots=True)
class TableTypes:
    columns: dict[str, tuple[str, int | None, int, int]]  # name -> kind, width, low, high
    fallbacks: list[tuple[str, str]]  # (fallback, primary) pairs
    fallback_for: dict[str, str]  # primary -> the column read in rows that lack it


# Profiles are few and live as long as their catalog: each table is worked out once.
_TYPES: dict[tuple[int, str], tuple[Profile, TableTypes]] = {}


def table_types(profile: Profile, table: str) -> TableTypes:
    known = _TYPES.get((id(profile), table))
    if known is None or known[0] is not profile:
        spec = profile.tables[table]
        pairs = [(name, c.fallback_for) for name, c in spec.columns.items()
                 if c.fallback_for is not None]
        types = TableTypes(
            {name: (c.type, COUNTER_WIDTH.get(c.type), *RANGES.get(c.type, (1, 0)))
             for name, c in spec.columns.items()},
            pairs, {primary: fallback for fallback, primary in pairs})
        known = _TYPES[(id(profile), table)] = (profile, types)
    return known[1]


def fallback_of(profile: Profile, table: str, column: str) -> str | None:
    """The column read instead of `column` in rows that lack it (e.g. ifInOctets)."""
    return table_types(profile, table).fallback_for.get(column)
