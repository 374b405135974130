"""Zones drawn in files: a zone's `geojson:` (every polygon of it) and `zones_from:` (one zone per
feature of a districts / IRIS / quartiers layer). MultiPolygons and holes are kept."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

Parts = list[list[list[tuple[float, float]]]]


def _rings(polygon: Any) -> list[list[tuple[float, float]]]:
    return [[(float(x), float(y)) for x, y, *_ in ring] for ring in polygon]


def parts_of(geometry: dict[str, Any]) -> Parts:
    """A GeoJSON Polygon or MultiPolygon as MultiPolygon coordinates ([] for anything else)."""
    if geometry.get("type") == "Polygon":
        return [_rings(geometry["coordinates"])]
    if geometry.get("type") == "MultiPolygon":
        return [_rings(polygon) for polygon in geometry["coordinates"]]
    return []


def zone_outline(parts: Parts) -> dict[str, Any]:
    """The Zone keys for these polygons: `parts`, and `polygon` = the largest outer ring."""
    from shapely.geometry import Polygon

    largest = max(parts, key=lambda rings: Polygon(rings[0]).area)
    return {"parts": parts, "polygon": largest[0]}


def parts_from_geojson(path: Path) -> Parts:
    """Every polygon of a GeoJSON file (features, a feature or a bare geometry)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("type") == "FeatureCollection":
        geometries = [f.get("geometry") or {} for f in doc.get("features", [])]
    elif doc.get("type") == "Feature":
        geometries = [doc.get("geometry") or {}]
    else:
        geometries = [doc]
    parts = [rings for geometry in geometries for rings in parts_of(geometry)]
    if not parts:
        raise ValueError("no Polygon or MultiPolygon geometry in it")
    return parts


def zone_id(text: str) -> str:
    """A config id from a file's id value: `Quartier Nord` -> `quartier-nord`, `75101` kept."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9_.-]+", "-", plain.lower()).strip("-.")[:64]


def zones_from_layer(path: Path, id_field: str, name_field: str | None, layer: str | None,
                     where: str, problems: list[str]) -> list[dict[str, Any]]:
    """One zone (raw config mapping) per good feature; a problem per bad one, naming the file,
    the feature and the field. Valid features are kept only if every feature is valid."""
    from shapely.geometry import mapping
    from shapely.validation import explain_validity

    from geo.vector_files import LayerError, read_layer

    try:
        frame = read_layer(path, layer)
    except LayerError as exc:
        problems.append(f"{where}: {exc}")
        return []
    for field in (id_field, name_field):
        if field is not None and field not in frame.columns:
            known = ", ".join(str(c) for c in frame.columns if c != "geometry")
            problems.append(f"{where}: {path}: no field {field!r} (fields: {known})")
            return []
    zones: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    before = len(problems)
    for n, (_, feature) in enumerate(frame.iterrows(), start=1):
        at = f"{where}: {path} feature {n}"
        raw_id = feature[id_field]
        text = "" if raw_id is None or raw_id != raw_id else str(raw_id).strip()
        ident = zone_id(text)
        geometry = feature.geometry
        if not ident:
            problems.append(f"{at}: {id_field} is empty")
        elif ident in seen:
            problems.append(f"{at}: {id_field} {text!r} is also feature {seen[ident]}'s")
        elif geometry is None or geometry.geom_type not in ("Polygon", "MultiPolygon"):
            kind = "no geometry" if geometry is None else f"a {geometry.geom_type}"
            problems.append(f"{at} ({text}): {kind}, not a Polygon or MultiPolygon")
        elif not geometry.is_valid:
            problems.append(f"{at} ({text}): invalid outline: {explain_validity(geometry)}")
        else:
            seen[ident] = n
            name = str(feature[name_field]) if name_field else text
            zones.append({"id": ident, "name": name,
                          **zone_outline(parts_of(dict(mapping(geometry))))})
    return zones if len(problems) == before else []
