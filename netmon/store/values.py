"""What the store can hold: a value is kept as it is, or rejected alone with a reason."""

from __future__ import annotations

import json
import numbers
from collections.abc import Mapping
from math import isfinite
from typing import Final

INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1
MAX_TEXT_CHARS: Final = 4096  # a text field is a name or a state, never a document
StoredValue = int | float | str


class Rejected(ValueError):
    """Why one value cannot be stored."""


def stored_value(value: object) -> StoredValue:
    """The value as the store keeps it (bool as 0/1); raises Rejected with the reason."""
    # Exact types first: the usual values, without the slower checks against numbers' ABCs.
    if type(value) is float and isfinite(value):
        return value
    if type(value) is int and INT64_MIN <= value <= INT64_MAX:
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Integral):  # int, and numpy's integers
        number = int(value)
        if INT64_MIN <= number <= INT64_MAX:
            return number
        raise Rejected(f"an integer of {number.bit_length()} bits is beyond 64 bits")
    if isinstance(value, numbers.Real):  # float, and numpy's floats
        real = float(value)
        if isfinite(real):
            return real
        raise Rejected(f"{real!r} is not a finite number")
    if isinstance(value, str):
        return _text(str(value))
    raise Rejected(f"a {type(value).__name__} is not a number or text")


def _text(value: str) -> str:
    if len(value) > MAX_TEXT_CHARS:
        raise Rejected(f"text of {len(value)} characters is longer than {MAX_TEXT_CHARS}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Rejected("text that is not valid Unicode") from None
    return value


def checked_name(name: object, what: str) -> str:
    if type(name) is not str or not name:
        raise Rejected(f"{what} {name!r} is not a non-empty string")
    return _text(name)


def canonical_tags(tags: Mapping[str, str]) -> str:
    """The one JSON text a tag set is stored as, so equal tag sets share one series."""
    if not all(type(k) is str and type(v) is str for k, v in tags.items()):
        raise Rejected(f"tags {dict(tags)!r} are not all strings")
    return _text(json.dumps(dict(tags), ensure_ascii=False, separators=(",", ":"),
                            sort_keys=True))


def shown(value: object) -> str:
    """A value for a log line: never thousands of digits."""
    if isinstance(value, int) and value.bit_length() > 64:
        return f"<integer of {value.bit_length()} bits>"  # its digits could be thousands
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}…({len(text)} chars)"
