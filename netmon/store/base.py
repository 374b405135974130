"""What every sink accepts and what a store answers: the contracts, and the values reads return."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol

from netmon.sample import Sample

Resolution = Literal["raw", "5m", "1h", "auto"]
RollupResolution = Literal["5m", "1h"]
# What `latest()` gives back for one field: a number (bool as 0/1) or a text value.
LatestValue = float | str


class Point(NamedTuple):
    """One value in time; a tuple because a long read builds millions of them."""

    time_ns: int
    value: float


@dataclass(frozen=True, slots=True)
class RollupPoint:
    """One rollup bucket: its start time and the statistics of the raw values in it."""

    time_ns: int
    count: int
    mean: float
    min: float
    max: float


class SeriesData(NamedTuple):
    """The points of one series (one measurement + tag set) for one field."""

    tags: dict[str, str]
    points: list[Point]


class RollupSeries(NamedTuple):
    """The rollup buckets of one series for one field."""

    tags: dict[str, str]
    points: list[RollupPoint]


@dataclass(frozen=True, slots=True)
class LatestSeries:
    """The newest value of every field of one series; fields may come from different polls."""

    measurement: str
    tags: dict[str, str]
    time_ns: int  # the newest of `field_times_ns`
    fields: dict[str, LatestValue]
    field_times_ns: dict[str, int]


class Sink(Protocol):
    """Anything Samples are written to: the embedded store, InfluxDB, Prometheus."""

    def write(self, batch: Sequence[Sample]) -> None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


class Store(Protocol):
    """What maps, reports and the web page read back (netmon.store.reader.SampleReader)."""

    def series(
        self,
        measurement: str,
        field: str,
        *,
        tags: Mapping[str, str] | None = None,
        start_ns: int,
        end_ns: int,
        resolution: Resolution = "auto",
        now_ns: int | None = None,
    ) -> list[SeriesData]: ...

    def series_rollup(
        self,
        measurement: str,
        field: str,
        *,
        tags: Mapping[str, str] | None = None,
        start_ns: int,
        end_ns: int,
        resolution: RollupResolution = "5m",
    ) -> list[RollupSeries]: ...

    def latest(
        self, measurement: str, tags: Mapping[str, str] | None = None
    ) -> list[LatestSeries]: ...

    def measurements(self) -> list[str]: ...

    def tag_values(self, measurement: str, tag: str) -> list[str]: ...


class Maintainable(Protocol):
    """A store with housekeeping (rollups, retention) that the scheduler runs every few minutes."""

    def maintain(self, now_ns: int) -> None: ...
