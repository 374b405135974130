"""The fibre layers: % of premises connectable per district, and the building points."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from geo.vector_files import read_layer
from netmon.config.models import NetmonConfig
from netmon.db.url import database_exists
from netmon.fibre.history import FibreHistory
from netmon.fibre.paths import BUILDINGS_LAYER, FibrePaths
from netmon.fibre.progress import RolloutProgress, ZoneProgress
from netmon.fibre.settings import FibreSettings

if TYPE_CHECKING:
    import geopandas as gpd

# When a district has figures from several sources, the premises counts come first.
SOURCE_PREFERENCE: Final = ("milestones", "arcep-communes", "arcep-buildings")


def rollout(config: NetmonConfig) -> list[ZoneProgress]:
    """Progress of every fibre series in the store's history (none without a store)."""
    if not database_exists(config.store):
        return []
    with FibreHistory(config.store) as history:
        milestones = history.milestones()
    return RolloutProgress(config).of(milestones) if milestones else []


def district_progress(progress: list[ZoneProgress]) -> dict[str, ZoneProgress]:
    """One series per district: the preferred source's, with a % connectable."""
    best: dict[str, ZoneProgress] = {}
    for row in progress:
        if row.kind != "district" or row.pct_connectable is None:
            continue
        held = best.get(row.zone)
        if held is None or SOURCE_PREFERENCE.index(row.source) < \
                SOURCE_PREFERENCE.index(held.source):
            best[row.zone] = row
    return best


def fibre_districts(zones: gpd.GeoDataFrame, progress: list[ZoneProgress]
                    ) -> gpd.GeoDataFrame | None:
    """The config's zones with pct_connectable, day and source; None without any figure."""
    best = district_progress(progress)
    if not best:
        return None
    out = zones[zones["id"].isin(best)].copy()
    out["pct_connectable"] = [best[z].pct_connectable for z in out["id"]]
    out["day"] = [best[z].day.isoformat() for z in out["id"]]
    out["source"] = [best[z].source for z in out["id"]]
    out["premises_total"] = [best[z].premises_total for z in out["id"]]
    out["premises_connectable"] = [best[z].premises_connectable for z in out["id"]]
    return out.reset_index(drop=True)


def fibre_buildings(config: NetmonConfig) -> gpd.GeoDataFrame | None:
    """The newest base_imb building points (status, address), or None when never imported."""
    path = FibrePaths.of(config, config.fibre or FibreSettings()).buildings
    if not path.exists():
        return None
    frame = read_layer(path, BUILDINGS_LAYER)
    keep = [c for c in ("status", "address", "zone") if c in frame.columns]
    return frame[[*keep, "geometry"]]
