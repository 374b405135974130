"""Everything a map shows, as GeoDataFrames in WGS84: what the renderers draw."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Final

from geo.labels import Language
from geo.settings import TileSource

if TYPE_CHECKING:
    import geopandas as gpd

# AP states, in the order the legend lists them.
STATES: Final = ("up", "down", "maintenance", "unknown", "disabled")
STATE_COLOURS: Final = {"up": "#1a9641", "down": "#d7191c", "maintenance": "#2b83ba",
                        "unknown": "#8c8c8c", "disabled": "#bdbdbd", "assumed": "#78c679"}
# Under --assume-up an AP never polled is shown as assumed up, never as "unknown".
ASSUMED_UP: Final = "assumed"
LEGEND_STATES: Final = (*STATES[:3], ASSUMED_UP, *STATES[3:])
BUILDING_COLOURS: Final = {"connectable": "#1a9641", "planned": "#fdae61",
                           "abandoned": "#7b3294"}
COVERAGE_COLOUR: Final = "#6a51a3"
WATER_COLOUR: Final = "#a6cee3"
ZONE_COLOUR: Final = "#252525"


@dataclass(frozen=True)
class MapLayers:
    """The layers of the coverage and fibre maps.

    aps: id, name, zone, zone_name, address, state, clients, uptime_30d_pct, counted (bool).
    zones: id, name, coverage_pct, land_km2, covered_km2 (the coverage target zones).
    coverage: one row, the covered area. fibre: id, name, pct_connectable, day, source.
    buildings: status (connectable / planned / abandoned), address.
    assume_up: every enabled AP counted as up (`--assume-up`); an unknown AP shows so.
    """

    site: str
    language: Language
    generated: datetime
    aps: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    coverage: gpd.GeoDataFrame
    coverage_note: str
    water: gpd.GeoDataFrame | None = None
    fibre: gpd.GeoDataFrame | None = None
    buildings: gpd.GeoDataFrame | None = None
    sources: list[str] = field(default_factory=list)
    tiles: TileSource | None = None
    assume_up: bool = False

    def shown_states(self) -> list[str]:
        """Each AP's state as the legend names it: under --assume-up, unknown is assumed up."""
        return [ASSUMED_UP if self.assume_up and s == "unknown" else str(s)
                for s in self.aps["state"]] if "state" in self.aps else []

