"""A made-up city from a seed: ~20 districts (dense centre), ~700 indoor APs, one far away."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Final

import yaml

from netmon.maps.fleet_now import ApNow

CENTRE: Final = (4.835, 45.760)  # lon, lat: a large French city's size, made up
HALF_SIZE_DEG: Final = (0.065, 0.045)  # about 10 km x 10 km
DISTRICTS: Final = 20
CITY_APS: Final = 699
OUTLIER_ID: Final = "ap-far"
OUTLIER_OFFSET_DEG: Final = (0.5, 0.1)  # about 40 km east


def _districts(rng: random.Random) -> list[Any]:
    """Voronoi cells of seeds crowded in the centre, clipped to the city's box."""
    import shapely
    from shapely.geometry import MultiPoint, Polygon

    lon0, lat0 = CENTRE
    w, h = HALF_SIZE_DEG
    box = shapely.box(lon0 - w, lat0 - h, lon0 + w, lat0 + h)
    seeds: list[tuple[float, float]] = []
    while len(seeds) < DISTRICTS:
        spread = 0.25 if len(seeds) < DISTRICTS // 2 else 0.7  # half of them in the centre
        x, y = rng.gauss(0, spread) * w, rng.gauss(0, spread) * h
        if abs(x) < w and abs(y) < h:
            seeds.append((lon0 + x, lat0 + y))
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=box)
    clipped = [c.intersection(box) for c in cells.geoms]
    return [Polygon([(round(x, 6), round(y, 6)) for x, y in c.exterior.coords])
            for c in clipped]


def city_config(folder: Path, seed: int = 16, polled_share: float = 0.5) -> tuple[Path, dict[
        str, ApNow]]:
    """netmon.yaml of the city, and a fleet where the first districts were polled (up)."""
    rng = random.Random(seed)
    cells = _districts(rng)
    zones = [{"id": f"q{i + 1:02d}", "name": f"{i + 1}{'er' if i == 0 else 'e'} arrondissement",
              "polygon": [[x, y] for x, y in cell.exterior.coords]}
             for i, cell in enumerate(cells)]
    aps, fleet = [], {}
    polled = {z["id"] for z in zones[:round(DISTRICTS * polled_share)]}
    for i in range(CITY_APS):
        zone_index = i % DISTRICTS
        point = cells[zone_index].representative_point()
        minx, miny, maxx, maxy = cells[zone_index].bounds
        for _ in range(50):  # a random point inside the district
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if cells[zone_index].contains(type(point)(x, y)):
                point = type(point)(x, y)
                break
        zone_id = zones[zone_index]["id"]
        aps.append({"id": f"ap-{i:04d}", "name": f"Site {i}", "zone": zone_id,
                    "lat": round(point.y, 6), "lon": round(point.x, 6), "host": "127.0.0.1",
                    "placement": "indoor"})
        if zone_id in polled:
            fleet[f"ap-{i:04d}"] = ApNow("up", clients=float(rng.randint(0, 20)))
    aps.append({"id": OUTLIER_ID, "name": "Site lointain", "zone": zones[0]["id"],
                "lat": CENTRE[1] + OUTLIER_OFFSET_DEG[1], "lon": CENTRE[0] + OUTLIER_OFFSET_DEG[0],
                "host": "127.0.0.1", "placement": "indoor"})
    doc = {"site": "Grande Ville", "language": "fr", "timezone": "Europe/Paris",
           "store": {"path": "netmon.db"},
           "defaults": {"credentials": {"version": "2c", "community": "public"}},
           "zones": zones, "aps": aps}
    path = folder / "netmon.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path, fleet


def city_buildings(seed: int = 16, count: int = 400) -> Any:
    """Fibre building points spread over the whole city box, to the corners (WGS84)."""
    import geopandas as gpd
    from shapely.geometry import Point

    rng = random.Random(seed)
    lon0, lat0 = CENTRE
    w, h = HALF_SIZE_DEG
    points = [Point(lon0 + rng.uniform(-w, w), lat0 + rng.uniform(-h, h)) for _ in range(count)]
    statuses = [rng.choice(["connectable", "planned", "abandoned"]) for _ in range(count)]
    return gpd.GeoDataFrame({"status": statuses, "address": [f"{i} rue" for i in range(count)]},
                            geometry=points, crs="EPSG:4326")
