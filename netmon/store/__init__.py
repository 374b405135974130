"""Where Samples are kept: the Sink/Store contracts, and the store on the one database."""

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
    "Store",
]
