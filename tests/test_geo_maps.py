"""The maps of a fleet with a history: files, figures, and what a browser shows offline."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from typer.testing import CliRunner

from geo.fibre_png import render_fibre_png
from geo.html_map import render_html_map
from netmon.cli.main import app
from netmon.config import NetmonConfig, load_config
from netmon.maps.build import build_layers
from netmon.maps.files import write_maps
from netmon.maps.scenario import Scenario
from tests.support.demo import demo_config_copy
from tests.support.fleet_history import NS, fleet_config, write_fibre, write_incidents, write_polls
from tests.support.offline_browser import visit

DOWN_AP = "ap-00003"
STATE_RGB = {"up": (0x1A, 0x96, 0x41), "down": (0xD7, 0x19, 0x1C)}


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[NetmonConfig, int]]:
    """8 APs polled every minute for 6 hours; one is down for the last 20 minutes."""
    folder = tmp_path_factory.mktemp("fleet")
    config = load_config(fleet_config(folder, 8))
    now = time.time_ns()
    down = {DOWN_AP: (now - 1200 * NS, now + 3600 * NS)}
    write_polls(config, now - 6 * 3600 * NS, now, 60, down)
    write_incidents(config, {DOWN_AP: (now - 1200 * NS, now - 60 * NS)})
    write_fibre(config)
    yield config, now


def test_only_aps_up_now_count_and_what_if_leaves_aps_out(fleet: tuple[NetmonConfig, int]
                                                          ) -> None:
    config, now = fleet
    layers = build_layers(config, now)
    states = dict(zip(layers.aps["id"], layers.aps["state"], strict=True))
    assert states[DOWN_AP] == "down" and list(states.values()).count("up") == 7
    assert layers.coverage.loc[0, "aps"] == 7
    deployed = build_layers(config, now, Scenario(assume_up=True))
    assert deployed.coverage.loc[0, "aps"] == 8
    what_if = build_layers(config, now, Scenario(assume_up=True, without=("ap-00000",
                                                                          "ap-00002")))
    assert what_if.coverage.loc[0, "aps"] == 6
    by_zone = {z: p for z, p in zip(what_if.zones["id"], what_if.zones["coverage_pct"],
                                    strict=True)}
    full = dict(zip(deployed.zones["id"], deployed.zones["coverage_pct"], strict=True))
    assert by_zone["nord"] < full["nord"]  # both removed APs are in the northern district
    assert by_zone["sud"] == pytest.approx(full["sud"])


def test_stale_polls_make_an_ap_unknown(fleet: tuple[NetmonConfig, int]) -> None:
    config, now = fleet
    layers = build_layers(config, now + 3600 * NS)  # an hour after the last poll
    assert set(layers.aps["state"]) == {"unknown"}
    assert layers.coverage.loc[0, "aps"] == 0
    assert "--assume-up" in layers.coverage_note  # the map says why it shows no coverage


def test_map_files_png_geojson_and_fibre(fleet: tuple[NetmonConfig, int], tmp_path: Path
                                         ) -> None:
    config, now = fleet
    written = write_maps(build_layers(config, now), tmp_path)
    names = {p.name for p in written}
    assert names == {"coverage.png", "fibre.png", "map.html", "aps.geojson", "zones.geojson",
                     "coverage.geojson", "fibre.geojson"}
    for png in ("coverage.png", "fibre.png"):
        image = Image.open(tmp_path / png).convert("L")
        assert image.size == (1753, 1240)
        assert ImageStat.Stat(image).stddev[0] > 10  # drawn, not a blank page
    zones = json.loads((tmp_path / "zones.geojson").read_text())
    pct = {f["properties"]["id"]: f["properties"]["coverage_pct"] for f in zones["features"]}
    assert set(pct) == {"nord", "sud"} and all(0 < p < 100 for p in pct.values())
    aps = json.loads((tmp_path / "aps.geojson").read_text())
    down = [f for f in aps["features"] if f["properties"]["state"] == "down"]
    assert [f["properties"]["id"] for f in down] == [DOWN_AP]
    assert aps["features"][0]["geometry"]["type"] == "Point"
    fibre = json.loads((tmp_path / "fibre.geojson").read_text())
    assert {f["properties"]["id"] for f in fibre["features"]} == {"nord", "sud"}


MARKERS_JS = """() => {
  // Every layer on (the fibre districts are off by default): the markers must stay on top.
  document.querySelectorAll(".leaflet-control-layers-selector").forEach(
    box => { if (!box.checked) { box.click(); } });
  const out = [];
  window.netmonMap.eachLayer(l => {
    if (l instanceof L.CircleMarker && l.feature && l.feature.properties.state) {
      const p = window.netmonMap.latLngToContainerPoint(l.getLatLng());
      out.push({id: l.feature.properties.id, state: l.feature.properties.state,
                x: p.x, y: p.y});
    }
  });
  return out;
}"""


def test_html_map_draws_every_ap_at_its_pixel_offline(fleet: tuple[NetmonConfig, int],
                                                      tmp_path: Path) -> None:
    config, now = fleet
    page = tmp_path / "map.html"
    page.write_text(render_html_map(build_layers(config, now)), encoding="utf-8")
    seen = visit(page, ready="body[data-ready='1']", evaluate=MARKERS_JS)
    assert seen.outside == [] and seen.failed == [] and seen.console_errors == []
    markers = seen.values
    assert len(markers) == 8
    image = Image.open(io.BytesIO(seen.png)).convert("RGB")
    for marker in markers:
        x, y = round(marker["x"]), round(marker["y"])
        assert 0 <= x < image.width and 0 <= y < image.height, marker
        expected = STATE_RGB[marker["state"]]
        pixel = image.getpixel((x, y))
        assert isinstance(pixel, tuple)
        assert max(abs(a - b) for a, b in zip(pixel, expected, strict=True)) < 12, marker


def test_netmon_map_on_the_demo_config_gives_both_zones(tmp_path: Path) -> None:
    demo = demo_config_copy(tmp_path / "config")  # its own store: never the checkout's var/
    out = tmp_path / "maps"
    result = CliRunner().invoke(app, ["map", "-c", str(demo), "--out", str(out), "--assume-up"])
    assert result.exit_code == 0, result.output
    assert "Centre-ville" in result.output and "Grand Port" in result.output
    zones = json.loads((out / "zones.geojson").read_text())
    pct = {f["properties"]["id"]: f["properties"]["coverage_pct"] for f in zones["features"]}
    assert 0 < pct["centre"] < 100 and 0 < pct["grand-port"] < 100
    assert (out / "map.html").stat().st_size > 150_000  # Leaflet inlined


def test_netmon_map_rejects_an_unknown_ap_and_a_missing_layer(tmp_path: Path) -> None:
    demo = demo_config_copy(tmp_path / "config")
    result = CliRunner().invoke(app, ["map", "-c", str(demo), "--out", str(tmp_path),
                                      "--without", "nowhere-01"])
    assert result.exit_code == 2 and "unknown AP 'nowhere-01'" in result.output
    config = fleet_config(tmp_path, 2, extra={"maps": {"water": {"path": "lake.gpkg"}}})
    result = CliRunner().invoke(app, ["map", "-c", str(config), "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "maps.water: " in result.output and "lake.gpkg: no such file" in result.output
    assert not (tmp_path / "map.html").exists()


def test_demo_leaves_maps_and_a_report_next_to_its_store(fleet: tuple[NetmonConfig, int]
                                                        ) -> None:
    from rich.console import Console

    from netmon.cli.demo_outputs import demo_output_dirs, write_demo_outputs

    config, now = fleet
    console = Console(record=True, width=200)
    written = write_demo_outputs(config, now - 3600 * NS, console)
    maps_dir, report_dir = demo_output_dirs(config)
    assert maps_dir.parent == report_dir.parent == config.store.path.parent
    assert {maps_dir / "map.html", maps_dir / "coverage.png", report_dir / "report.pdf"} <= set(
        written)
    assert str(maps_dir / "map.html") in console.export_text()


def test_fibre_building_points_are_drawn_when_imported(fleet: tuple[NetmonConfig, int],
                                                      tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    from netmon.fibre.paths import BUILDINGS_FILE, BUILDINGS_LAYER

    config, now = fleet
    buildings = gpd.GeoDataFrame(
        {"status": ["connectable", "planned", "abandoned"], "address": ["1 rue A", "2 rue B",
                                                                         "3 rue C"]},
        geometry=[Point(5.906 + i * 0.002, 45.692) for i in range(3)], crs="EPSG:4326")
    gpkg = config.store.path.parent / BUILDINGS_FILE
    buildings.to_file(gpkg, layer=BUILDINGS_LAYER, engine="pyogrio")
    try:
        layers = build_layers(config, now)
        assert layers.buildings is not None and len(layers.buildings) == 3
        html = render_html_map(layers)
        assert html.count('"status": "planned"') == 1 and "2 rue B" in html
        render_fibre_png(layers, tmp_path / "fibre.png")
        assert ImageStat.Stat(Image.open(tmp_path / "fibre.png").convert("L")).stddev[0] > 10
    finally:
        gpkg.unlink()


def test_demo_reports_an_unreadable_layer_instead_of_failing(tmp_path: Path) -> None:
    from rich.console import Console

    from netmon.cli.demo_outputs import write_demo_outputs

    config = load_config(fleet_config(tmp_path, 2, extra={"maps": {"water": {
        "path": "demo/lac-du-bourget.geojson"}}}))
    console = Console(record=True, width=200)
    assert write_demo_outputs(config, time.time_ns(), console) == []
    shown = console.export_text()
    assert "maps and report not written" in shown and "maps.water" in shown
