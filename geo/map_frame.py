"""What a map shows: the zones and every layer drawn, minus far-away outliers it reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from geo.crs import LAMBERT93
from geo.labels import Language, label, number
from geo.mapdata import MapLayers

if TYPE_CHECKING:
    import geopandas as gpd

# A point this far outside the zones (or the bulk of the points) is reported, not framed.
OUTLIER_DISTANCE_M: Final = 5_000.0
# Without zones, the bulk of the points is this inner share of them, each way.
BULK_QUANTILES: Final = (0.05, 0.95)
EMPTY_FRAME: Final = (0.0, 0.0, 1000.0, 1000.0)
M_PER_KM: Final = 1000.0

Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class Outlier:
    """A point left out of the frame: which layer, its id, and how far out (metres)."""

    layer: str
    id: str
    distance_m: float


@dataclass(frozen=True)
class MapFrame:
    """Lambert-93 bounds to show, and the points left outside them."""

    bounds: Bounds
    outliers: list[Outlier] = field(default_factory=list)


def _usable(frame: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    if frame is None or frame.empty:
        return None
    local = frame.to_crs(LAMBERT93)
    local = local[local.geometry.notna() & ~local.geometry.is_empty]
    return None if local.empty else local


def _box(frame: gpd.GeoDataFrame) -> Bounds:
    minx, miny, maxx, maxy = (float(v) for v in frame.total_bounds)
    return minx, miny, maxx, maxy


def _union(boxes: list[Bounds]) -> Bounds | None:
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _bulk(points: list[gpd.GeoDataFrame]) -> Bounds | None:
    """The box of the inner 90 % of every point, each way: where the town is."""
    import numpy as np

    xs = np.concatenate([p.geometry.x.to_numpy() for p in points]) if points else np.array([])
    ys = np.concatenate([p.geometry.y.to_numpy() for p in points]) if points else np.array([])
    if xs.size == 0:
        return None
    low, high = BULK_QUANTILES
    return (float(np.quantile(xs, low)), float(np.quantile(ys, low)),
            float(np.quantile(xs, high)), float(np.quantile(ys, high)))


def map_frame(areas: list[gpd.GeoDataFrame | None],
              points: dict[str, gpd.GeoDataFrame | None]) -> MapFrame:
    """Frame the areas (zones, districts) and every point layer (APs, buildings) near them.

    `points` maps a layer name to its frame; a point more than OUTLIER_DISTANCE_M outside the
    areas (or, without areas, the bulk of the points) is an outlier: reported, not framed.
    """
    import shapely

    area_frames = [a for a in map(_usable, areas) if a is not None]
    point_frames = {name: p for name, p in ((n, _usable(f)) for n, f in points.items())
                    if p is not None}
    core = _union([_box(a) for a in area_frames]) or _bulk(
        list(point_frames.values()))
    if core is None:
        return MapFrame(EMPTY_FRAME)
    core_box = shapely.box(*core)
    boxes = [core]
    outliers: list[Outlier] = []
    for name, frame in point_frames.items():
        distance = frame.geometry.distance(core_box)
        far = distance > OUTLIER_DISTANCE_M
        ids = frame["id"] if "id" in frame.columns else frame.index.to_series().astype(str)
        outliers += [Outlier(name, str(i), float(d))
                     for i, d in zip(ids[far], distance[far], strict=True)]
        near = frame[~far]
        if not near.empty:
            boxes.append(_box(near))
    return MapFrame(_union(boxes) or core, sorted(outliers, key=lambda o: -o.distance_m))


def frame_of(layers: MapLayers, with_buildings: bool) -> MapFrame:
    """The frame of a map of these layers: zones, fibre districts, APs (and buildings)."""
    points = {"aps": layers.aps, "buildings": layers.buildings if with_buildings else None}
    return map_frame([layers.zones, layers.fibre], points)


def outlier_note(frame: MapFrame, language: Language, shown: int = 3) -> str:
    """`2 point(s) over 5 km away left out of the frame: ap-9 (40 km), …`, or ''."""
    if not frame.outliers:
        return ""
    ids = ", ".join(f"{o.id} ({number(o.distance_m / M_PER_KM, language, 0)} km)"
                    for o in frame.outliers[:shown])
    if len(frame.outliers) > shown:
        ids += ", …"
    return label(language, "outliers", n=len(frame.outliers),
                 km=number(OUTLIER_DISTANCE_M / M_PER_KM, language, 0), ids=ids)
