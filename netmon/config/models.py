"""Typed configuration models; unknown keys are rejected everywhere."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from collectors.snmp.settings import PartialCredentials, PollSettings, SnmpCredentials
from collectors.traps.settings import TrapSettings
from dashboards.settings import GrafanaSettings
from geo.settings import MapSettings
from netmon.alerts.settings import AlertSettings, MaintenanceWindow
from netmon.cluster.settings import ClusterSettings
from netmon.export.settings import InfluxSettings, ShardSettings
from netmon.fibre.settings import FibreSettings
from netmon.report.settings import ReportSettings
from netmon.web.settings import HttpSettings
from netmon.web.status.settings import StatusPageSettings

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Port = Annotated[int, Field(ge=1, le=65535)]

Placement = Literal["indoor", "outdoor"]
MAC_DIGITS = re.compile(r"[0-9a-f]{12}")


def normalize_mac(text: str) -> str:
    """aa:bb:cc:dd:ee:ff from any usual spelling (colons, dashes, Cisco dots, bare hex)."""
    digits = re.sub(r"[:.\-\s]", "", text.strip().lower())
    if not MAC_DIGITS.fullmatch(digits):
        raise ValueError(f"not a MAC address: {text!r} (e.g. 00:3a:7d:11:22:01)")
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ApDefaults(Strict):
    """What a zone, a group or `defaults:` sets for the APs below it; an AP overrides any key."""

    port: Port | None = None
    profile: str | None = None
    credentials: PartialCredentials | None = None
    placement: Placement | None = None
    site: str | None = None
    model: str | None = None
    uplink_if: str | None = None
    radius_m: Annotated[float, Field(gt=0, le=5000)] | None = None
    interval_s: Annotated[int, Field(ge=5, le=86400)] | None = None


class ListedSource(Strict):
    """The site of a published hotspot list an imported AP stands for: how a refresh finds it."""

    site: Annotated[str, Field(min_length=1, max_length=200)]
    status: str | None = None  # the list's own word, as published
    missing_since: date | None = None  # gone from the list: disabled, never deleted


class AccessPoint(Strict):
    """One Wi-Fi access point, after inheritance has been applied."""

    id: Identifier
    name: str
    zone: Identifier
    lat: Latitude
    lon: Longitude
    host: str | None = None
    port: Port = 161
    profile: str = "auto"
    credentials: SnmpCredentials | None = None
    placement: Placement = "outdoor"
    site: str | None = None
    address: str | None = None
    model: str | None = None
    uplink_if: str | None = None
    radius_m: Annotated[float, Field(gt=0, le=5000)] | None = None
    interval_s: Annotated[int, Field(ge=5, le=86400)] | None = None
    # An AP reported by a controller (Cisco WLC, Aruba VC, Ruckus ZD) is polled through it.
    controller: Identifier | None = None
    controller_name: str | None = None
    # What a controller keys the AP by: matched before any name (names repeat, MACs do not).
    mac: str | None = None
    serial: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    enabled: bool = True
    source: ListedSource | None = None  # written by `netmon inventory import`
    # Simulation only: how `netmon sim` makes this AP behave.
    sim: Literal["normal", "down", "flapping", "silent", "saturating"] = "normal"

    @field_validator("mac")
    @classmethod
    def _mac(cls, v: str | None) -> str | None:
        return None if v is None else normalize_mac(v)

    @field_validator("uplink_if")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from exc
        return v

    @model_validator(mode="after")
    def _reachable(self) -> AccessPoint:
        if self.controller is None:
            if not self.host:
                raise ValueError("an AP needs a host (or a controller that reports it)")
            if self.credentials is None:
                raise ValueError("no SNMP credentials: set them on the AP, its zone or defaults")
        return self


class Controller(Strict):
    """A wireless controller that reports many APs (each becomes its own AP in netmon)."""

    id: Identifier
    name: str
    host: str
    port: Port = 161
    profile: str = "auto"  # auto: picked by sysObjectID among the controller profiles
    credentials: SnmpCredentials
    interval_s: Annotated[int, Field(ge=5, le=86400)] | None = None


class Zone(Strict):
    """A district or site the town cares about, e.g. the city centre or the Grand Port."""

    id: Identifier
    name: str
    polygon: list[tuple[Longitude, Latitude]] | None = None
    geojson: Path | None = None
    # The whole outline when it is more than one ring (from `geojson:` or `zones_from:`):
    # polygons, each an outer ring then its holes, as GeoJSON MultiPolygon coordinates.
    # `polygon` is then the outer ring of the largest polygon.
    parts: list[list[list[tuple[Longitude, Latitude]]]] | None = None
    ap_defaults: ApDefaults = ApDefaults()

    def outline(self) -> BaseGeometry | None:
        """The zone's area: every polygon with its holes (shapely), or None."""
        from shapely.geometry import MultiPolygon, Polygon

        if self.parts:
            polygons = [Polygon(rings[0], rings[1:]) for rings in self.parts]
            return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
        return Polygon(self.polygon) if self.polygon else None

    @field_validator("polygon")
    @classmethod
    def _ring(cls, v: list[tuple[float, float]] | None) -> list[tuple[float, float]] | None:
        if v is None:
            return v
        if len(v) < 3:
            raise ValueError("a polygon needs at least 3 [lon, lat] points")
        return v if v[0] == v[-1] else [*v, v[0]]

    @model_validator(mode="after")
    def _one_outline(self) -> Zone:
        if self.polygon is not None and self.geojson is not None:
            raise ValueError("give either polygon or geojson, not both")
        return self


# Retention beyond a century is a typo, and would overflow the nanosecond time arithmetic.
MAX_RETENTION_DAYS = 36500


class StoreSettings(Strict):
    path: Path = Path("netmon.db")
    # A connection string (postgresql://user:${PG_PASSWORD}@host/netmon) replaces the file:
    # the shared backend of several pollers and `netmon web` (docs/store.md).
    url: SecretStr | None = None
    raw_days: Annotated[int, Field(ge=1, le=MAX_RETENTION_DAYS)] = 30
    # 5-minute detail for a quarter (as Zabbix keeps its history), hourly for 10 years:
    # with raw points for 30 days, about 7 MB per AP per year (docs/store.md).
    rollup_5m_days: Annotated[int, Field(ge=1, le=MAX_RETENTION_DAYS)] = 90
    rollup_1h_days: Annotated[int, Field(ge=1, le=MAX_RETENTION_DAYS)] = 3650
    batch_size: Annotated[int, Field(ge=1, le=100000)] = 1000
    # Measurements whose raw points retention never deletes: slow, dated history such as fibre.
    keep_raw: list[str] = ["fibre"]

    @field_validator("url")
    @classmethod
    def _backend(cls, v: SecretStr | None) -> SecretStr | None:
        if v is None:
            return v
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            backend = make_url(v.get_secret_value()).get_backend_name()
        except ArgumentError:
            raise ValueError("not a database URL (e.g. postgresql://netmon@db.example/netmon)"
                             ) from None
        if backend != "postgresql":
            raise ValueError(f"{backend!r}: only postgresql URLs (the file is store.path)")
        return v


class NetmonConfig(Strict):
    """The whole configuration, inventory resolved, paths absolute."""

    site: str = "netmon"
    language: Literal["fr", "en"] = "en"
    timezone: str = "Europe/Paris"
    poll: PollSettings = PollSettings()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as "
                             "Europe/Paris)") from None
        return value
    store: StoreSettings = StoreSettings()
    alerts: AlertSettings = AlertSettings()
    maintenance: list[MaintenanceWindow] = []
    traps: TrapSettings | None = None
    fibre: FibreSettings | None = None
    influxdb: InfluxSettings | None = None
    http: HttpSettings = HttpSettings()
    grafana: GrafanaSettings | None = None
    status_page: StatusPageSettings = StatusPageSettings()
    shard: ShardSettings = ShardSettings()
    # Pollers sharing shards by lease in the PostgreSQL store (docs/cluster.md).
    cluster: ClusterSettings | None = None
    maps: MapSettings = MapSettings()
    report: ReportSettings = ReportSettings()
    zones: list[Zone] = []
    controllers: list[Controller] = []
    aps: list[AccessPoint] = []
    source: Path | None = None

    @model_validator(mode="after")
    def _one_way_to_share(self) -> NetmonConfig:
        if self.cluster is not None:
            if self.store.url is None:
                raise ValueError("cluster: needs the shared PostgreSQL store (store.url): "
                                 "pollers lease their shards there")
            if self.shard.count > 1:
                raise ValueError("cluster: and shard: are two ways to split the inventory; "
                                 "keep cluster: (leases, failover) and remove shard:")
        return self

    def zone(self, zone_id: str) -> Zone:
        return next(z for z in self.zones if z.id == zone_id)
