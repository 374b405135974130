"""Legibility of the coverage map from a village to a city: coverage pixels on the PNG.

For the 8-AP village fleet and the ~700-AP city of tests/support/city_fleet.py (every AP
counted), renders the coverage PNG with the coverage drawn at least N px beyond each AP marker
and counts the pixels of the coverage colour a reader sees. Run from the repository root:

    .venv/bin/python -m bench.bench_map_legibility
"""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.mapdata import MapLayers

RING_PX = (None, 0.0, 2.0, 4.0, 6.0, 8.0)  # None: the footprint alone


def _layers(config_path: Path, assume_up: bool) -> MapLayers:
    from netmon.config import load_config
    from netmon.maps.build import build_layers
    from netmon.maps.scenario import Scenario

    config = load_config(config_path)
    return build_layers(config, time.time_ns(), Scenario(assume_up=assume_up),
                        fleet={}, progress=[])


def main() -> None:
    from PIL import Image

    from geo.coverage_png import render_coverage_png
    from tests.support.city_fleet import city_config
    from tests.support.fleet_history import fleet_config
    from tests.support.map_pixels import coverage_pixels

    with tempfile.TemporaryDirectory() as folder:
        village_dir, city_dir = Path(folder, "village"), Path(folder, "city")
        village_dir.mkdir()
        city_dir.mkdir()
        city_path, _ = city_config(city_dir)
        fleets = {"village (8 APs, 2 districts)": _layers(fleet_config(village_dir, 8), True),
                  "city (700 APs, 20 districts)": _layers(city_path, True)}
        print("| fleet | ring beyond marker (px) | coverage pixels | share of the map % |"
              " drawn larger than footprint |")
        print("|---|---:|---:|---:|---|")
        for name, layers in fleets.items():
            for px in RING_PX:
                buffer = io.BytesIO()
                drawn = render_coverage_png(layers, buffer, ring_px=px)
                image = Image.open(buffer)
                found = coverage_pixels(image)
                map_px = image.width * 0.76 * image.height * 0.85
                ring = "footprint only" if px is None else f"{px:g}"
                print(f"| {name} | {ring} | {found} | {100 * found / map_px:.2f} | "
                      f"{'yes' if drawn.min_disc_px else 'no'} |")


if __name__ == "__main__":
    main()
