"""The radius model: a disc per AP; its radius from the AP, its model, profile or placement."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

from geo.coverage import Coverage
from geo.crs import LAMBERT93
from geo.settings import CoverageSettings

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np

# Segments per quarter circle; the polygon's radius is stretched so its area is pi r^2.
QUAD_SEGMENTS: Final = 8
AREA_STRETCH: Final = math.sqrt(
    math.pi / (2 * QUAD_SEGMENTS * math.sin(math.pi / (2 * QUAD_SEGMENTS))))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def ap_radius_m(row: dict[str, Any], settings: CoverageSettings) -> float:
    """The AP's own radius_m, else its model's, else its profile's, else its placement's."""
    own = row.get("radius_m")
    if own is not None and own == own and own > 0:  # NaN is not a radius
        return float(own)
    model = _text(row.get("model"))
    if model is not None and model in settings.model_radius_m:
        return settings.model_radius_m[model]
    profile = _text(row.get("profile"))
    if profile is not None and profile in settings.profile_radius_m:
        return settings.profile_radius_m[profile]
    return settings.radius_m.indoor if row.get("placement") == "indoor" \
        else settings.radius_m.outdoor


def radii_m(aps: gpd.GeoDataFrame, settings: CoverageSettings) -> np.ndarray:
    """One radius per AP row, in metres."""
    import numpy as np

    columns = [c for c in ("radius_m", "model", "profile", "placement") if c in aps.columns]
    rows = aps[columns].to_dict("records")
    return np.fromiter((ap_radius_m(r, settings) for r in rows), dtype=float, count=len(rows))


class RadiusModel:
    """Discs around the APs, merged."""

    name = "radius"

    def __init__(self, settings: CoverageSettings) -> None:
        self.settings = settings

    def footprint(self, aps: gpd.GeoDataFrame) -> Coverage:
        import geopandas as gpd

        points = aps.geometry.to_crs(LAMBERT93)
        centres = gpd.GeoDataFrame({"x": points.x.round(1), "y": points.y.round(1),
                                    "r": radii_m(aps, self.settings)}, geometry=points.values)
        # APs of one site often share a position: one disc is enough for them.
        unique = centres.drop_duplicates(subset=["x", "y", "r"])
        discs = unique.geometry.buffer(unique["r"].to_numpy() * AREA_STRETCH,
                                       quad_segs=QUAD_SEGMENTS)
        return Coverage(discs.union_all(), self.name, len(aps))
