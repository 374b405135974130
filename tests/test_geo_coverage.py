"""Coverage models and zone percentages on geometry whose answer is known."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.coverage import zone_coverage
from geo.crs import LAMBERT93
from geo.pathloss import PathLossModel, fspl_1m_db
from geo.radius import RadiusModel, ap_radius_m
from geo.settings import CoverageSettings, PathLossSettings, PlacementRadius
from geo.vector_files import LayerError, read_polygons, read_union

# The real commune outline (IGN Admin Express, Licence Ouverte): tests/data/README.md.
COMMUNE = Path(__file__).with_name("data") / "aix-les-bains-73008.geojson"
CX, CY = 925_000.0, 6_508_000.0  # Lambert-93, near Aix-les-Bains
SIDE_M = 600.0


def one_ap(**columns: object) -> gpd.GeoDataFrame:
    data = {"id": ["a"], "zone": ["z"], "placement": ["outdoor"], **{
        k: [v] for k, v in columns.items()}}
    return gpd.GeoDataFrame(data, geometry=[shapely.Point(CX, CY)], crs=LAMBERT93
                            ).to_crs("EPSG:4326")


def square_zone(side: float = SIDE_M) -> gpd.GeoDataFrame:
    half = side / 2
    return gpd.GeoDataFrame({"id": ["z"], "name": ["Square"]},
                            geometry=[shapely.box(CX - half, CY - half, CX + half, CY + half)],
                            crs=LAMBERT93)


def test_one_ap_of_radius_r_covers_pi_r2_of_a_square_zone() -> None:
    coverage = RadiusModel(CoverageSettings()).footprint(one_ap(radius_m=100.0))
    pct = zone_coverage(square_zone(), coverage).coverage_pct.iloc[0]
    assert pct == pytest.approx(100 * math.pi * 100**2 / SIDE_M**2, rel=0.003)


def test_a_disc_larger_than_the_zone_covers_all_of_it() -> None:
    coverage = RadiusModel(CoverageSettings()).footprint(one_ap(radius_m=1000.0))
    assert zone_coverage(square_zone(), coverage).coverage_pct.iloc[0] == pytest.approx(100.0)


def test_radius_comes_from_the_ap_then_model_then_profile_then_placement() -> None:
    settings = CoverageSettings(radius_m=PlacementRadius(indoor=20, outdoor=90),
                                model_radius_m={"R510": 150}, profile_radius_m={"unifi": 70})
    assert ap_radius_m({"radius_m": 42.0, "model": "R510"}, settings) == 42.0
    assert ap_radius_m({"radius_m": float("nan"), "model": "R510", "profile": "unifi"},
                       settings) == 150
    assert ap_radius_m({"model": "other", "profile": "unifi"}, settings) == 70
    assert ap_radius_m({"placement": "indoor"}, settings) == 20
    assert ap_radius_m({"placement": "outdoor"}, settings) == 90


def test_path_loss_reach_follows_the_log_distance_formula() -> None:
    settings = PathLossSettings(cell_m=1.0)
    model = PathLossModel(settings)
    _, exponent, reach = model.link_budget(one_ap().to_crs(LAMBERT93))
    budget = settings.eirp_dbm.outdoor - settings.threshold_dbm - fspl_1m_db(2437.0)
    assert exponent[0] == settings.exponent.street
    assert reach[0] == pytest.approx(10 ** (budget / (10 * settings.exponent.street)))
    # 20 dBm, -70 dBm, street exponent 2.8 at 2.4 GHz: about 60 m
    assert 55 < reach[0] < 65


def test_path_loss_grid_covers_the_disc_of_its_reach() -> None:
    model = PathLossModel(PathLossSettings(cell_m=1.0))
    aps = one_ap()
    reach = float(model.link_budget(aps)[2][0])
    pct = zone_coverage(square_zone(), model.footprint(aps)).coverage_pct.iloc[0]
    assert pct == pytest.approx(100 * math.pi * reach**2 / SIDE_M**2, rel=0.03)


def test_environment_by_zone_or_ap_changes_the_exponent() -> None:
    model = PathLossModel(PathLossSettings(environment={"z": "open", "b": "indoor"}))
    assert model.environment("a", "z", "outdoor") == "open"
    assert model.environment("b", "z", "outdoor") == "indoor"
    assert model.environment("c", "y", "indoor") == "indoor"
    assert model.environment("c", "y", "outdoor") == "street"
    open_reach = model.link_budget(one_ap())[2][0]
    street_reach = PathLossModel(PathLossSettings()).link_budget(one_ap())[2][0]
    assert open_reach > 2 * street_reach


def test_a_building_wall_shadows_the_cells_behind_it() -> None:
    settings = PathLossSettings(cell_m=1.0, wall_loss_db=30.0)
    wall = shapely.box(CX + 20, CY - 200, CX + 30, CY + 200)  # a long building east of the AP
    free = PathLossModel(settings).signal(one_ap())
    walled = PathLossModel(settings, buildings=[wall]).signal(one_ap())
    row, col = free.grid.cell_of(np.array([CX + 45.0]), np.array([CY]))
    assert free.covered[row[0], col[0]]
    assert not walled.covered[row[0], col[0]]  # behind two walls: 60 dB less
    row_w, col_w = free.grid.cell_of(np.array([CX - 45.0]), np.array([CY]))
    assert walled.covered[row_w[0], col_w[0]]  # west of the AP nothing changes
    assert walled.covered.sum() < free.covered.sum()


def test_water_is_cut_out_of_the_zone_before_the_percentage() -> None:
    coverage = RadiusModel(CoverageSettings()).footprint(one_ap(radius_m=1000.0))
    water = shapely.box(CX - SIDE_M, CY - SIDE_M, CX, CY + SIDE_M)  # the western half
    figures = zone_coverage(square_zone(), coverage, water)
    assert figures.land_km2.iloc[0] == pytest.approx(SIDE_M**2 / 2 / 1e6)
    assert figures.coverage_pct.iloc[0] == pytest.approx(100.0)


def test_a_zone_all_water_has_no_percentage() -> None:
    coverage = RadiusModel(CoverageSettings()).footprint(one_ap(radius_m=50.0))
    water = shapely.box(CX - SIDE_M, CY - SIDE_M, CX + SIDE_M, CY + SIDE_M)
    assert zone_coverage(square_zone(), coverage, water).coverage_pct.isna().all()


def test_no_ap_covers_nothing() -> None:
    empty = one_ap().iloc[0:0]
    for model in (RadiusModel(CoverageSettings()), PathLossModel(PathLossSettings())):
        coverage = model.footprint(empty)
        assert zone_coverage(square_zone(), coverage).coverage_pct.iloc[0] == 0.0


def test_commune_outline_is_a_target_zone_read_with_pyogrio() -> None:
    commune = read_polygons(COMMUNE)
    assert list(commune["id"]) == ["73008"] and list(commune["name"]) == ["Aix-les-Bains"]
    area_km2 = commune.to_crs(LAMBERT93).area.iloc[0] / 1e6
    assert 12 < area_km2 < 17  # Aix-les-Bains, with its share of the lake: about 15.8 km²
    hall = gpd.GeoDataFrame({"id": ["hall"], "placement": ["outdoor"]},
                            geometry=[shapely.Point(5.9157, 45.6884)], crs="EPSG:4326")
    coverage = RadiusModel(CoverageSettings()).footprint(hall)
    pct = zone_coverage(commune, coverage).coverage_pct.iloc[0]
    assert pct == pytest.approx(100 * math.pi * 100**2 / (area_km2 * 1e6), rel=0.01)


def test_unusable_layers_are_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(LayerError, match="no such file"):
        read_polygons(tmp_path / "missing.geojson")
    points = tmp_path / "points.geojson"
    points.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                      '"properties": {}, "geometry": {"type": "Point", "coordinates": [5, 45]}}]}')
    with pytest.raises(LayerError, match="no Polygon"):
        read_union(points)
    with pytest.raises(LayerError, match="no field 'nom_quartier'"):
        read_polygons(COMMUNE, name_field="nom_quartier")
    garbage = tmp_path / "minutes.geojson"
    garbage.write_text("Compte rendu de la réunion du comité")
    with pytest.raises(LayerError, match="cannot read"):
        read_polygons(garbage)
