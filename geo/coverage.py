"""What a coverage model gives back, and the coverage figures of target zones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

M2_PER_KM2 = 1_000_000.0


@dataclass(frozen=True)
class Coverage:
    """The area where the public Wi-Fi is heard, in Lambert-93 (EPSG:2154)."""

    footprint: BaseGeometry
    model: str
    aps_counted: int


class CoverageModel(Protocol):
    """Turns a frame of AP points (any CRS) into the area they cover."""

    name: str

    def footprint(self, aps: gpd.GeoDataFrame) -> Coverage: ...


def land_only(zones: gpd.GeoSeries, water: BaseGeometry | None) -> gpd.GeoSeries:
    """The zones without the water: nobody connects from the middle of the lake."""
    return zones if water is None or water.is_empty else zones.difference(water)


def zone_coverage(zones: gpd.GeoDataFrame, coverage: Coverage,
                  water: BaseGeometry | None = None) -> gpd.GeoDataFrame:
    """Each zone with `land_km2`, `covered_km2` and `coverage_pct` (of its land), in Lambert-93.

    `zones` needs a CRS; its other columns are kept. A zone that is all water has no %.
    """
    from geo.crs import LAMBERT93

    out = zones.to_crs(LAMBERT93)
    land = land_only(out.geometry, water)
    land_m2 = land.area
    covered_m2 = land.intersection(coverage.footprint).area
    out["land_km2"] = land_m2 / M2_PER_KM2
    out["covered_km2"] = covered_m2 / M2_PER_KM2
    out["coverage_pct"] = (100.0 * covered_m2 / land_m2).where(land_m2 > 0)
    return out
