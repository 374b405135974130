"""SNMP values as gufo-snmp gives them, and their conversion by the profile's column type.

gufo-snmp hands back `int` (INTEGER, Counter32/64, Gauge32, TimeTicks), `bytes` (OCTET
STRING), `str` (OBJECT IDENTIFIER, IpAddress) and `float`; absent objects are left out.
"""

from __future__ import annotations

import re
from typing import Final

Value = int | str

# What each numeric type can carry. gufo-snmp decodes into 64 bits, so a value beyond that
# arrives already cut: a Counter going negative or a Counter32 past 2^32 is how it shows.
RANGES: Final = {
    "int": (-(2**31), 2**64 - 1),  # INTEGER, Gauge32 and counts of any width
    "ticks": (0, 2**32 - 1),
    "counter": (0, 2**32 - 1),
    "counter64": (0, 2**64 - 1),
}
COUNTER_WIDTH: Final = {"counter": 32, "counter64": 64}
# A count a script printed: digits, at most 18 of them (no 64-bit overflow, no "1e9").
DECIMAL: Final = re.compile(r"-?\d{1,18}")


def out_of_range(value: object, kind: str) -> bool:
    """An integer the column's SNMP type cannot carry."""
    limits = RANGES.get(kind)
    return limits is not None and isinstance(value, int) and \
        not limits[0] <= value <= limits[1]


def convert_noting(value: object, kind: str, where: str, problems: list[str]) -> Value | None:
    """`convert`, noting an integer out of its type's range as a problem of the answer."""
    if out_of_range(value, kind):
        problems.append(f"{where}: {value} is out of range for {kind}, dropped")
        return None
    return _convert(value, kind)


def convert(value: object, kind: str) -> Value | None:
    """Convert one value by the profile's type; None when the agent sent garbage."""
    return None if out_of_range(value, kind) else _convert(value, kind)


def _convert(value: object, kind: str) -> Value | None:
    if value is None:
        return None
    if kind in RANGES:
        return value if isinstance(value, int) else None
    if kind == "str":
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace").strip("\x00").strip()
        return str(value)
    if kind in ("mac", "hex"):
        raw = value if isinstance(value, bytes) else b""
        return ":".join(f"{b:02x}" for b in raw) if kind == "mac" else raw.hex()
    if kind == "oid":
        return value if isinstance(value, str) else None
    if kind == "decimal":
        text = value.decode("ascii", "replace").strip() if isinstance(value, bytes) else ""
        return int(text) if DECIMAL.fullmatch(text) else None
    return None
