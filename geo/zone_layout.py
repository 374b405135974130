"""How a town's zones tile it: overlapping zones and the target area no zone covers."""

from __future__ import annotations

from typing import Final

from netmon.config.models import NetmonConfig

# Slivers below this are drawing noise (shared borders digitised twice), not overlaps.
MIN_AREA_M2: Final = 100.0


def zone_layout_warnings(config: NetmonConfig) -> list[str]:
    """Overlaps between zones (which pair, how much) and gaps in `maps.targets`, as warnings."""
    import geopandas as gpd
    from shapely import STRtree, unary_union

    from geo.crs import WGS84

    named = [(z.id, outline) for z in config.zones if (outline := z.outline()) is not None]
    if not named:
        return []
    frame = gpd.GeoSeries([o for _, o in named], crs=WGS84)
    metric = frame.to_crs(frame.estimate_utm_crs())
    shapes = list(metric)
    warnings = []
    tree = STRtree(shapes)
    for i, j in zip(*tree.query(shapes, predicate="intersects"), strict=True):
        if i >= j:
            continue
        area = shapes[i].intersection(shapes[j]).area
        if area >= MIN_AREA_M2:
            smaller = min(shapes[i].area, shapes[j].area)
            warnings.append(f"zones {named[i][0]} and {named[j][0]} overlap: {area:,.0f} m² "
                            f"({area / smaller:.1%} of the smaller): its coverage counts twice")
    if config.maps.targets is not None:
        from geo.vector_files import LayerError, read_polygons
        from netmon.maps.inputs import under_config

        try:
            targets = read_polygons(under_config(config, config.maps.targets.path),
                                    config.maps.targets.layer)
        except LayerError as exc:
            return [*warnings, f"maps.targets: {exc}"]
        target = unary_union(list(targets.to_crs(metric.crs).geometry))
        gap = target.difference(unary_union(shapes)).area
        if gap >= MIN_AREA_M2:
            warnings.append(f"{gap:,.0f} m² ({gap / target.area:.1%}) of maps.targets is in no "
                            "zone: APs there belong to no zone's outline")
    return warnings
