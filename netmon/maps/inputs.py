"""The config's geography as GeoDataFrames, and the optional layers its `maps:` names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from geo.crs import LAMBERT93, WGS84
from geo.settings import LayerFile
from geo.vector_files import LayerError, read_polygons, read_union
from netmon.config.models import NetmonConfig
from netmon.maps.fleet_now import ApNow

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry


def config_dir(config: NetmonConfig) -> Path:
    return config.source.parent if config.source is not None else Path.cwd()


def under_config(config: NetmonConfig, path: Path) -> Path:
    """A `maps:` path, relative to the config file."""
    return path if path.is_absolute() else (config_dir(config) / path).resolve()


def zone_frame(config: NetmonConfig) -> gpd.GeoDataFrame:
    """The config's zones (id, name), WGS84."""
    import geopandas as gpd

    zones = [z for z in config.zones if z.polygon]
    return gpd.GeoDataFrame({"id": [z.id for z in zones], "name": [z.name for z in zones]},
                            geometry=[z.outline() for z in zones], crs=WGS84)


def target_frame(config: NetmonConfig) -> gpd.GeoDataFrame:
    """The zones to state coverage for: `maps.targets` when set, else the config's zones."""
    targets = config.maps.targets
    if targets is None:
        return zone_frame(config)
    try:
        return read_polygons(under_config(config, targets.path), targets.layer,
                             targets.id_field, targets.name_field)
    except LayerError as exc:
        raise LayerError(f"maps.targets: {exc}") from exc


def ap_frame(config: NetmonConfig, fleet: dict[str, ApNow]) -> gpd.GeoDataFrame:
    """Every configured AP with its state now, WGS84."""
    import geopandas as gpd
    from shapely.geometry import Point

    names = {z.id: z.name for z in config.zones}
    rows = []
    for ap in config.aps:
        now = fleet.get(ap.id, ApNow("unknown"))
        rows.append({
            "id": ap.id, "name": ap.name, "zone": ap.zone, "zone_name": names.get(ap.zone, ap.zone),
            "site": ap.site or "", "address": ap.address or "", "placement": ap.placement,
            "model": ap.model or "", "profile": ap.profile, "radius_m": ap.radius_m,
            "state": now.state, "clients": now.clients, "uptime_30d_pct": now.uptime_30d_pct,
        })
    geometry = [Point(ap.lon, ap.lat) for ap in config.aps]
    frame = gpd.GeoDataFrame(rows, geometry=geometry, crs=WGS84)
    if frame.empty:
        frame = gpd.GeoDataFrame({"id": [], "state": []}, geometry=[], crs=WGS84)
    return frame


def water_union(config: NetmonConfig) -> BaseGeometry | None:
    """`maps.water` as one geometry in Lambert-93, or None."""
    water = config.maps.water
    if water is None:
        return None
    try:
        outline = read_union(under_config(config, water.path), water.layer)
    except LayerError as exc:
        raise LayerError(f"maps.water: {exc}") from exc
    return outline.to_crs(LAMBERT93).union_all()


def building_footprints(config: NetmonConfig, layer: LayerFile | None) -> list[BaseGeometry]:
    """Building outlines for wall losses, Lambert-93."""
    if layer is None:
        return []
    try:
        outlines = read_union(under_config(config, layer.path), layer.layer).to_crs(LAMBERT93)
    except LayerError as exc:
        raise LayerError(f"maps.coverage.pathloss.buildings: {exc}") from exc
    return list(outlines.explode(index_parts=False))


def layer_problems(config: NetmonConfig) -> list[str]:
    """Each file `maps:` names, read as `netmon map` reads it: `file: key: what is wrong`."""
    maps = config.maps
    reads: list[tuple[object, Callable[[], object]]] = [
        (maps.targets, lambda: target_frame(config)),
        (maps.water, lambda: water_union(config)),
        (maps.coverage.pathloss.buildings,
         lambda: building_footprints(config, maps.coverage.pathloss.buildings)),
    ]
    problems = []
    for named, read in reads:
        if named is None:
            continue
        try:
            read()
        except LayerError as exc:
            problems.append(f"{config.source}: {exc}")
    return problems
