"""What an import is about: the config's districts (with outlines) and the INSEE communes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from collectors.fibre.labels import normalise

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


@dataclass(frozen=True, slots=True)
class District:
    """A config zone: its id, name and outline as [lon, lat] (WGS84)."""

    id: str
    name: str
    polygon: tuple[tuple[float, float], ...] | None = None


@dataclass(frozen=True, slots=True)
class ImportScope:
    """The districts and communes an import keeps; everything else is not ours."""

    districts: tuple[District, ...] = ()
    communes: tuple[str, ...] = ()
    _names: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for district in self.districts:
            self._names.setdefault(normalise(district.id), district.id)
            self._names.setdefault(normalise(district.name), district.id)

    @classmethod
    def of(cls, districts: Sequence[District], communes: Sequence[str]) -> ImportScope:
        return cls(tuple(districts), tuple(communes))

    def zone(self, text: str) -> str | None:
        """The zone a cell names (district id or name, or a configured commune code), or None."""
        code = insee_code(text)
        if code is not None:
            return code if code in self.communes else None
        return self._names.get(normalise(text)) if text.strip() else None

    def known(self) -> str:
        """The zones a file may name, for an 'unknown zone' message."""
        return ", ".join([d.id for d in self.districts] + list(self.communes)) or "none"

    def fingerprint(self) -> str:
        """Changes when a district outline or the communes change: files are then imported anew."""
        parts = [f"{d.id}:{d.polygon}" for d in self.districts] + list(self.communes)
        return "|".join(parts)
