"""Writes the map files of one set of layers into a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from geo.coverage_png import render_coverage_png
from geo.fibre_png import render_fibre_png
from geo.geojson_export import export_geojson
from geo.html_map import render_html_map
from geo.mapdata import MapLayers

COVERAGE_PNG: Final = "coverage.png"
FIBRE_PNG: Final = "fibre.png"
MAP_HTML: Final = "map.html"


def write_maps(layers: MapLayers, out_dir: Path) -> list[Path]:
    """coverage.png, fibre.png, map.html and the GeoJSON layers; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    render_coverage_png(layers, out_dir / COVERAGE_PNG)
    written = [out_dir / COVERAGE_PNG]
    render_fibre_png(layers, out_dir / FIBRE_PNG)
    written.append(out_dir / FIBRE_PNG)
    (out_dir / MAP_HTML).write_text(render_html_map(layers), encoding="utf-8")
    written.append(out_dir / MAP_HTML)
    return written + export_geojson(layers, out_dir)
