"""The Prometheus path: alert rules, their promtool unit tests, and an Alertmanager config.

Generated from the same `alerts:` and `maintenance:` settings as netmon's own notifications, for
towns that run Prometheus + Alertmanager (e.g. many pollers, one Alertmanager).
"""

from __future__ import annotations

import math
from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from netmon.alerts.prometheus_service import service_rule_tests, service_rules
from netmon.alerts.settings import WEEKDAYS, AlertSettings, MaintenanceWindow, parse_recurrence
from netmon.config.models import NetmonConfig

AP_UP = "netmon_ap_up"
# Set by netmon's /metrics at the end of every poll cycle (issue #3's self-metrics).
LAST_CYCLE = "netmon_poll_last_cycle_timestamp_seconds"
STALE_CYCLES = 3
SEVERITIES = ("info", "warning", "critical")
RULES_FILE, TESTS_FILE, ALERTMANAGER_FILE = ("netmon-alerts.rules.yml",
                                             "netmon-alerts.tests.yml", "alertmanager.yml")
NULL_RECEIVER = "netmon-none"


def _for(seconds: float) -> str:
    return f"{math.ceil(seconds)}s"


def alert_rules(config: NetmonConfig) -> dict[str, Any]:
    s, interval = config.alerts, config.poll.interval_s
    confirm_s = interval * (s.down_after_polls - 1)
    down: dict[str, Any] = {
        "alert": "NetmonApDown", "expr": f"{AP_UP} == 0",
        "labels": {"severity": "warning"},
        "annotations": {"summary": "AP {{ $labels.ap }} ({{ $labels.zone }}) is down",
                        "description": "netmon's polls of {{ $labels.ap }} fail."}}
    zone: dict[str, Any] = {
        "alert": "NetmonZoneDown",
        "expr": (f"(count by (zone) ({AP_UP} == 0) / count by (zone) ({AP_UP})) "
                 f">= {s.zone_down_ratio:g} and on (zone) count by (zone) ({AP_UP}) "
                 f">= {s.zone_min_aps}"),
        "labels": {"severity": "critical"},
        "annotations": {"summary": "zone {{ $labels.zone }}: {{ $value | humanizePercentage }} "
                                   "of its APs are down — likely the backhaul"}}
    if confirm_s > 0:
        down["for"] = zone["for"] = _for(confirm_s)
    flapping = {
        "alert": "NetmonApFlapping",
        "expr": f"changes({AP_UP}[{_for(s.flap.window_min * 60)}]) > {s.flap.changes}",
        "labels": {"severity": "warning"},
        "annotations": {"summary": "AP {{ $labels.ap }} ({{ $labels.zone }}) is flapping"}}
    stale_s = STALE_CYCLES * interval
    stale = {
        "alert": "NetmonPollerStale",
        "expr": f"time() - max({LAST_CYCLE}) > {stale_s} or absent_over_time({AP_UP}"
                f"[{_for(stale_s)}])",
        "labels": {"severity": "critical"},
        "annotations": {"summary": f"netmon has not completed a poll cycle for {stale_s} s "
                                   "(or is not scraped)"}}
    service = service_rules(config) if s.service.enabled else []
    return {"groups": [{"name": "netmon-alerts",
                        "rules": [down, zone, flapping, stale, *service]}]}


def _series(labels: dict[str, str], values: str, metric: str = AP_UP) -> dict[str, str]:
    inner = ",".join(f'{k}="{v}"' for k, v in labels.items())
    return {"series": f"{metric}{{{inner}}}", "values": values}


def _expected(rules: dict[str, Any], alert: str, labels: dict[str, str],
              value: str = "") -> dict[str, Any]:
    """An exp_alerts entry: the rule's labels and its annotations rendered for `labels`."""
    rule = next(r for r in rules["groups"][0]["rules"] if r["alert"] == alert)
    annotations = {}
    for key, template in rule["annotations"].items():
        for name, text in labels.items():
            template = template.replace(f"{{{{ $labels.{name} }}}}", text)
        annotations[key] = template.replace("{{ $value | humanizePercentage }}", value) \
            .replace("{{ $value }}", value)
    return {"exp_labels": {**rule["labels"], **labels}, "exp_annotations": annotations}


def rule_tests(config: NetmonConfig) -> dict[str, Any]:
    """promtool unit tests: each rule fires on the data it is for, and not on healthy data."""
    s, interval = config.alerts, config.poll.interval_s
    rules = alert_rules(config)
    confirm = s.down_after_polls - 1
    steps = confirm + 5
    aps = max(s.zone_min_aps, 2)
    broken = aps  # all of them: the backhaul
    zone_series = [_series({"ap": f"gp-{i}", "zone": "grand-port"},
                           f"1 0x{steps}" if i < broken else f"1x{steps + 1}")
                   for i in range(aps)]
    flap_steps = math.ceil(s.flap.window_min * 60 / interval)
    flap_values = " ".join("1" if i % 2 == 0 else "0"
                           for i in range(min(flap_steps, s.flap.changes + 3)))
    last_cycle = " ".join(str(i * interval) for i in range(4)) + f" {3 * interval}x10"
    eval_down = f"{(confirm + 2) * interval}s"
    healthy = {"ap": "centre-01", "zone": "centre"}
    return {
        "rule_files": [RULES_FILE],
        "evaluation_interval": f"{interval}s",
        "tests": [
            {"interval": f"{interval}s",
             "input_series": [_series({"ap": "centre-05", "zone": "centre"},
                                      f"1 0x{steps}"), _series(healthy, f"1x{steps + 1}")],
             "alert_rule_test": [
                 {"eval_time": eval_down, "alertname": "NetmonApDown", "exp_alerts": [
                     _expected(rules, "NetmonApDown", {"ap": "centre-05", "zone": "centre"})]},
                 {"eval_time": eval_down, "alertname": "NetmonZoneDown", "exp_alerts": []}]},
            {"interval": f"{interval}s", "input_series": zone_series,
             "alert_rule_test": [
                 {"eval_time": eval_down, "alertname": "NetmonZoneDown", "exp_alerts": [
                     _expected(rules, "NetmonZoneDown", {"zone": "grand-port"}, "100%")]},
                 {"eval_time": "0s", "alertname": "NetmonZoneDown", "exp_alerts": []}]},
            {"interval": f"{interval}s",
             "input_series": [_series({"ap": "centre-12", "zone": "centre"}, flap_values)],
             "alert_rule_test": [
                 {"eval_time": f"{(s.flap.changes + 2) * interval}s",
                  "alertname": "NetmonApFlapping", "exp_alerts": [
                      _expected(rules, "NetmonApFlapping", {"ap": "centre-12",
                                                            "zone": "centre"})]}]},
            {"interval": f"{interval}s",
             "input_series": [_series(healthy, "1x13"), _series({}, last_cycle, LAST_CYCLE)],
             "alert_rule_test": [
                 {"eval_time": f"{3 * interval}s", "alertname": "NetmonPollerStale",
                  "exp_alerts": []},
                 {"eval_time": f"{12 * interval}s", "alertname": "NetmonPollerStale",
                  "exp_alerts": [_expected(rules, "NetmonPollerStale", {})]}]},
            *(service_rule_tests(
                config, lambda alert, labels, value="": _expected(rules, alert, labels, value),
                _series) if s.service.enabled else []),
        ]}


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")


def _weekly(window: MaintenanceWindow, tz: str) -> list[dict[str, Any]]:
    assert window.every is not None
    days, start, end = parse_recurrence(window.every)
    names = [WEEKDAYS[d] for d in sorted(days)]
    if end > start:
        return [{"weekdays": names, "times": [{"start_time": _clock(start),
                                               "end_time": _clock(end)}], "location": tz}]
    following = [WEEKDAYS[(d + 1) % 7] for d in sorted(days)]
    out = [{"weekdays": names, "times": [{"start_time": _clock(start), "end_time": "24:00"}],
            "location": tz}]
    if end != time(0):
        out.append({"weekdays": following, "times": [{"start_time": "00:00",
                                                      "end_time": _clock(end)}],
                    "location": tz})
    return out


def _one_off(window: MaintenanceWindow, tz: str) -> list[dict[str, Any]]:
    assert window.start is not None and window.end is not None
    zone = ZoneInfo(tz)
    start = window.start.astimezone(zone) if window.start.tzinfo else \
        window.start.replace(tzinfo=zone)
    end = window.end.astimezone(zone) if window.end.tzinfo else window.end.replace(tzinfo=zone)
    out = []
    day: date = start.date()
    while day <= end.date():
        begin = start.time() if day == start.date() else time(0)
        finish = _clock(end.time()) if day == end.date() else "24:00"
        if not (day == end.date() and end.time() == time(0)):
            out.append({"years": [str(day.year)], "months": [str(day.month)],
                        "days_of_month": [str(day.day)],
                        "times": [{"start_time": _clock(begin), "end_time": finish}],
                        "location": tz})
        day += timedelta(days=1)
    return out


def _intervals(config: NetmonConfig) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Alertmanager time_intervals, and which of them mute each `zone=` / `ap=` matcher."""
    named: list[dict[str, Any]] = []
    mutes: dict[str, list[str]] = {}
    for i, window in enumerate(config.maintenance, 1):
        tz = window.timezone or config.timezone
        spans = _weekly(window, tz) if window.every else _one_off(window, tz)
        name = f"maintenance-{i}-{window.ap or window.zone}"
        named.append({"name": name, "time_intervals": spans})
        key = f'ap="{window.ap}"' if window.ap else f'zone="{window.zone}"'
        mutes.setdefault(key, []).append(name)
    return named, mutes


def _receiver(name: str, config: NetmonConfig, index: int | None) -> dict[str, Any]:
    s: AlertSettings = config.alerts
    if index is None:
        assert s.email is not None
        mail: dict[str, Any] = {
            "to": ", ".join(s.email.to), "from": s.email.sender,
            "smarthost": f"{s.email.host}:{s.email.port}", "require_tls": s.email.starttls,
            "send_resolved": True}
        if s.email.username:
            mail["auth_username"] = s.email.username
            # The secret stays out of the generated file: put it there with mode 0600.
            mail["auth_password_file"] = "/etc/prometheus/netmon-smtp-password"
        return {"name": name, "email_configs": [mail]}
    hook = s.webhooks[index]
    if hook.format == "slack":
        # A webhook URL is its own credential: it stays out of the file, as the password.
        return {"name": name, "slack_configs": [{"api_url_file": webhook_url_file(name),
                                                 "send_resolved": True}]}
    # Alertmanager's own JSON (not netmon's generic format) goes to generic webhooks. 0.25 has
    # no url_file: a placeholder that resolves nowhere stands for the URL (see the notes).
    return {"name": name, "webhook_configs": [{"url": webhook_placeholder(name),
                                               "send_resolved": True}]}


def webhook_url_file(name: str) -> str:
    return f"/etc/prometheus/netmon-webhook-{name}-url"


def webhook_placeholder(name: str) -> str:
    return f"http://netmon-webhook-{name}.invalid/replace-with-the-url"


def alertmanager_config(config: NetmonConfig) -> tuple[dict[str, Any], list[str]]:
    """The Alertmanager config, and notes on what it could not express."""
    s = config.alerts
    notes: list[str] = []
    intervals, mutes = _intervals(config)
    channels: list[tuple[str, Any, int | None]] = []
    if s.email is not None:
        channels.append(("email", s.email, None))
    for i, hook in enumerate(s.webhooks):
        name = hook.name or f"webhook-{i + 1}"
        if hook.format == "teams":
            notes.append(f"{name}: Alertmanager 0.25 has no Teams receiver (msteams_configs "
                         "came in 0.26); netmon's own notifications reach it")
            continue
        channels.append((name, hook, i))
        if hook.format == "slack":
            notes.append(f"{name}: put its URL in {webhook_url_file(name)} (mode 0600): the "
                         "URL is a credential and stays out of alertmanager.yml")
        else:
            notes.append(f"{name}: replace {webhook_placeholder(name)} in alertmanager.yml "
                         "by its URL (Alertmanager 0.26+: url_file); the URL is a credential "
                         "and stays out of the generated file")
    repeat = f"{int(s.reminder_every_min)}m" if s.reminder_every_min else "8760h"
    routes = []
    for name, route, _index in channels:
        wanted = "|".join(SEVERITIES[SEVERITIES.index(route.min_severity):])
        matchers = [f'severity=~"{wanted}"']
        if route.zones:
            matchers.append(f'zone=~"{"|".join(route.zones)}"')
        children = []
        for key in sorted(mutes, key=lambda k: not k.startswith("ap=")):
            muted = list(mutes[key])
            if key.startswith("ap="):
                ap_id = key[4:-1]
                zone = next((a.zone for a in config.aps if a.id == ap_id), None)
                muted += mutes.get(f'zone="{zone}"', [])
            children.append({"matchers": [key], "mute_time_intervals": muted})
        entry: dict[str, Any] = {"receiver": name, "matchers": matchers, "continue": True}
        if children:
            entry["routes"] = children
        routes.append(entry)
    document: dict[str, Any] = {
        "route": {"receiver": NULL_RECEIVER, "group_by": ["alertname", "zone"],
                  "group_wait": "10s", "group_interval": "1m", "repeat_interval": repeat,
                  "routes": routes},
        "receivers": [{"name": NULL_RECEIVER},
                      *(_receiver(n, config, i) for n, _, i in channels)],
        # A zone page replaces the pages of its APs, as in netmon's own notifications.
        "inhibit_rules": [{"source_matchers": ["alertname=NetmonZoneDown"],
                           "target_matchers": ["alertname=~NetmonApDown|NetmonApFlapping"],
                           "equal": ["zone"]}],
    }
    if intervals:
        document["time_intervals"] = intervals
    return document, notes


def export_all(config: NetmonConfig) -> tuple[dict[str, dict[str, Any]], list[str]]:
    manager, notes = alertmanager_config(config)
    return {RULES_FILE: alert_rules(config), TESTS_FILE: rule_tests(config),
            ALERTMANAGER_FILE: manager}, notes


