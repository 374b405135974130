"""Geomap: every AP at its place, coloured by status (up/down) and sized by its clients.

Neither InfluxDB nor Prometheus holds the AP positions: they come from the config as a CSV
frame (Grafana's TestData data source), joined to each AP's newest status on `ap`.
"""

from __future__ import annotations

from grafana_foundation_sdk.builders import geomap
from grafana_foundation_sdk.builders.common import FrameGeometrySource, MapLayerOptions
from grafana_foundation_sdk.builders.dashboard import Dashboard
from grafana_foundation_sdk.models.common import FrameGeometrySourceMode

from dashboards.panels import UP_MAPPING, WIDE_SPAN, thresholds, transformation
from dashboards.queries import MIXED_DATASOURCE, Query, inventory_query
from dashboards.shell import BuildContext, netmon_dashboard, zone_variable

MAP_HEIGHT = 18
MARKER_MIN_PX, MARKER_MAX_PX = 5, 20
ZONE = '"zone" =~ /^$zone$/'
PROM_ZONE = 'zone=~"$zone"'

STATUS_INFLUX = Query(
    influx=('SELECT last("up") AS "up", last("clients") AS "clients" FROM "ap" WHERE '
            f'$timeFilter AND {ZONE} GROUP BY "ap"'),
    prom="", table=True)
UP_PROM = Query(influx="", prom=f"max by (ap) (netmon_ap_up{{{PROM_ZONE}}})", table=True)
CLIENTS_PROM = Query(influx="", prom=f"max by (ap) (netmon_ap_clients{{{PROM_ZONE}}})",
                     table=True)


def _markers() -> MapLayerOptions:
    style = {
        "color": {"field": "up", "fixed": "green"},
        "size": {"field": "clients", "fixed": MARKER_MIN_PX, "min": MARKER_MIN_PX,
                 "max": MARKER_MAX_PX},
        "symbol": {"fixed": "img/icons/marker/circle.svg", "mode": "fixed"},
        "opacity": 0.8,
        "text": {"field": "name", "fixed": "", "mode": "field"},
        "textConfig": {"fontSize": 10, "offsetY": -14, "textAlign": "center",
                       "textBaseline": "middle"},
    }
    return (MapLayerOptions().type("markers").name("APs").tooltip(True)
            .config({"showLegend": True, "style": style})
            .location(FrameGeometrySource().mode(FrameGeometrySourceMode.COORDS)
                      .latitude("lat").longitude("lon")))


def build(ctx: BuildContext) -> Dashboard:
    f = ctx.flavour
    panel = (geomap.Panel().title("Wi-Fi APs: status and clients now")
             .description("Colour: up (green) or down (red); size: Wi-Fi clients. Positions "
                          "from the netmon config (TestData data source netmon-inventory).")
             .span(WIDE_SPAN).height(MAP_HEIGHT).datasource(MIXED_DATASOURCE)
             .view(geomap.MapViewConfig().id("fit").all_layers(True).zoom(15).max_zoom(18))
             .controls(geomap.ControlsOptions().show_zoom(True).mouse_wheel_zoom(True)
                       .show_scale(True))
             .layers([_markers()])
             .mappings([UP_MAPPING])
             .thresholds(thresholds((None, "red"), (1, "green"))))
    if f == "influxdb":
        panel = panel.with_target(STATUS_INFLUX.build(f, "A"))
        renames = {}
    else:
        panel = panel.with_target(UP_PROM.build(f, "A")).with_target(CLIENTS_PROM.build(f, "B"))
        renames = {"Value #A": "up", "Value #B": "clients"}
    panel = (panel.with_target(inventory_query(ctx.inventory_csv, "Z"))
             .with_transformation(transformation("joinByField",
                                                 {"byField": "ap", "mode": "inner"}))
             .with_transformation(transformation("organize", {
                 "excludeByName": {"Time": True, "Time 1": True, "Time 2": True},
                 "renameByName": renames})))
    return (netmon_dashboard("map", "AP map", ctx, time_from="now-1h")
            .with_variable(zone_variable(f))
            .with_panel(panel))
