"""AP detail (variable `ap`): up or down, radios and SSIDs, clients against the expected, traffic,
uptime."""

from __future__ import annotations

from grafana_foundation_sdk.builders import table
from grafana_foundation_sdk.builders.dashboard import Dashboard

from dashboards.panels import (
    GRAPH_HEIGHT,
    HALF_SPAN,
    UP_MAPPING,
    WIDE_SPAN,
    series_panel,
    stat_panel,
    state_panel,
    table_panel,
    thresholds,
    transformation,
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
                prom=f"netmon_ap_clients{{{PROM_AP}}}", legend="clients", prom_legend="clients")
# netmon's learnt baseline for the hour of the week; absent until it has learnt one.
EXPECTED = Query(influx=('SELECT mean("expected_clients") AS "expected" FROM "ap" WHERE '
                         f'{AP} AND $timeFilter GROUP BY time($__interval) fill(none)'),
                 prom=f"netmon_ap_expected_clients{{{PROM_AP}}}", legend="expected",
                 prom_legend="expected")


def _per_radio(select: str, prom: str) -> Query:
    """A field of `ap_radio` (InfluxDB) or a radio metric (Prometheus), one series per radio."""
    return Query(influx=(f'SELECT {select} FROM "ap_radio" WHERE {AP} AND $timeFilter '
                         'GROUP BY time($__interval), "radio", "band" fill(none)'),
                 prom=prom, legend="$tag_radio $tag_band", prom_legend="{{radio}} {{band}}")


# Some profiles report a radio once per SSID it serves (an `ssid` tag): their clients add up.
CLIENTS_PER_RADIO = Query(
    influx=('SELECT sum("clients") FROM (SELECT mean("clients") AS "clients" FROM "ap_radio" '
            f'WHERE {AP} AND $timeFilter GROUP BY time($__interval), "radio", "band", "ssid") '
            'GROUP BY time($__interval), "radio", "band" fill(none)'),
    prom=f"sum by (radio, band) (netmon_radio_clients{{{PROM_AP}}})",
    legend="$tag_radio $tag_band", prom_legend="{{radio}} {{band}}")
UTILISATION_PER_RADIO = _per_radio(
    'mean("utilization_pct")',
    f"100 * netmon_radio_channel_utilization_ratio{{{PROM_AP}}}")
RADIOS_UP = _per_radio('last("oper_up")', f"netmon_radio_up{{{PROM_AP}}}")
# Per SSID: the `ssid` tag of an AP's own radio rows (its VAPs); InfluxDB only.
SSIDS_UP = Query(influx=('SELECT last("oper_up") FROM "ap_radio" WHERE '
                         f'{AP} AND $timeFilter GROUP BY time($__interval), "ssid", "band" '
                         'fill(none)'),
                 prom="", legend="SSID $tag_ssid $tag_band")
CLIENTS_PER_SSID = Query(influx=('SELECT sum("clients") FROM (SELECT mean("clients") AS '
                                 f'"clients" FROM "ap_radio" WHERE {AP} AND $timeFilter '
                                 'GROUP BY time($__interval), "ssid", "radio") '
                                 'GROUP BY time($__interval), "ssid" fill(none)'),
                         prom="", legend="$tag_ssid")
# Radio settings now: InfluxDB only (no Prometheus metric), the newest value in the range.
# No profile reads the channel width yet (no vendor MIB walk here gives it).
RADIO_SETTINGS_FIELDS = ("channel", "freq_mhz", "tx_power_dbm", "noise_dbm")
RADIO_SETTINGS = Query(
    influx=("SELECT " + ", ".join(f'last("{field}") AS "{field}"'
                                  for field in RADIO_SETTINGS_FIELDS)
            + f' FROM "ap_radio" WHERE {AP} AND $timeFilter GROUP BY "radio", "band"'),
    prom="", table=True)
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


def _radio_settings_table(ctx: BuildContext) -> table.Panel:
    return (table_panel("Channel and transmit power", ctx.flavour, [RADIO_SETTINGS],
                        description="Newest value of each radio in the range; a blank cell: "
                        "the AP's profile does not report it.")
            .with_transformation(transformation("organize", {
                "excludeByName": {"Time": True},
                "renameByName": {"freq_mhz": "frequency (MHz)", "tx_power_dbm": "tx power (dBm)",
                                 "noise_dbm": "noise (dBm)"}})))


def build(ctx: BuildContext) -> Dashboard:
    f = ctx.flavour
    radios_up = [RADIOS_UP, SSIDS_UP] if f == "influxdb" else [RADIOS_UP]
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
            .with_panel(state_panel("Up / down", f, [UP_STATE], WIDE_SPAN))
            .with_panel(series_panel("Clients: now vs expected", f, [CLIENTS, EXPECTED],
                                     span=WIDE_SPAN,
                                     description="Expected: netmon's learnt baseline for this "
                                     "hour of the week."))
            .with_panel(series_panel("Clients per radio", f, [CLIENTS_PER_RADIO],
                                     description="As the AP's profile reports radios."))
            .with_panel(series_panel("Channel utilisation per radio", f,
                                     [UTILISATION_PER_RADIO], "percent",
                                     description="Share of airtime the radio's channel was "
                                     "busy.").min(0).max(100))
            .with_panel(state_panel("Radios and SSIDs up", f, radios_up, WIDE_SPAN, GRAPH_HEIGHT,
                                    description="Operational state each radio (and SSID, "
                                    "InfluxDB) reports.")))
    if f == "influxdb":
        dash = (dash
                .with_panel(_radio_settings_table(ctx))
                .with_panel(series_panel("Clients per SSID", f, [CLIENTS_PER_SSID]))
                .with_panel(series_panel("Traffic per interface", f, [IFACE_IN, IFACE_OUT],
                                         "bps", span=WIDE_SPAN)))
    return (dash
            .with_panel(series_panel("Traffic (uplink)", f, [TRAFFIC_IN, TRAFFIC_OUT], "bps",
                                     span=WIDE_SPAN))
            .with_panel(series_panel("Uptime since boot", f, [UPTIME], "s", span=HALF_SPAN))
            .with_panel(series_panel("Poll duration", f, [POLL], "s", span=HALF_SPAN)))
