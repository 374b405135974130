"""Packed chunks: a series/field's points (or rollup buckets) over a span, in one small blob.

Layout: one kind byte, then zlib of little-endian arrays. Times are delta-encoded (a poll
every 60 s becomes a run of equal numbers, which zlib folds away). Integer values stay
exact int64 (uptime, clients, counters: never rounded), delta-encoded too. Floats (rates,
durations) keep 7 significant digits as float32, the precision of what they measure: the
noise in a rate's last bits cannot be compressed, and float64 would double the file (a
value beyond float32's range keeps float64). Rollup buckets keep their exact count and
their sum, min and max as float32 (float64 beyond float32's range).
"""

from __future__ import annotations

import zlib
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt

INT_POINTS: Final = 1
FLOAT_POINTS: Final = 2  # float64: values beyond float32's range
FLOAT32_POINTS: Final = 4
BUCKETS: Final = 3
F32_MAX: Final = float(np.finfo(np.float32).max)
LEVEL: Final = 6  # zlib: most of the gain of 9 at a third of the time
I64: Final = np.dtype("<i8")
F64: Final = np.dtype("<f8")
F32: Final = np.dtype("<f4")


class Points(NamedTuple):
    times: npt.NDArray[np.int64]
    values: npt.NDArray[Any]  # int64 (exact) or float64


class Buckets(NamedTuple):
    times: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]
    sum: npt.NDArray[np.float64]
    min: npt.NDArray[np.float64]
    max: npt.NDArray[np.float64]


def _delta(values: npt.NDArray[np.int64]) -> bytes:
    deltas = np.empty(len(values), I64)  # np.diff(prepend=) took twice as long on a chunk
    deltas[:1] = values[:1]
    np.subtract(values[1:], values[:-1], out=deltas[1:])
    return deltas.tobytes()


def _undelta(raw: bytes, count: int, offset: int) -> npt.NDArray[np.int64]:
    deltas = np.frombuffer(raw, I64, count, offset)
    return np.cumsum(deltas, dtype=np.int64)


def pack_points(points: Points) -> bytes:
    times = _delta(points.times)
    if points.values.dtype.kind == "i":
        kind, values = INT_POINTS, _delta(points.values.astype(np.int64))
    elif len(points.values) and float(np.max(np.abs(points.values))) > F32_MAX:
        kind, values = FLOAT_POINTS, points.values.astype(F64).tobytes()
    else:
        kind, values = FLOAT32_POINTS, points.values.astype(F32).tobytes()
    return bytes([kind]) + zlib.compress(times + values, LEVEL)


def unpack_points(blob: bytes) -> Points:
    body = zlib.decompress(blob[1:])
    kind = blob[0]
    count = len(body) // (12 if kind == FLOAT32_POINTS else 16)
    times = _undelta(body, count, 0)
    if kind == INT_POINTS:
        return Points(times, _undelta(body, count, count * 8))
    dtype = F32 if kind == FLOAT32_POINTS else F64
    return Points(times, np.frombuffer(body, dtype, count, count * 8).astype(np.float64))


def pack_buckets(buckets: Buckets) -> bytes:
    stats = np.concatenate([buckets.sum, buckets.min, buckets.max])
    wide = len(stats) > 0 and float(np.max(np.abs(stats))) > F32_MAX
    body = _delta(buckets.times) + _delta(buckets.counts) + \
        stats.astype(F64 if wide else F32).tobytes()
    return bytes([BUCKETS, int(wide)]) + zlib.compress(body, LEVEL)


def unpack_buckets(blob: bytes) -> Buckets:
    body = zlib.decompress(blob[2:])
    dtype = F64 if blob[1] else F32
    n = len(body) // (16 + 3 * dtype.itemsize)
    stats = np.frombuffer(body, dtype, 3 * n, n * 16).astype(np.float64)
    return Buckets(_undelta(body, n, 0), _undelta(body, n, n * 8), stats[:n], stats[n:2 * n],
                   stats[2 * n:])


def merge_points(old: Points, new: Points) -> Points:
    """Both sets in time order; of two points at one time, the new one wins."""
    times = np.concatenate([new.times, old.times])
    exact = old.values.dtype.kind == "i" and new.values.dtype.kind == "i"
    values = np.concatenate([new.values, old.values]).astype(np.int64 if exact else np.float64)
    kept_times, first = np.unique(times, return_index=True)  # the first is the new one
    return Points(kept_times, values[first])


def to_buckets(points: Points, bucket_ns: int) -> Buckets:
    """The statistics of the points in each bucket they fall in."""
    order = np.argsort(points.times, kind="stable")  # in time order already, as a rule
    times, values = points.times[order], points.values[order].astype(np.float64)
    starts = times - times % bucket_ns
    begins = np.ones(len(starts), bool)  # where each bucket begins
    np.not_equal(starts[1:], starts[:-1], out=begins[1:])
    first = np.flatnonzero(begins)
    count = np.empty(len(first), np.int64)
    np.subtract(first[1:], first[:-1], out=count[:-1])
    count[-1:] = len(starts) - first[-1:]
    if not len(first):
        return Buckets(starts, count, values, values, values)  # no points
    return Buckets(starts[first].astype(np.int64), count,
                   np.add.reduceat(values, first), np.minimum.reduceat(values, first),
                   np.maximum.reduceat(values, first))


def merge_buckets(old: Buckets, new: Buckets) -> Buckets:
    """Statistics of both (a bucket filled over two packs adds up: they are associative)."""
    if not len(old.times) or not len(new.times) or new.times[0] > old.times[-1]:
        return Buckets._make(np.concatenate(pair) for pair in zip(old, new, strict=True))
    times = np.concatenate([old.times, new.times])
    keys, index = np.unique(times, return_inverse=True)

    def fold(values: npt.NDArray[np.float64] | npt.NDArray[np.int64], start: float,
             op: np.ufunc) -> npt.NDArray[np.float64]:
        out = np.full(len(keys), start, np.float64)  # an int array would truncate (ufunc.at)
        op.at(out, index, values.astype(np.float64))
        return out

    return Buckets(keys.astype(np.int64),
                   fold(np.concatenate([old.counts, new.counts]), 0, np.add).astype(np.int64),
                   fold(np.concatenate([old.sum, new.sum]), 0, np.add),
                   fold(np.concatenate([old.min, new.min]), np.inf, np.minimum),
                   fold(np.concatenate([old.max, new.max]), -np.inf, np.maximum))
