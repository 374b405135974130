"""AP detail (variable `ap`): up or down, clients per radio and SSID, traffic, uptime."""

from __future__ import annotations

from grafana_foundation_sdk.builders.dashboard import Dashboard

from dashboards.panels import (
    HALF_SPAN,
    UP_MAPPING,
    WIDE_SPAN,
    series_panel,
    stat_panel,
    state_panel,
    thresholds,
)
from dashboards.queries import Query
from dashboards.shell import BuildContext, ap_variable, netmon_dashboard, zone_variable

AP = "\"ap\" = '$ap'"
PROM_AP = 'ap="$ap"'

UP_NOW = Query(influx=f'SELECT last("up") FROM "ap" WHERE {AP} AND $timeFilter',
               prom=f"netmon_ap_up{{{PROM_AP}}}", instant=True)
AVAILABILITY = Query(influx=f'SELECT mean("up") * 100 FROM "ap" WHERE {AP} AND $timeFilter',
                     prom=f"100 * avg_over_time(netmon_ap_up{{{PROM_AP}}}[$__range])",
                     instant=True)
SINCE_BOOT = Query(influx=f'SELECT last("uptime_s") FROM "ap" WHERE {AP} AND $timeFilter',
                   prom=f"netmon_ap_uptime_seconds{{{PROM_AP}}}", instant=True)
CLIENTS_NOW = Query(influx=f'SELECT last("clients") FROM "ap" WHERE {AP} AND $timeFilter',
                    prom=f"netmon_ap_clients{{{PROM_AP}}}", instant=True)
UP_STATE = Query(influx=('SELECT last("up") AS "up" FROM "ap" WHERE '
                         f'{AP} AND $timeFilter GROUP BY time($__interval) fill(none)'),
                 prom=f"netmon_ap_up{{{PROM_AP}}}", legend="up", prom_legend="up")
CLIENTS = Query(influx=('SELECT mean("clients") AS "clients" FROM "ap" WHERE '
                        f'{AP} AND $timeFilter GROUP BY time($__interval) fill(none)'),
                prom=f"netmon_ap_clients{{{PROM_AP}}}", legend="all radios",
                prom_legend="all radios")
# Per radio (and its SSID where the profile knows it): InfluxDB only; Prometheus has AP totals.
CLIENTS_PER_RADIO = Query(
    influx=('SELECT mean("clients") FROM "ap_radio" WHERE '
            f'{AP} AND $timeFilter GROUP BY time($__interval), "radio", "band", "ssid" '
            'fill(none)'),
    prom=f"netmon_ap_clients{{{PROM_AP}}}", legend="radio $tag_radio $tag_band $tag_ssid",
    prom_legend="all radios")
TRAFFIC_IN = Query(influx=('SELECT mean("rx_bps") FROM "ap" WHERE '
                           f'{AP} AND $timeFilter GROUP BY time($__interval) fill(none)'),
                   prom=f"8 * netmon_ap_receive_bytes_per_second{{{PROM_AP}}}",
                   legend="received", prom_legend="received")
TRAFFIC_OUT = Query(influx=('SELECT mean("tx_bps") FROM "ap" WHERE '
                            f'{AP} AND $timeFilter GROUP BY time($__interval) fill(none)'),
                    prom=f"8 * netmon_ap_transmit_bytes_per_second{{{PROM_AP}}}",
                    legend="sent", prom_legend="sent")
IFACE_IN = Query(influx=('SELECT mean("rx_bps") FROM "ap_iface" WHERE '
                         f'{AP} AND $timeFilter GROUP BY time($__interval), "ifname" fill(none)'),
                 prom=f"8 * netmon_ap_receive_bytes_per_second{{{PROM_AP}}}",
                 legend="$tag_ifname in", prom_legend="uplink in")
IFACE_OUT = Query(influx=('SELECT mean("tx_bps") FROM "ap_iface" WHERE '
                          f'{AP} AND $timeFilter GROUP BY time($__interval), "ifname" '
                          'fill(none)'),
                  prom=f"8 * netmon_ap_transmit_bytes_per_second{{{PROM_AP}}}",
                  legend="$tag_ifname out", prom_legend="uplink out")
UPTIME = Query(influx=('SELECT last("uptime_s") FROM "ap" WHERE '
                       f'{AP} AND $timeFilter GROUP BY time($__interval) fill(none)'),
               prom=f"netmon_ap_uptime_seconds{{{PROM_AP}}}", legend="since boot",
               prom_legend="since boot")
POLL = Query(influx=('SELECT mean("poll_ms") / 1000 FROM "ap" WHERE '
                     f'{AP} AND $timeFilter GROUP BY time($__interval) fill(none)'),
             prom=f"netmon_ap_poll_duration_seconds{{{PROM_AP}}}", legend="poll",
             prom_legend="poll")


def build(ctx: BuildContext) -> Dashboard:
    f = ctx.flavour
    dash = (netmon_dashboard("ap", "AP detail", ctx)
            .with_variable(zone_variable(f))
            .with_variable(ap_variable(f))
            .with_panel(stat_panel("$ap now", f, UP_NOW).mappings([UP_MAPPING])
                        .thresholds(thresholds((None, "red"), (1, "green"))))
            .with_panel(stat_panel("Availability over the range", f, AVAILABILITY, "percent")
                        .decimals(2)
                        .thresholds(thresholds((None, "red"), (99, "orange"), (99.9, "green"))))
            .with_panel(stat_panel("Up since (last boot)", f, SINCE_BOOT, "s"))
            .with_panel(stat_panel("Wi-Fi clients now", f, CLIENTS_NOW))
            .with_panel(state_panel("Up / down", f, UP_STATE, WIDE_SPAN)))
    if f == "influxdb":
        dash = (dash
                .with_panel(series_panel("Clients per radio and SSID", f, [CLIENTS_PER_RADIO],
                                         span=WIDE_SPAN,
                                         description="As the AP's profile reports radios."))
                .with_panel(series_panel("Traffic per interface", f, [IFACE_IN, IFACE_OUT],
                                         "bps", span=WIDE_SPAN)))
    else:
        dash = dash.with_panel(series_panel(
            "Wi-Fi clients", f, [CLIENTS], span=WIDE_SPAN,
            description="Per radio and per SSID: InfluxDB flavour (Prometheus has AP totals)."))
    return (dash
            .with_panel(series_panel("Traffic (uplink)", f, [TRAFFIC_IN, TRAFFIC_OUT], "bps",
                                     span=WIDE_SPAN))
            .with_panel(series_panel("Uptime since boot", f, [UPTIME], "s", span=HALF_SPAN))
            .with_panel(series_panel("Poll duration", f, [POLL], "s", span=HALF_SPAN)))
