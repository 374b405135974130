"""Fleet overview: how many APs are up, down and silent now, uptime, clients, and which APs are
down."""

from __future__ import annotations

from grafana_foundation_sdk.builders.dashboard import Dashboard

from dashboards.panels import (
    HALF_SPAN,
    UP_MAPPING,
    series_panel,
    stat_panel,
    table_panel,
    thresholds,
    transformation,
)
from dashboards.queries import Query
from dashboards.shell import BuildContext, netmon_dashboard, zone_variable

ZONE = '"zone" =~ /^$zone$/'
PROM_ZONE = 'zone=~"$zone"'
FLEET_STAT_SPAN = 4  # six stats in one row of 24 columns
# The newest value of each AP in the range, so an AP that stopped answering still counts.
LAST_UP_PER_AP = f'SELECT last("up") AS "up" FROM "ap" WHERE $timeFilter AND {ZONE} GROUP BY "ap"'
LAST_SILENT_PER_AP = ('SELECT last("silent") AS "silent" FROM "ap" WHERE $timeFilter AND '
                      f'{ZONE} GROUP BY "ap"')
LAST_RADIOS_DOWN_PER_AP = ('SELECT last("radios_down") AS "radios_down" FROM "ap" WHERE '
                           f'$timeFilter AND {ZONE} GROUP BY "ap"')
LAST_CLIENTS_PER_AP = ('SELECT last("clients") AS "clients" FROM "ap" WHERE $timeFilter AND '
                       f'{ZONE} GROUP BY "ap"')

UP_NOW = Query(influx=f'SELECT sum("up") FROM ({LAST_UP_PER_AP})',
               prom=f"sum(netmon_ap_up{{{PROM_ZONE}}})", instant=True)
DOWN_NOW = Query(influx=f'SELECT count("up") - sum("up") FROM ({LAST_UP_PER_AP})',
                 prom=f"count(netmon_ap_up{{{PROM_ZONE}}} == 0) or vector(0)", instant=True)
SILENT_NOW = Query(influx=f'SELECT sum("silent") FROM ({LAST_SILENT_PER_AP})',
                   prom=f"sum(netmon_ap_silent{{{PROM_ZONE}}}) or vector(0)", instant=True)
RADIOS_DOWN_NOW = Query(influx=f'SELECT sum("radios_down") FROM ({LAST_RADIOS_DOWN_PER_AP})',
                        prom=f"sum(netmon_ap_radios_down{{{PROM_ZONE}}}) or vector(0)",
                        instant=True)
UPTIME_PCT = Query(influx=f'SELECT mean("up") * 100 FROM "ap" WHERE $timeFilter AND {ZONE}',
                   prom=f"100 * avg(avg_over_time(netmon_ap_up{{{PROM_ZONE}}}[$__range]))",
                   instant=True)
CLIENTS_NOW = Query(influx=f'SELECT sum("clients") FROM ({LAST_CLIENTS_PER_AP})',
                    prom=f"sum(netmon_ap_clients{{{PROM_ZONE}}})", instant=True)
DOWN_APS = Query(
    influx=('SELECT "up", "ap_name", "zone" FROM (SELECT last("up") AS "up" FROM "ap" '
            f'WHERE $timeFilter AND {ZONE} GROUP BY "ap", "ap_name", "zone") '
            'WHERE "up" = 0 GROUP BY "ap"'),
    prom=f"netmon_ap_up{{{PROM_ZONE}}} == 0", table=True)
UP_OVER_TIME = Query(
    influx=('SELECT sum("up") FROM (SELECT last("up") AS "up" FROM "ap" WHERE $timeFilter AND '
            f'{ZONE} GROUP BY time($__interval), "ap", "zone") '
            'GROUP BY time($__interval), "zone" fill(none)'),
    prom=f"sum by (zone) (netmon_ap_up{{{PROM_ZONE}}})",
    legend="$tag_zone", prom_legend="{{zone}}")
CLIENTS_BY_ZONE = Query(
    influx=('SELECT sum("clients") FROM (SELECT mean("clients") AS "clients" FROM "ap" WHERE '
            f'$timeFilter AND {ZONE} GROUP BY time($__interval), "ap", "zone") '
            'GROUP BY time($__interval), "zone" fill(none)'),
    prom=f"sum by (zone) (netmon_ap_clients{{{PROM_ZONE}}})",
    legend="$tag_zone", prom_legend="{{zone}}")
UPTIME_BY_AP = Query(
    influx=('SELECT mean("up") * 100 AS "uptime" FROM "ap" WHERE $timeFilter AND '
            f'{ZONE} GROUP BY "ap", "zone"'),
    prom=f"100 * avg by (ap, zone) (avg_over_time(netmon_ap_up{{{PROM_ZONE}}}[$__range]))",
    table=True)


def build(ctx: BuildContext) -> Dashboard:
    f = ctx.flavour
    down_table = (table_panel("APs down now", f, [DOWN_APS],
                              description="Every AP whose newest poll failed.")
                  .mappings([UP_MAPPING])
                  .with_transformation(transformation("organize", {
                      "excludeByName": {"Time": True, "__name__": True},
                      "renameByName": {"Value": "up"}})))
    worst = (table_panel("Uptime per AP over the range, worst first", f, [UPTIME_BY_AP],
                         description="Share of polls the AP answered.")
             .unit("percent").thresholds(thresholds((None, "red"), (99, "orange"),
                                                    (99.9, "green")))
             .with_transformation(transformation("organize", {
                 "excludeByName": {"Time": True}, "renameByName": {"Value": "uptime"}}))
             .with_transformation(transformation("sortBy", {
                 "sort": [{"field": "uptime", "desc": False}]})))
    return (netmon_dashboard("fleet", "Fleet overview", ctx)
            .with_variable(zone_variable(f))
            .with_panel(stat_panel("APs up now", f, UP_NOW).span(FLEET_STAT_SPAN)
                        .thresholds(thresholds((None, "green"))))
            .with_panel(stat_panel("APs down now", f, DOWN_NOW).span(FLEET_STAT_SPAN)
                        .thresholds(thresholds((None, "green"), (1, "red"))))
            .with_panel(stat_panel("Silent APs", f, SILENT_NOW,
                                   description="APs that answer but serve nobody at an hour "
                                   "they usually have clients.").span(FLEET_STAT_SPAN)
                        .thresholds(thresholds((None, "green"), (1, "orange"))))
            .with_panel(stat_panel("Radios and SSIDs down", f, RADIOS_DOWN_NOW,
                                   description="Radios and SSIDs the APs report down, all APs "
                                   "together.").span(FLEET_STAT_SPAN)
                        .thresholds(thresholds((None, "green"), (1, "orange"))))
            .with_panel(stat_panel("Uptime over the range", f, UPTIME_PCT, "percent",
                                   "Share of polls answered, all APs of the chosen zones.")
                        .span(FLEET_STAT_SPAN).decimals(2)
                        .thresholds(thresholds((None, "red"), (99, "orange"), (99.9, "green"))))
            .with_panel(stat_panel("Wi-Fi clients now", f, CLIENTS_NOW,
                                   description="Associated clients: a count, no identity.")
                        .span(FLEET_STAT_SPAN))
            .with_panel(down_table)
            .with_panel(worst)
            .with_panel(series_panel("APs up, by zone", f, [UP_OVER_TIME], span=HALF_SPAN))
            .with_panel(series_panel("Wi-Fi clients, by zone", f, [CLIENTS_BY_ZONE])))
