"""The one record that flows from collectors to sinks."""

from __future__ import annotations

from dataclasses import dataclass, field

FieldValue = float | int | bool | str


@dataclass(frozen=True, slots=True)
class Sample:
    """One point: maps 1:1 to an InfluxDB line-protocol point."""

    measurement: str
    tags: dict[str, str]
    fields: dict[str, FieldValue]
    time_ns: int
    # Carried beside the point, never stored as a field: why a poll failed.
    error: str | None = field(default=None, compare=False)

    def series_key(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        """Identity of the series this point belongs to."""
        return self.measurement, tuple(sorted(self.tags.items()))
