"""Which system a building's x/y are in (WGS84 degrees or Lambert-93 metres), and WGS84 points."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

import numpy as np
from pyproj import Transformer

WGS84: Final = "EPSG:4326"
LAMBERT93: Final = "EPSG:2154"
# EPSG:2154's area of use (metropolitan France and Corsica), in metres, with a margin.
L93_X_M: Final = (-400_000.0, 1_400_000.0)
L93_Y_M: Final = (6_000_000.0, 7_300_000.0)

Crs = Literal["EPSG:4326", "EPSG:2154"]


def crs_of(x: float, y: float) -> Crs | None:
    """The system a pair of coordinates can only be in; None when it fits neither."""
    if -180.0 <= x <= 180.0 and -90.0 <= y <= 90.0:
        return WGS84
    if L93_X_M[0] <= x <= L93_X_M[1] and L93_Y_M[0] <= y <= L93_Y_M[1]:
        return LAMBERT93
    return None


def to_wgs84(xs: Sequence[float], ys: Sequence[float],
             systems: Sequence[Crs]) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes, each pair reprojected from the system it was detected in."""
    lon = np.asarray(xs, dtype=float)
    lat = np.asarray(ys, dtype=float)
    lambert = np.asarray(systems) == LAMBERT93
    if lambert.any():
        transformer = Transformer.from_crs(LAMBERT93, WGS84, always_xy=True)
        lon[lambert], lat[lambert] = transformer.transform(lon[lambert], lat[lambert])
    return lon, lat
