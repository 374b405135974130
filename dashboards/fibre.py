"""Fibre progress: % of premises connectable per zone, against the plan, and its projection."""

from __future__ import annotations

from grafana_foundation_sdk.builders.dashboard import Dashboard

from dashboards.panels import (
    HALF_SPAN,
    WIDE_SPAN,
    bars_panel,
    series_panel,
    table_panel,
    thresholds,
    transformation,
)
from dashboards.queries import Query
from dashboards.shell import BuildContext, netmon_dashboard, zone_variable

ZONE = '"zone" =~ /^$zone$/'
PROM_ZONE = 'zone=~"$zone"'
QUARTER = "13w"
FORECAST_QUARTERS = 8
FORECAST_YEARS = 2  # the time range reaches this far ahead, for the projection
PCT = '"premises_connectable" / "premises_total" * 100'

CONNECTABLE_NOW = Query(
    influx=('SELECT last("premises_connectable") / last("premises_total") * 100 FROM "fibre" '
            f'WHERE $timeFilter AND {ZONE} GROUP BY "zone"'),
    prom=(f'100 * max by (zone) (netmon_fibre_premises{{state="connectable", {PROM_ZONE}}}) '
          f'/ max by (zone) (netmon_fibre_premises{{state="total", {PROM_ZONE}}})'),
    legend="$tag_zone", prom_legend="{{zone}}", instant=True)
CONNECTABLE = Query(
    influx=(f'SELECT {PCT} AS "connectable" FROM "fibre" WHERE $timeFilter AND {ZONE} '
            'GROUP BY "zone", "source"'),
    prom=(f'100 * max by (zone) (netmon_fibre_premises{{state="connectable", {PROM_ZONE}}}) '
          f'/ max by (zone) (netmon_fibre_premises{{state="total", {PROM_ZONE}}})'),
    legend="$tag_zone ($tag_source)", prom_legend="{{zone}}")
PLANNED = Query(
    influx=('SELECT "target" / "premises_total" * 100 AS "target" FROM "fibre" WHERE '
            f'$timeFilter AND {ZONE} GROUP BY "zone", "source"'),
    prom=f"100 * max by (zone) (netmon_fibre_planned_connectable_ratio{{{PROM_ZONE}}})",
    legend="$tag_zone target", prom_legend="{{zone}} plan")
# InfluxQL's Holt-Winters (no season): the trend of the quarterly figures, 8 quarters ahead.
FORECAST = Query(
    influx=(f'SELECT holt_winters(last("connectable"), {FORECAST_QUARTERS}, 0) FROM '
            f'(SELECT {PCT} AS "connectable" FROM "fibre" WHERE {ZONE}) '
            f'WHERE $timeFilter GROUP BY time({QUARTER}), "zone"'),
    prom="", legend="$tag_zone projection")
# netmon's own fit (netmon.fibre.projection), exported as a date; Prometheus keeps no history
# of dated figures, so the projection is netmon's rather than the query's.
PROJECTED = Query(
    influx="",
    prom=f"netmon_fibre_projected_completion_timestamp_seconds{{{PROM_ZONE}}} * 1000",
    table=True)
FIGURES = Query(
    influx=('SELECT last("premises_total") AS "premises", last("premises_connectable") AS '
            '"connectable", last("premises_connected") AS "connected" FROM "fibre" WHERE '
            f'$timeFilter AND {ZONE} GROUP BY "zone", "operator", "source"'),
    prom=f"netmon_fibre_premises{{{PROM_ZONE}}}", table=True)


def build(ctx: BuildContext) -> Dashboard:
    f = ctx.flavour
    pct = thresholds((None, "red"), (50, "orange"), (90, "green"))
    dash = (netmon_dashboard("fibre", "Fibre progress", ctx, time_from="now-10y",
                             time_to=f"now+{FORECAST_YEARS}y")
            .with_variable(zone_variable(f, "fibre", "netmon_fibre_premises"))
            .with_panel(bars_panel("Premises connectable now", f, CONNECTABLE_NOW, "percent",
                                   span=HALF_SPAN).min(0).max(100).thresholds(pct))
            .with_panel(series_panel("Premises connectable, against the plan", f,
                                     [CONNECTABLE, PLANNED], "percent", span=HALF_SPAN)
                        .min(0).max(100)))
    if f == "influxdb":
        dash = dash.with_panel(
            series_panel("Projection: the trend, 8 quarters ahead", f, [CONNECTABLE, FORECAST],
                         "percent", span=WIDE_SPAN,
                         description="InfluxQL Holt-Winters (no season) on the quarterly "
                         "figures.")
            .min(0).max(100))
        figures = (table_panel("Latest figures", f, [FIGURES], span=WIDE_SPAN)
                   .with_transformation(transformation("organize", {
                       "excludeByName": {"Time": True}})))
    else:
        dash = dash.with_panel(
            table_panel("Projected completion (netmon's fit on the recent quarters)", f,
                        [PROJECTED], span=WIDE_SPAN).unit("dateTimeAsIso")
            .with_transformation(transformation("organize", {
                "excludeByName": {"Time": True, "__name__": True},
                "renameByName": {"Value": "projected completion"}})))
        figures = (table_panel("Latest figures", f, [FIGURES], span=WIDE_SPAN)
                   .with_transformation(transformation("groupingToMatrix", {
                       "columnField": "state", "rowField": "zone", "valueField": "Value"})))
    return dash.with_panel(figures)
