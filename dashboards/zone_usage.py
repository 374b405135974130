"""Zone usage: Wi-Fi clients by zone and by hour (series and heatmap), peaks, silent APs, busy
radios, traffic, APs answering per zone."""

from __future__ import annotations

from grafana_foundation_sdk.builders import table
from grafana_foundation_sdk.builders.dashboard import Dashboard

from dashboards.panels import (
    WIDE_SPAN,
    bars_panel,
    heatmap_panel,
    series_panel,
    table_panel,
    thresholds,
    transformation,
)
from dashboards.queries import Query
from dashboards.shell import BuildContext, netmon_dashboard, zone_variable

ZONE = '"zone" =~ /^$zone$/'
PROM_ZONE = 'zone=~"$zone"'
HOUR = "1h"


def _hourly_sum(field: str) -> str:
    """Hourly mean per AP, then summed per zone: an AP polled twice as often counts once."""
    return (f'SELECT sum("{field}") FROM (SELECT mean("{field}") AS "{field}" FROM "ap" WHERE '
            f'$timeFilter AND {ZONE} GROUP BY time({HOUR}), "ap", "zone") '
            f'GROUP BY time({HOUR}), "zone" fill(none)')


CLIENTS_HOURLY = Query(
    influx=_hourly_sum("clients"),
    prom=f"sum by (zone) (avg_over_time(netmon_ap_clients{{{PROM_ZONE}}}[{HOUR}]))",
    legend="$tag_zone", prom_legend="{{zone}}", interval=HOUR)
CLIENTS_NOW = Query(
    influx=('SELECT sum("clients") FROM (SELECT last("clients") AS "clients" FROM "ap" WHERE '
            f'$timeFilter AND {ZONE} GROUP BY "ap", "zone") GROUP BY "zone"'),
    prom=f"sum by (zone) (netmon_ap_clients{{{PROM_ZONE}}})",
    legend="$tag_zone", prom_legend="{{zone}}", instant=True)
PEAK_HOUR = Query(
    influx=('SELECT max("clients") FROM (SELECT sum("clients") AS "clients" FROM '
            '(SELECT mean("clients") AS "clients" FROM "ap" WHERE '
            f'$timeFilter AND {ZONE} GROUP BY time({HOUR}), "ap", "zone") '
            f'GROUP BY time({HOUR}), "zone") GROUP BY "zone"'),
    prom=(f"max by (zone) (max_over_time((sum by (zone) (avg_over_time("
          f"netmon_ap_clients{{{PROM_ZONE}}}[{HOUR}])))[$__range:{HOUR}]))"),
    legend="$tag_zone", prom_legend="{{zone}}", instant=True)
APS_UP = Query(
    influx=('SELECT sum("up") FROM (SELECT last("up") AS "up" FROM "ap" WHERE '
            f'$timeFilter AND {ZONE} GROUP BY "ap", "zone") GROUP BY "zone"'),
    prom=f"sum by (zone) (netmon_zone_aps_up{{{PROM_ZONE}}})",
    legend="$tag_zone", prom_legend="{{zone}}", instant=True)
# silent: reachable but serving nobody when clients are expected (netmon's judgement, 1 or 0).
SILENT_NOW = Query(
    influx=('SELECT sum("silent") FROM (SELECT last("silent") AS "silent" FROM "ap" WHERE '
            f'$timeFilter AND {ZONE} GROUP BY "ap", "zone") GROUP BY "zone"'),
    prom=f"sum by (zone) (netmon_ap_silent{{{PROM_ZONE}}})",
    legend="$tag_zone", prom_legend="{{zone}}", instant=True)
BUSIEST_RADIOS_SHOWN = 10
BUSIEST_RADIOS = Query(
    influx=('SELECT mean("utilization_pct") AS "utilisation" FROM "ap_radio" WHERE '
            f'$timeFilter AND {ZONE} GROUP BY "ap", "ap_name", "zone", "radio", "band"'),
    prom=(f"topk({BUSIEST_RADIOS_SHOWN}, 100 * avg_over_time("
          f"netmon_radio_channel_utilization_ratio{{{PROM_ZONE}}}[$__range]))"),
    table=True)
TRAFFIC_IN = Query(
    influx=_hourly_sum("rx_bps"),
    prom=f"8 * sum by (zone) (avg_over_time(netmon_ap_receive_bytes_per_second{{{PROM_ZONE}}}"
         f"[{HOUR}]))",
    legend="$tag_zone received", prom_legend="{{zone}} received", interval=HOUR)
TRAFFIC_OUT = Query(
    influx=_hourly_sum("tx_bps"),
    prom=f"8 * sum by (zone) (avg_over_time(netmon_ap_transmit_bytes_per_second{{{PROM_ZONE}}}"
         f"[{HOUR}]))",
    legend="$tag_zone sent", prom_legend="{{zone}} sent", interval=HOUR)


# Controllers count clients per SSID for all their APs: InfluxDB only (`ap_ssid`).
CLIENTS_PER_SSID = Query(
    influx=('SELECT mean("clients") FROM "ap_ssid" WHERE $timeFilter '
            f'GROUP BY time({HOUR}), "controller", "ssid" fill(none)'),
    prom="", legend="$tag_ssid ($tag_controller)")


def _busiest_radios(ctx: BuildContext) -> table.Panel:
    """The radios whose channel was busiest on average over the range, busiest first."""
    return (table_panel("Busiest radios by channel utilisation", ctx.flavour, [BUSIEST_RADIOS],
                        span=16, description="Mean channel utilisation over the range, top "
                        f"{BUSIEST_RADIOS_SHOWN}.")
            .unit("percent").decimals(1)
            .thresholds(thresholds((None, "green"), (50, "orange"), (80, "red")))
            .with_transformation(transformation("organize", {
                "excludeByName": {"Time": True, "__name__": True, "site": True},
                "renameByName": {"Value": "utilisation"}}))
            .with_transformation(transformation("sortBy", {
                "sort": [{"field": "utilisation", "desc": True}]}))
            .with_transformation(transformation("limit", {"limitField": BUSIEST_RADIOS_SHOWN})))


def build(ctx: BuildContext) -> Dashboard:
    f = ctx.flavour
    dash = (netmon_dashboard("zones", "Zone usage", ctx, time_from="now-7d")
            .with_variable(zone_variable(f))
            .with_panel(series_panel("Wi-Fi clients by zone, hour by hour", f, [CLIENTS_HOURLY],
                                     span=WIDE_SPAN,
                                     description="Mean clients of each hour, summed over the "
                                     "zone's APs."))
            .with_panel(heatmap_panel("Wi-Fi clients by zone and hour (heatmap)", f,
                                      CLIENTS_HOURLY,
                                      description="One row per zone, one cell per hour: mean "
                                      "clients of the hour, summed over the zone's APs."))
            .with_panel(bars_panel("Clients now", f, CLIENTS_NOW, span=8))
            .with_panel(bars_panel("Busiest hour over the range", f, PEAK_HOUR, span=8,
                                   description="Highest hourly client count of each zone."))
            .with_panel(bars_panel("APs answering now", f, APS_UP, span=8))
            .with_panel(bars_panel("Silent APs now", f, SILENT_NOW, span=8,
                                   description="APs that answer but serve nobody at an hour "
                                   "they usually have clients.")
                        .thresholds(thresholds((None, "green"), (1, "orange"))))
            .with_panel(_busiest_radios(ctx))
            .with_panel(series_panel("Traffic by zone, hour by hour", f,
                                     [TRAFFIC_IN, TRAFFIC_OUT], "bps", span=WIDE_SPAN)))
    if f == "influxdb":
        dash = dash.with_panel(series_panel("Wi-Fi clients per SSID (controllers)", f,
                                            [CLIENTS_PER_SSID], span=WIDE_SPAN))
    return dash
