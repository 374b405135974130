"""Turn pysnmp values into plain Python, telling absent values apart from real ones."""

from __future__ import annotations

from typing import Any

from pyasn1.type import univ
from pysnmp.proto import rfc1902, rfc1905

# Replies that mean "nothing here": the agent has no such object/instance, or the MIB ended.
ABSENT = (rfc1905.NoSuchObject, rfc1905.NoSuchInstance, rfc1905.EndOfMibView, univ.Null)

Value = int | str


def is_absent(value: Any) -> bool:
    return isinstance(value, ABSENT)


def counter_width(value: Any) -> int:
    """64 for Counter64 (never wraps in practice), 32 for everything else."""
    return 64 if isinstance(value, rfc1902.Counter64) else 32


def convert(value: Any, kind: str) -> Value | None:
    """Convert one varbind value by the profile's type; None when the agent sent garbage."""
    if is_absent(value):
        return None
    try:
        if kind in ("int", "ticks", "counter"):
            if isinstance(value, univ.OctetString | univ.ObjectIdentifier):
                return None
            return int(value)
        if kind == "str":
            if isinstance(value, univ.OctetString):
                return str(value.asOctets().decode("utf-8", "replace")).strip("\x00").strip()
            return str(value.prettyPrint())
        if kind in ("mac", "hex"):
            raw = value.asOctets() if isinstance(value, univ.OctetString) else b""
            return ":".join(f"{b:02x}" for b in raw) if kind == "mac" else raw.hex()
        if kind == "oid":
            return str(value.prettyPrint()) if isinstance(value, univ.ObjectIdentifier) else None
    except (ValueError, TypeError):
        return None
    return None
