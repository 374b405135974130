"""Prometheus rules (and their promtool tests) for Wi-Fi service health: the same silent and
capacity conditions as netmon's own notices (netmon/alerts/service.py)."""

from __future__ import annotations

import math
from typing import Any

from netmon.config.models import NetmonConfig

SILENT = "netmon_ap_silent"
RADIOS_DOWN = "netmon_ap_radios_down"
CLIENTS = "netmon_ap_clients"
BUSY = "netmon_ap_channel_utilization_ratio"
ZONE_CLIENTS = "netmon_zone_clients"


def _for(seconds: float) -> str:
    return f"{math.ceil(seconds)}s"


def service_rules(config: NetmonConfig) -> list[dict[str, Any]]:
    s, a, interval = config.alerts.service, config.alerts, config.poll.interval_s
    o = s.overload
    rules: list[dict[str, Any]] = [
        # netmon judges silence against each AP's learnt hour-of-week baseline, which
        # Prometheus does not hold: the rule follows netmon's judgement.
        {"alert": "NetmonApSilent", "expr": f"{SILENT} == 1",
         "labels": {"severity": s.severity},
         "annotations": {"summary": "AP {{ $labels.ap }} ({{ $labels.zone }}) answers but "
                                    "serves no one"}},
        {"alert": "NetmonApRadioDown", "expr": f"{RADIOS_DOWN} > 0",
         "for": _for(max(1, a.down_after_polls - 1) * interval),
         "labels": {"severity": s.severity},
         "annotations": {"summary": "AP {{ $labels.ap }} ({{ $labels.zone }}): "
                                    "{{ $value }} radio(s) or SSID(s) out of service"}},
        {"alert": "NetmonZoneSilent",
         "expr": (f"(count by (zone) ({SILENT} == 1) / count by (zone) ({SILENT})) >= "
                  f"{a.zone_down_ratio:g} and on (zone) count by (zone) ({SILENT}) >= "
                  f"{a.zone_min_aps}"),
         "labels": {"severity": "critical"},
         "annotations": {"summary": "zone {{ $labels.zone }}: its APs answer but serve no "
                                    "one — captive portal, DHCP or uplink?"}},
    ]
    over = []
    if o.clients is not None:
        over.append(f"{CLIENTS} >= {o.clients}")
    if o.utilization_pct is not None:
        over.append(f"{BUSY} >= {o.utilization_pct / 100:g}")
    if over:
        rules.append({"alert": "NetmonApOverload", "expr": " or ".join(over),
                      "for": _for(o.for_min * 60), "labels": {"severity": o.severity},
                      "annotations": {"summary": "AP {{ $labels.ap }} ({{ $labels.zone }}) "
                                                 "at capacity"}})
    if o.zone_clients is not None:
        rules.append({"alert": "NetmonZoneOverload",
                      "expr": f"{ZONE_CLIENTS} >= {o.zone_clients}",
                      "for": _for(o.for_min * 60), "labels": {"severity": o.severity},
                      "annotations": {"summary": "zone {{ $labels.zone }} at capacity"}})
    return rules


def service_rule_tests(config: NetmonConfig, expected: Any, series: Any
                       ) -> list[dict[str, Any]]:
    """Each rule fires on the data it is for and not on a busy, serving AP."""
    s, interval = config.alerts.service, config.poll.interval_s
    ap = {"ap": "centre-05", "zone": "centre"}
    busy_ap = {"ap": "port-04", "zone": "grand-port"}
    over_steps = math.ceil(s.overload.for_min * 60 / interval) + 2
    tests: list[dict[str, Any]] = [
        {"interval": f"{interval}s",
         "input_series": [series(ap, "0 1x5", SILENT), series(ap, "0 0 2x4", RADIOS_DOWN),
                          series(busy_ap, "0x5", SILENT), series(busy_ap, "0x5", RADIOS_DOWN)],
         "alert_rule_test": [
             {"eval_time": f"{2 * interval}s", "alertname": "NetmonApSilent",
              "exp_alerts": [expected("NetmonApSilent", ap)]},
             {"eval_time": f"{5 * interval}s", "alertname": "NetmonApRadioDown",
              "exp_alerts": [expected("NetmonApRadioDown", ap, "2")]},
             {"eval_time": "0s", "alertname": "NetmonApSilent", "exp_alerts": []}]}]
    if s.overload.clients is not None:
        tests.append(
            {"interval": f"{interval}s",
             "input_series": [series(busy_ap, f"10 {s.overload.clients + 20}x{over_steps}",
                                     CLIENTS),
                              series(ap, f"10x{over_steps + 1}", CLIENTS)],
             "alert_rule_test": [
                 {"eval_time": f"{over_steps * interval}s", "alertname": "NetmonApOverload",
                  "exp_alerts": [expected("NetmonApOverload", busy_ap)]},
                 {"eval_time": f"{interval}s", "alertname": "NetmonApOverload",
                  "exp_alerts": []}]})
    return tests
