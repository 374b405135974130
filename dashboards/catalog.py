"""The five netmon dashboards, built for a flavour, as the JSON Grafana stores."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, get_args

from grafana_foundation_sdk.builders.dashboard import Dashboard
from grafana_foundation_sdk.cog.encoder import JSONEncoder

from dashboards import ap_detail, fibre, fleet, geomap, zone_usage
from dashboards.queries import FlavourName
from dashboards.shell import BuildContext
from netmon.config.models import NetmonConfig

FLAVOURS: Final[tuple[FlavourName, ...]] = get_args(FlavourName)
INVENTORY_COLUMNS: Final = ("ap", "name", "zone", "lat", "lon")
COORDINATE_DECIMALS: Final = 6  # about 10 cm: as precise as any inventory
# The SDK writes these interval-variable keys on every variable; Grafana's schema has none.
INTERVAL_ONLY_KEYS: Final = ("auto", "auto_count", "auto_min")


@dataclass(frozen=True, slots=True)
class DashboardSpec:
    slug: str
    build: Callable[[BuildContext], Dashboard]


DASHBOARDS: Final = (
    DashboardSpec("fleet", fleet.build),
    DashboardSpec("ap", ap_detail.build),
    DashboardSpec("zones", zone_usage.build),
    DashboardSpec("fibre", fibre.build),
    DashboardSpec("map", geomap.build),
)


def inventory_csv(config: NetmonConfig) -> str:
    """The enabled APs with their positions: what the map joins the status to."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(INVENTORY_COLUMNS)
    for ap in config.aps:
        if ap.enabled:
            writer.writerow([ap.id, ap.name, ap.zone, round(ap.lat, COORDINATE_DECIMALS),
                             round(ap.lon, COORDINATE_DECIMALS)])
    return out.getvalue()


def context(config: NetmonConfig, flavour: FlavourName) -> BuildContext:
    return BuildContext(flavour=flavour, site=config.site, inventory_csv=inventory_csv(config))


def dashboard_json(spec: DashboardSpec, ctx: BuildContext) -> dict[str, Any]:
    """The dashboard as plain JSON data (what Grafana's HTTP API and provisioning take)."""
    data: dict[str, Any] = json.loads(json.dumps(spec.build(ctx).build(), cls=JSONEncoder))
    for panel_id, panel in enumerate(data.get("panels", []), start=1):
        panel["id"] = panel_id  # stable ids: links to a panel (viewPanel=N) keep working
    for variable in data.get("templating", {}).get("list", []):
        if variable.get("type") != "interval":
            for key in INTERVAL_ONLY_KEYS:
                variable.pop(key, None)
    return data


def build_all(config: NetmonConfig) -> dict[tuple[FlavourName, str], dict[str, Any]]:
    """Every dashboard of every flavour, keyed by (flavour, slug)."""
    return {(flavour, spec.slug): dashboard_json(spec, context(config, flavour))
            for flavour in FLAVOURS for spec in DASHBOARDS}
