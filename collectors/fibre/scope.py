"""What an import is about: the config's districts (with outlines) and the INSEE communes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from collectors.fibre.labels import normalise
from netmon.fibre.insee import INSEE_CODE, SHORT_CODE, insee_code

__all__ = ["INSEE_CODE", "SHORT_CODE", "District", "ImportScope", "insee_code"]



@dataclass(frozen=True, slots=True)
class District:
    """A config zone: its id, name and outline as [lon, lat] (WGS84)."""

    id: str
    name: str
    polygon: tuple[tuple[float, float], ...] | None = None
    # The whole outline (several polygons, holes) as WKT, when it is more than `polygon`.
    outline_wkt: str | None = None


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
        parts = [f"{d.id}:{d.outline_wkt or d.polygon}" for d in self.districts] + list(
            self.communes)
        return "|".join(parts)
