"""Reading polygon layers (target zones, water, buildings) from any file pyogrio reads."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from geo.crs import WGS84

if TYPE_CHECKING:
    import geopandas as gpd

POLYGONAL = ("Polygon", "MultiPolygon")


class LayerError(Exception):
    """A vector file that cannot be used; the message names the file and what is wrong."""


def read_layer(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read one layer (GeoJSON, GeoPackage, Shapefile...) with pyogrio, in WGS84."""
    import geopandas as gpd
    from pyogrio.errors import DataLayerError, DataSourceError

    if not path.exists():
        raise LayerError(f"{path}: no such file")
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except (DataSourceError, DataLayerError, OSError, ValueError) as exc:
        raise LayerError(f"{path}: cannot read it as a vector layer: {exc}") from exc
    if "geometry" not in frame or frame.geometry.isna().all():
        raise LayerError(f"{path}: has no geometry")
    if frame.crs is None:
        raise LayerError(f"{path}: has no coordinate reference system (a .prj file, or "
                         "GeoJSON in WGS84)")
    return frame.to_crs(WGS84)


def read_polygons(path: Path, layer: str | None = None, id_field: str | None = None,
                  name_field: str | None = None) -> gpd.GeoDataFrame:
    """Polygons with `id` and `name` columns (from the fields named, else guessed), WGS84."""
    frame = read_layer(path, layer)
    frame = frame[frame.geometry.notna() & frame.geom_type.isin(POLYGONAL)].copy()
    if frame.empty:
        raise LayerError(f"{path}: has no Polygon or MultiPolygon features")
    for wanted in (id_field, name_field):
        if wanted is not None and wanted not in frame.columns:
            known = ", ".join(c for c in frame.columns if c != "geometry")
            raise LayerError(f"{path}: no field {wanted!r} (fields: {known})")
    columns = {c.lower(): c for c in frame.columns}
    name_col = name_field or next((columns[c] for c in ("name", "nom", "libelle", "label")
                                   if c in columns), None)
    id_col = id_field or next((columns[c] for c in ("id", "code", "insee_com", "code_insee")
                               if c in columns), None)
    frame["name"] = frame[name_col].astype(str) if name_col else [
        f"{path.stem} {i + 1}" for i in range(len(frame))]
    frame["id"] = frame[id_col].astype(str) if id_col else [
        f"{path.stem}-{i + 1}" for i in range(len(frame))]
    return frame[["id", "name", "geometry"]].reset_index(drop=True)


def read_union(path: Path, layer: str | None = None) -> gpd.GeoSeries:
    """Every polygon of a layer (water, buildings), WGS84."""
    frame = read_layer(path, layer)
    polygons = frame.geometry[frame.geom_type.isin(POLYGONAL)]
    if polygons.empty:
        raise LayerError(f"{path}: has no Polygon or MultiPolygon features")
    return polygons.reset_index(drop=True)
