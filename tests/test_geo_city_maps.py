"""The maps of a made-up 700-AP city, checked as a reader sees them (PNG pixels, Chromium)."""

from __future__ import annotations

import io
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from geo.coverage_png import MAP_AXES, render_coverage_png
from geo.crs import LAMBERT93
from geo.fibre_png import render_fibre_png
from geo.html_map import render_html_map
from geo.label_placement import overlapping
from geo.mapdata import MapLayers
from netmon.cli.main import app
from netmon.config import NetmonConfig, load_config
from netmon.maps.build import build_layers
from netmon.maps.fleet_now import ApNow
from netmon.maps.scenario import Scenario
from tests.support.city_fleet import DISTRICTS, OUTLIER_ID, city_buildings, city_config
from tests.support.fleet_history import fleet_config
from tests.support.map_pixels import coverage_pixels, coverage_rgb
from tests.support.offline_browser import visit

CityFleet = tuple[NetmonConfig, dict[str, ApNow]]
# A reader must see coverage: at least this share of the map area in the coverage colour
# (bench/bench_map_legibility.py: the village shows 2.3 %, the city without a minimum 0.3 %).
MIN_COVERAGE_SHARE = 0.005
CITY_WIDTH_MAX_M = 20_000  # the city is ~10 km wide; an AP 40 km out must not widen it


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> CityFleet:
    path, fleet = city_config(tmp_path_factory.mktemp("city"))
    return load_config(path), fleet


def _layers(city: CityFleet, assume_up: bool = False) -> MapLayers:
    config, fleet = city
    return build_layers(config, time.time_ns(), Scenario(assume_up=assume_up), fleet=fleet,
                        progress=[])


def _with_fibre(layers: MapLayers, known: int = DISTRICTS) -> MapLayers:
    districts = layers.zones[["id", "name", "geometry"]].iloc[:known].copy()
    districts["pct_connectable"] = [5.0 * i for i in range(len(districts))]
    districts["day"] = "2026-09-30"
    return replace(layers, fibre=districts, buildings=city_buildings())


def _map_share(image: Image.Image, pixels: int) -> float:
    return pixels / (image.width * MAP_AXES[2] * image.height * MAP_AXES[3])


def test_city_coverage_is_visible_and_unpolled_districts_say_no_data(city: CityFleet,
                                                                     tmp_path: Path) -> None:
    layers = _layers(city)
    drawn = render_coverage_png(layers, tmp_path / "coverage.png")
    image = Image.open(tmp_path / "coverage.png")
    assert _map_share(image, coverage_pixels(image)) > MIN_COVERAGE_SHARE
    assert drawn.min_disc_px is not None  # 30 m discs would be specks: the map says it drew more
    render_coverage_png(layers, tmp_path / "specks.png", ring_px=None)
    specks = Image.open(tmp_path / "specks.png")
    assert coverage_pixels(image) > 3 * coverage_pixels(specks)
    polled = layers.zones["aps_polled"] > 0
    assert polled.any() and (~polled).any()
    unpolled_names = set(layers.zones.loc[~polled, "name"])
    for text in drawn.label_texts:
        name, figure = text.split("\n")
        assert figure == "pas de données" if name in unpolled_names else "couverte" in figure
    assert not any("0,0\u00a0%" in t for t in drawn.label_texts)


def test_assume_up_legend_never_says_unknown(city: CityFleet, tmp_path: Path) -> None:
    drawn = render_coverage_png(_layers(city, assume_up=True), tmp_path / "coverage.png")
    assert not any("état inconnu" in t for t in drawn.legend_texts)
    assert f"supposée en service ({len(city[0].aps) - len(city[1])})" in drawn.legend_texts
    assert "état inconnu (350)" in render_coverage_png(_layers(city), io.BytesIO()).legend_texts


def test_village_coverage_is_drawn_as_it_is(tmp_path: Path) -> None:
    config = load_config(fleet_config(tmp_path, 8))
    layers = build_layers(config, time.time_ns(), Scenario(assume_up=True), fleet={},
                          progress=[])
    drawn = render_coverage_png(layers, tmp_path / "coverage.png")
    assert drawn.min_disc_px is None  # discs already wider than the minimum: nothing enlarged
    image = Image.open(tmp_path / "coverage.png")
    assert _map_share(image, coverage_pixels(image)) > MIN_COVERAGE_SHARE


def test_no_two_district_labels_overlap(city: CityFleet, tmp_path: Path) -> None:
    layers = _with_fibre(_layers(city))
    for render in (render_coverage_png, render_fibre_png):
        drawn = render(layers, tmp_path / "map.png")
        width, height = Image.open(tmp_path / "map.png").size
        # A label with no room is hidden (smallest zones first) and the subtitle says so.
        assert len(drawn.label_boxes) + len(drawn.hidden_labels) == len(layers.zones)
        # Placement is bounded in time, so a loaded machine hides more: most still show.
        assert len(drawn.hidden_labels) <= len(layers.zones) // 2
        assert overlapping(drawn.label_boxes) == [], render.__name__
        for x0, y0, x1, y1 in drawn.label_boxes:
            assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height


def test_fibre_frame_holds_every_building_and_reports_the_far_ap(city: CityFleet,
                                                                 tmp_path: Path) -> None:
    layers = _with_fibre(_layers(city), known=DISTRICTS - 3)
    drawn = render_fibre_png(layers, tmp_path / "fibre.png")
    minx, miny, maxx, maxy = drawn.frame.bounds
    assert layers.buildings is not None
    buildings = layers.buildings.to_crs(LAMBERT93)
    assert buildings.geometry.x.between(minx, maxx).all()
    assert buildings.geometry.y.between(miny, maxy).all()
    assert [o.id for o in drawn.frame.outliers] == [OUTLIER_ID]
    assert maxx - minx < CITY_WIDTH_MAX_M and maxy - miny < CITY_WIDTH_MAX_M
    # The three districts without a fibre figure are labelled, not left blank (a label the
    # time-bounded placement had no room for is hidden and counted in the subtitle instead).
    labelled = [*drawn.label_texts, *drawn.hidden_labels]
    assert sum(t.endswith("\npas de données") for t in labelled) == 3
    assert len(drawn.label_texts) + len(drawn.hidden_labels) == DISTRICTS


PAGE_JS = """() => {
  const map = window.netmonMap, size = map.getSize(), inside = [], outside = [];
  const box = document.querySelectorAll(".netmon-box");
  window.netmonMap.eachLayer(l => {
    if (l instanceof L.CircleMarker && l.feature && l.feature.properties.state) {
      const p = map.latLngToContainerPoint(l.getLatLng());
      const seen = p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y;
      (seen ? inside : outside).push(l.feature.properties.id);
    }
  });
  return {title: box[0].innerText, legend: box[box.length - 1].innerText,
          inside: inside.length, outside: outside};
}"""

NO_DATA_JS = """() => {
  let text = null;
  window.netmonMap.eachLayer(l => {
    if (l.feature && l.feature.properties.id === "ZONE" && l.getBounds) {
      l.openPopup(); text = document.querySelector(".leaflet-popup-content").innerText;
    }
  });
  return text;
}"""


def test_html_city_map_as_a_person_sees_it(city: CityFleet, tmp_path: Path) -> None:
    page = tmp_path / "map.html"
    page.write_text(render_html_map(_layers(city, assume_up=True)), encoding="utf-8")
    seen = visit(page, ready="body[data-ready='1']", evaluate=PAGE_JS)
    assert seen.outside == [] and seen.failed == [] and seen.console_errors == []
    shown = seen.values
    assert "supposée en service" in shown["legend"] and "état inconnu" not in shown["legend"]
    assert shown["outside"] == [OUTLIER_ID] and shown["inside"] == len(city[0].aps) - 1
    assert OUTLIER_ID in shown["title"]  # the far AP is named, not silently framed
    image = Image.open(io.BytesIO(seen.png))
    assert _map_share(image, coverage_pixels(image, coverage_rgb((0xF4, 0xF1, 0xEA)))
                      ) > MIN_COVERAGE_SHARE / 2


def test_html_zone_without_polls_says_no_data(city: CityFleet, tmp_path: Path) -> None:
    layers = _layers(city)
    unpolled = layers.zones.loc[layers.zones["aps_polled"] == 0, "id"].iloc[0]
    page = tmp_path / "map.html"
    page.write_text(render_html_map(layers), encoding="utf-8")
    seen = visit(page, ready="body[data-ready='1']",
                 evaluate=NO_DATA_JS.replace("ZONE", str(unpolled)))
    assert seen.values is not None and "pas de données" in seen.values
    assert "0,0" not in seen.values


def test_netmon_map_names_the_far_ap_and_says_no_data(city: CityFleet, tmp_path: Path) -> None:
    config, _ = city
    assert config.source is not None
    result = CliRunner().invoke(app, ["map", "-c", str(config.source), "--out",
                                      str(tmp_path / "maps")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert f"aps {OUTLIER_ID}:" in result.output and "left out of the map frames" in result.output
    assert "no data" in result.output  # no store yet: nothing was polled anywhere
