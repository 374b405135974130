"""How a simulated AP misbehaves in service, not in reachability: SNMP keeps answering.

- `silent`: after EVENT_AFTER_S its clients fall to 0 and its radios/SSIDs go out of service
  (a bad config push, a hung radio);
- `saturating`: after EVENT_AFTER_S its clients and channel utilisation jump over the
  capacity thresholds (a festival on the Grand Port).

Each is one snmpsim `numeric` line whose value steps once: floor(t / EVENT_AFTER_S) is 0
before the event and 1 after it (clamped there by min/max), t counted from snmpsim's start.
"""

from __future__ import annotations

from typing import Final

from collectors.snmp.profile import Profile

EVENT_AFTER_S: Final = 60
SATURATED_CLIENTS: Final = 90  # per column summed into the AP's clients
SATURATED_UTILIZATION: Final = 92
CALM_CLIENTS: Final = 8
IF_UP, IF_DOWN = 1, 2


def _step(tag: str, before: int, after: int, after_s: float) -> tuple[str, str]:
    low, high = min(before, after), max(before, after)
    return (f"{tag}:numeric",
            f"function=floor,rate={1 / after_s:.10f},scale={after - before},"
            f"initial={before},min={low},max={high}")


def _up_columns(profile: Profile, table: str) -> dict[str, tuple[int, int]]:
    """Column -> (value in service, value out of service) of the table's oper-state columns."""
    out: dict[str, tuple[int, int]] = {}
    for rows in profile.rows:
        if rows.table == table and rows.up is not None:
            up = rows.up.values[0]
            if isinstance(up, int):
                out[rows.up.column] = (up, IF_DOWN if up == IF_UP else IF_UP)
    return out


def _utilization_columns(profile: Profile, table: str) -> set[str]:
    return {column for rows in profile.rows if rows.table == table
            for name, column in rows.fields.items() if name == "utilization_pct"}


def behaviour_value(profile: Profile, behaviour: str, table: str, column: str, tag: str,
                    is_clients: bool, after_s: float = EVENT_AFTER_S
                    ) -> tuple[str, str] | None:
    """The (tag, value) of one cell of a misbehaving AP, or None to make it as usual."""
    if behaviour == "silent":
        if is_clients:
            return _step(tag, CALM_CLIENTS, 0, after_s)
        states = _up_columns(profile, table)
        if column in states:
            return _step("2", *states[column], after_s)
    elif behaviour == "saturating":
        if is_clients:
            return _step(tag, CALM_CLIENTS, SATURATED_CLIENTS, after_s)
        if column in _utilization_columns(profile, table):
            return _step("2", 20, SATURATED_UTILIZATION, after_s)
    return None
