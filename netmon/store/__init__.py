"""Where Samples are kept: the Sink/Store contracts and the embedded SQLite store."""

from netmon.store.base import (
    LatestSeries,
    LatestValue,
    Maintainable,
    Point,
    Resolution,
    RollupPoint,
    RollupResolution,
    RollupSeries,
    SeriesData,
    Sink,
    Store,
)
from netmon.store.sqlite import SqliteStore

__all__ = [
    "LatestSeries",
    "LatestValue",
    "Maintainable",
    "Point",
    "Resolution",
    "RollupPoint",
    "RollupResolution",
    "RollupSeries",
    "SeriesData",
    "Sink",
    "SqliteStore",
    "Store",
]
