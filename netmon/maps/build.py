"""Builds the map layers of one config at one moment, for a scenario."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from geo.coverage import Coverage, CoverageModel, zone_coverage
from geo.crs import LAMBERT93, WGS84
from geo.labels import label
from geo.mapdata import MapLayers
from geo.pathloss import PathLossModel
from geo.radius import RadiusModel
from netmon.config.models import NetmonConfig
from netmon.fibre.progress import ZoneProgress
from netmon.maps.fibre_layers import fibre_buildings, fibre_districts, rollout
from netmon.maps.fleet_now import ApNow, fleet_now
from netmon.maps.inputs import (
    ap_frame,
    building_footprints,
    target_frame,
    water_union,
    zone_frame,
)
from netmon.maps.scenario import Scenario

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

NETMON_SOURCE = "netmon (SNMP)"
# The states only a recent poll gives: a zone without any has no coverage figure.
POLLED_STATES = ("up", "down")


def coverage_model(config: NetmonConfig) -> CoverageModel:
    settings = config.maps.coverage
    if settings.model == "pathloss":
        return PathLossModel(settings.pathloss,
                             building_footprints(config, settings.pathloss.buildings))
    return RadiusModel(settings)


def coverage_of(config: NetmonConfig, aps: gpd.GeoDataFrame,
                water: BaseGeometry | None) -> Coverage:
    """The covered area of the APs marked `counted`, water cut out."""
    found = coverage_model(config).footprint(aps[aps["counted"]])
    if water is not None and not found.footprint.is_empty:
        return Coverage(found.footprint.difference(water), found.model, found.aps_counted)
    return found


def _note(config: NetmonConfig, coverage: Coverage, scenario: Scenario,
          states: set[str]) -> str:
    lang = config.language
    model = label(lang, "model_radius") if coverage.model == "radius" else label(
        lang, "model_pathloss", threshold=f"{config.maps.coverage.pathloss.threshold_dbm:g}")
    parts = [model, label(lang, "counted", n=coverage.aps_counted)]
    if scenario.assume_up:
        parts.append(label(lang, "assumed_up"))
    if scenario.without:
        parts.append(label(lang, "what_if", aps=", ".join(scenario.without)))
    if not scenario.assume_up and not states & {"up", "down"}:
        parts.append(label(lang, "no_polls"))
    return "; ".join(parts)


def _count_inside(zones: gpd.GeoDataFrame, aps: gpd.GeoDataFrame, column: str) -> list[int]:
    import geopandas as gpd

    inside = gpd.sjoin(aps[[column, "geometry"]], zones[["geometry"]], predicate="within")
    counts = inside.groupby("index_right")[column].sum()
    return [int(counts.get(i, 0)) for i in zones.index]


def target_coverage(config: NetmonConfig, aps: gpd.GeoDataFrame, coverage: Coverage,
                    water: BaseGeometry | None, targets: gpd.GeoDataFrame,
                    assume_up: bool = False) -> gpd.GeoDataFrame:
    """Target zones with their coverage figures and AP counts, WGS84.

    A zone where no AP was polled has no coverage_pct (no data), not a false 0 %, unless
    `assume_up` counts the APs as deployed.
    """
    figures = zone_coverage(targets, coverage, water).to_crs(WGS84)
    flags = aps.assign(enabled=(aps["state"] != "disabled").astype(int),
                       counted=aps["counted"].astype(int),
                       polled=aps["state"].isin(POLLED_STATES).astype(int))
    figures["aps_total"] = _count_inside(figures, flags, "enabled")
    figures["aps_counted"] = _count_inside(figures, flags, "counted")
    figures["aps_polled"] = _count_inside(figures, flags, "polled")
    if not assume_up:
        figures["coverage_pct"] = figures["coverage_pct"].where(figures["aps_polled"] > 0)
    return figures


NOW_ONLY = Scenario()


def build_layers(config: NetmonConfig, now_ns: int, scenario: Scenario = NOW_ONLY,
                 fleet: dict[str, ApNow] | None = None,
                 progress: list[ZoneProgress] | None = None) -> MapLayers:
    """Read the store (unless `fleet`/`progress` are given) and compute every layer."""
    import geopandas as gpd

    fleet = fleet_now(config, now_ns) if fleet is None else fleet
    aps = ap_frame(config, fleet)
    aps["counted"] = [scenario.counts(i, s) for i, s in zip(aps["id"], aps["state"],
                                                             strict=True)]
    water = water_union(config)
    coverage = coverage_of(config, aps, water)
    zones = target_coverage(config, aps, coverage, water, target_frame(config),
                            scenario.assume_up)
    progress = rollout(config) if progress is None else progress
    sources = [NETMON_SOURCE, *config.maps.sources]
    sources += sorted({label(config.language, f"src_{p.source}") for p in progress})
    return MapLayers(
        site=config.site, language=config.language,
        generated=datetime.fromtimestamp(now_ns / 1e9, ZoneInfo(config.timezone)),
        aps=aps,
        zones=zones,
        coverage=gpd.GeoDataFrame({"model": [coverage.model], "aps": [coverage.aps_counted]},
                                  geometry=[coverage.footprint], crs=LAMBERT93).to_crs(WGS84),
        coverage_note=_note(config, coverage, scenario, set(aps["state"])),
        water=None if water is None else gpd.GeoDataFrame(
            geometry=[water], crs=LAMBERT93).to_crs(WGS84),
        fibre=fibre_districts(zone_frame(config), progress),
        buildings=fibre_buildings(config),
        sources=sources,
        tiles=config.maps.tiles,
        assume_up=scenario.assume_up,
    )
