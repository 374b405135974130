"""SNMP values as plain Python (wire values), and their conversion by the profile's type.

Both SNMP paths hand the poller the same wire values: `int` (INTEGER, Counter32, Gauge32,
TimeTicks), `Counter64`, `bytes` (OCTET STRING, Opaque), `IpAddress`, `ObjectName`, and the
`Absent` markers (noSuchObject, noSuchInstance, endOfMibView, NULL).
"""

from __future__ import annotations

from typing import Final


class Counter64(int):
    """A Counter64: the only counter that never wraps in practice."""

    __slots__ = ()


class IpAddress(bytes):
    """An IpAddress (4 octets); prints as a dotted quad."""

    __slots__ = ()

    def __str__(self) -> str:
        return ".".join(str(b) for b in self)


class ObjectName(tuple[int, ...]):
    """An OBJECT IDENTIFIER value; prints dotted."""

    __slots__ = ()

    def __str__(self) -> str:
        return ".".join(map(str, self))


class Absent:
    """A varbind that holds nothing: the agent has no such object/instance, or the MIB ended."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


NO_SUCH_OBJECT: Final = Absent("noSuchObject")
NO_SUCH_INSTANCE: Final = Absent("noSuchInstance")
END_OF_MIB_VIEW: Final = Absent("endOfMibView")
NULL: Final = Absent("null")

WireValue = int | bytes | ObjectName | Absent
Value = int | str


def convert_noting(value: object, kind: str, where: str, problems: list[str]) -> Value | None:
    """`convert`, noting an integer out of every SNMP range as a problem of the answer."""
    if out_of_range(value):
        problems.append(f"{where}: integer of {value.bit_length()} bits is out of SNMP range, "  # type: ignore[attr-defined]
                        "dropped")
        return None
    return convert(value, kind)


def is_absent(value: object) -> bool:
    return isinstance(value, Absent)


def counter_width(value: object) -> int:
    """64 for Counter64 (never wraps in practice), 32 for everything else."""
    return 64 if isinstance(value, Counter64) else 32


# SNMP numbers: INTEGER is 32-bit signed, Counter64 the widest unsigned. Anything beyond is
# garbage (buggy firmware, or an attacker): it must never become a field.
SNMP_INT_MIN: Final = -(2**31)
SNMP_INT_MAX: Final = 2**64 - 1


def out_of_range(value: object) -> bool:
    """An integer no SNMP type can carry."""
    return isinstance(value, int) and not SNMP_INT_MIN <= value <= SNMP_INT_MAX


def convert(value: object, kind: str) -> Value | None:
    """Convert one wire value by the profile's type; None when the agent sent garbage."""
    if isinstance(value, Absent) or out_of_range(value):
        return None  # never str() of thousands of digits either: that raises
    if kind in ("int", "ticks", "counter"):
        return int(value) if isinstance(value, int) else None
    if kind == "str":
        if isinstance(value, bytes) and not isinstance(value, IpAddress):
            return value.decode("utf-8", "replace").strip("\x00").strip()
        return str(value)
    if kind in ("mac", "hex"):
        raw = bytes(value) if isinstance(value, bytes) else b""
        return ":".join(f"{b:02x}" for b in raw) if kind == "mac" else raw.hex()
    if kind == "oid":
        return str(value) if isinstance(value, ObjectName) else None
    return None
