"""INSEE commune codes as open data files write them."""

from __future__ import annotations

import re
from typing import Final

# INSEE commune codes: 5 characters, digits, or 2A/2B for Corsica.
INSEE_CODE: Final = re.compile(r"^(\d{5}|2[AB]\d{3})$")
# Excel drops the leading zero of codes such as 01004 when it reads them as numbers.
SHORT_CODE: Final = re.compile(r"^\d{4}$")


def insee_code(text: str) -> str | None:
    """The INSEE code in a cell (`73008`, `73008.0`, `1004` -> `01004`), or None."""
    value = text.strip().upper().removesuffix(".0")
    if SHORT_CODE.match(value):
        value = "0" + value
    return value if INSEE_CODE.match(value) else None
