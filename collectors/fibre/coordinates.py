"""Which system a building's x/y are in (WGS84 degrees or Lambert-93 metres), and WGS84 points."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

import geopandas as gpd

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


def wgs84_points(xs: Sequence[float], ys: Sequence[float],
                 systems: Sequence[Crs]) -> gpd.GeoSeries:
    """Points in WGS84 [lon, lat], each reprojected from the system it was detected in."""
    points = gpd.GeoSeries.from_xy(list(xs), list(ys), crs=WGS84)
    lambert = [i for i, crs in enumerate(systems) if crs == LAMBERT93]
    if lambert:
        projected = gpd.GeoSeries.from_xy([xs[i] for i in lambert], [ys[i] for i in lambert],
                                          crs=LAMBERT93).to_crs(WGS84)
        points.iloc[lambert] = projected.to_numpy()
    return points
