"""GeoJSON files of the map layers (WGS84), for GIS tools and the town's open-data portal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

from geo.mapdata import MapLayers

if TYPE_CHECKING:
    import geopandas as gpd

AP_COLUMNS: Final = ("id", "name", "zone", "site", "address", "placement", "model", "state",
                     "clients", "uptime_30d_pct", "counted")
ZONE_COLUMNS: Final = ("id", "name", "land_km2", "covered_km2", "coverage_pct", "aps_total",
                       "aps_counted")
FIBRE_COLUMNS: Final = ("id", "name", "pct_connectable", "premises_total",
                        "premises_connectable", "day", "source")


def _write(frame: gpd.GeoDataFrame, columns: tuple[str, ...], path: Path) -> Path:
    keep = frame[[c for c in columns if c in frame.columns] + ["geometry"]]
    path.write_text(keep.to_json(na="null", drop_id=True, to_wgs84=True, indent=1),
                    encoding="utf-8")
    return path


def export_geojson(layers: MapLayers, out_dir: Path) -> list[Path]:
    """aps.geojson, zones.geojson (with coverage %), coverage.geojson, fibre.geojson."""
    written = [
        _write(layers.aps, AP_COLUMNS, out_dir / "aps.geojson"),
        _write(layers.zones, ZONE_COLUMNS, out_dir / "zones.geojson"),
        _write(layers.coverage, ("model", "aps"), out_dir / "coverage.geojson"),
    ]
    if layers.fibre is not None and not layers.fibre.empty:
        written.append(_write(layers.fibre, FIBRE_COLUMNS, out_dir / "fibre.geojson"))
    return written
