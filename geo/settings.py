"""The `maps:` section of the config: coverage model, extra layers, tiles, credits.

Paths are relative to the config file. Only pydantic here: the config loader imports this
module, and `netmon run` must not pay for geopandas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Environment = Literal["open", "street", "indoor"]
CoverageModelName = Literal["radius", "pathloss"]
Metres = Annotated[float, Field(gt=0, le=5000)]
Dbm = Annotated[float, Field(ge=-120, le=60)]

# Wi-Fi channel 6, the 2.4 GHz band every phone hears.
DEFAULT_FREQUENCY_MHZ: Final = 2437.0


class _Strict(BaseModel):
    # Same rules as netmon.config.models, which imports this module.
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlacementRadius(_Strict):
    """A footprint radius for each placement."""

    indoor: Metres = 30.0
    outdoor: Metres = 100.0


class PlacementEirp(_Strict):
    """Radiated power (EIRP, dBm) for each placement; France allows 20 dBm at 2.4 GHz."""

    indoor: Dbm = 17.0
    outdoor: Dbm = 20.0


class Exponents(_Strict):
    """Log-distance path-loss exponent per environment (2 = free space)."""

    open: Annotated[float, Field(ge=1.5, le=6)] = 2.2
    street: Annotated[float, Field(ge=1.5, le=6)] = 2.8
    indoor: Annotated[float, Field(ge=1.5, le=6)] = 3.3


class LayerFile(_Strict):
    """A vector file read with pyogrio (GeoJSON, GeoPackage, Shapefile...) and its layer."""

    path: Path
    layer: str | None = None


class TargetFile(LayerFile):
    """Polygons to state coverage for, instead of the config's zones."""

    id_field: str | None = None
    name_field: str | None = None


class PathLossSettings(_Strict):
    """The log-distance model: P(d) = EIRP - FSPL(1 m) - 10 n log10(d) - walls x wall_loss."""

    frequency_mhz: Annotated[float, Field(ge=100, le=7200)] = DEFAULT_FREQUENCY_MHZ
    eirp_dbm: PlacementEirp = PlacementEirp()
    exponent: Exponents = Exponents()
    # Environment by zone id or AP id (the AP wins); default: indoor APs indoor, others street.
    environment: dict[str, Environment] = {}
    threshold_dbm: Dbm = -70.0
    wall_loss_db: Annotated[float, Field(ge=0, le=60)] = 8.0
    cell_m: Annotated[float, Field(ge=0.5, le=100)] = 5.0
    max_range_m: Metres = 800.0
    buildings: LayerFile | None = None


class CoverageSettings(_Strict):
    """How each AP's footprint is drawn."""

    model: CoverageModelName = "radius"
    # Radius model: the AP's radius_m, else its model's, else its profile's, else its placement's.
    radius_m: PlacementRadius = PlacementRadius()
    model_radius_m: dict[str, Metres] = {}
    profile_radius_m: dict[str, Metres] = {}
    pathloss: PathLossSettings = PathLossSettings()


class TileSource(_Strict):
    """A local basemap (e.g. a tile server on the town's network); none by default."""

    url: str
    attribution: str = ""
    max_zoom: Annotated[int, Field(ge=1, le=22)] = 19

    @field_validator("url")
    @classmethod
    def _template(cls, v: str) -> str:
        if not all(part in v for part in ("{z}", "{x}", "{y}")):
            raise ValueError("a tile URL template needs {z}, {x} and {y}")
        return v


class MapSettings(_Strict):
    """`maps:`: coverage, water, target zones, basemap and credits."""

    coverage: CoverageSettings = CoverageSettings()
    water: LayerFile | None = None
    targets: TargetFile | None = None
    tiles: TileSource | None = None
    sources: list[str] = []
    # An AP whose last poll is older than this many poll intervals is shown as unknown.
    stale_after_polls: Annotated[int, Field(ge=1, le=1000)] = 3
