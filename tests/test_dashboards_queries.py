"""Every dashboard query names only measurements, fields, tags and metrics netmon writes.

The written names are taken from the code that writes them (readings, vendor profiles, fibre
samples, the Prometheus collectors), not from a list kept by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import promql_parser
import pytest
from prometheus_client import CollectorRegistry

from collectors.fibre.records import Milestone
from collectors.snmp.profile import SERVICE_MEASUREMENTS, default_catalog
from collectors.snmp.readings import Answer, ApState, Counter, ap_reading, ap_tags, down_reading
from dashboards.catalog import build_all
from dashboards.queries import FlavourName
from netmon.config.loader import load_config
from netmon.config.models import AccessPoint, NetmonConfig
from netmon.export.fibre_metrics import FibreMetrics
from netmon.export.fleet_metrics import FleetMetrics
from netmon.export.poll_metrics import PollMetrics
from netmon.fibre.measurement import fibre_samples
from netmon.fibre.progress import ZoneProgress
from netmon.fibre.projection import Projection
from netmon.observation import ApObservation, Cycle
from netmon.sample import Sample
from netmon.service.annotate import with_service_fields
from netmon.service.baseline import learn

Names = dict[str, tuple[set[str], set[str]]]  # measurement -> (tags, fields)
GRAFANA_VARIABLES = {"$__range": "1h", "$__interval": "1m", "$__rate_interval": "1m",
                     "$zone": ".*", "$ap": "x"}
COUNTER_BYTES = 64  # HC counters


def _add(names: Names, sample: Sample) -> None:
    tags, fields = names.setdefault(sample.measurement, (set(), set()))
    tags.update(sample.tags)
    fields.update(sample.fields)


def influx_names() -> Names:
    """What netmon writes to InfluxDB, from the code that makes the Samples."""
    names: Names = {}
    catalog = default_catalog()
    ap = AccessPoint(id="x", name="X", zone="z", lat=45.0, lon=5.0, controller="c")
    generic = catalog.get("generic")
    state = ApState()
    for second, octets in ((100, 1_000), (160, 61_000)):  # two polls: rates on the second
        answer = Answer(scalars={"sys_uptime": second * 100}, tables={"iface": {
            (1,): {"name": "eth0", "oper_status": 1, "in_octets": Counter(octets, COUNTER_BYTES),
                   "out_octets": Counter(octets, COUNTER_BYTES)},
            (2,): {"name": "wlan0", "oper_status": 1, "in_octets": Counter(octets, COUNTER_BYTES),
                   "out_octets": Counter(octets, COUNTER_BYTES)}}})
        reading = ap_reading(ap, generic, answer, state, second * 10**9, float(second), 12.0)
    # A profile that counts clients in a table (summed per AP).
    counting = next(p for p in catalog.profiles.values()
                    if p.controller is None and p.ap.clients and "." in p.ap.clients)
    table, column = str(counting.ap.clients).split(".", 1)
    answer = Answer(scalars={}, tables={table: {(1,): {column: 3}}})
    with_clients = ap_reading(ap, counting, answer, ApState(), 0, 0.0, 1.0)
    # As the monitor writes them: with the service fields of a learnt baseline.
    baseline = learn([("x", 0, 5.0)], ZoneInfo("UTC"), 1, 0)
    annotated = with_service_fields(Cycle(0, 1.0, [reading]), baseline, lambda _: False)
    for sample in (*annotated.samples, *with_clients.samples,
                   *down_reading(ap, generic, 0, "timeout", 1.0).samples):
        _add(names, sample)
    base = set(ap_tags(ap, generic))
    for profile in catalog.profiles.values():
        for rows in profile.rows:
            controller_wide = profile.controller is not None and \
                not profile.tables[rows.table].ap_index
            tags, fields = names.setdefault(rows.measurement, (set(), set()))
            tags.update({"controller"} if controller_wide else base)
            tags.update(rows.tags)
            fields.update(rows.fields)
            if rows.up is not None:
                fields.add("oper_up")
            if rows.measurement in SERVICE_MEASUREMENTS:
                tags.add("band")
    milestone = Milestone(date(2026, 1, 1), "z", "op", "milestones", 10, 5, 2, 8)
    for sample in fibre_samples([milestone]):
        _add(names, sample)
    return names


class _Snapshot:
    def current(self) -> list[ZoneProgress]:
        day = date(2026, 3, 31)
        return [ZoneProgress("z", "Z", "district", "milestones", "op", day, 10, 5, 2, 50.0, (),
                             (), 60.0, -10.0, None, Projection("projected", day, day, None))]


def prometheus_names() -> dict[str, set[str]]:
    """Sample name -> label names, from netmon's collectors fed one cycle and one fibre figure."""
    registry = CollectorRegistry()
    fleet = FleetMetrics()
    registry.register(fleet)
    poll = PollMetrics(registry, lambda: {60: 1})
    registry.register(FibreMetrics(_Snapshot()))  # type: ignore[arg-type]
    ap = AccessPoint(id="x", name="X", zone="z", lat=45.0, lon=5.0, controller="c")
    reading = down_reading(ap, None, 0, "timeout", 1.0)
    tags = {**ap_tags(ap, None), "ap": "y"}
    radio = Sample("ap_radio", {**tags, "radio": "1", "band": "5 GHz", "ssid": "s"},
                   {"clients": 3, "utilization_pct": 40, "oper_up": 1}, 0)
    serving = ApObservation("y", "z", True, (
        Sample("ap", tags, {"up": 1, "clients": 3, "silent": 0, "expected_clients": 4.0,
                            "radios_down": 0}, 0), radio), clients=3, utilization_pct=40.0)
    report = Cycle(0, 0.5, [reading, serving], [], 1)
    fleet.consume(report)
    poll.consume(report)
    names: dict[str, set[str]] = {}
    for family in registry.collect():
        for sample in family.samples:
            names.setdefault(sample.name, set()).update(sample.labels)
    # A down AP has no clients, uptime nor traffic sample: their families still have AP labels.
    for family in registry.collect():
        if family.name.startswith("netmon_ap_"):
            names.setdefault(family.name, set()).update({"ap", "ap_name", "zone", "site"})
    return names


def _targets(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard["panels"]:
        yield from panel.get("targets", [])


def _variable_queries(dashboard: dict[str, Any]) -> Iterator[str]:
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            yield variable["query"]


# ---- InfluxQL: identifiers are double-quoted; aliases follow AS -----------------------------

ALIAS = re.compile(r'\bAS\s+"[^"]+"', re.IGNORECASE)
QUOTED = re.compile(r'"([^"]+)"')
FROM = re.compile(r'\bFROM\s+"([^"]+)"', re.IGNORECASE)


def influx_problems(query: str, names: Names) -> list[str]:
    measurements = FROM.findall(query)
    if not measurements:
        return [f"no measurement in {query!r}"]
    aliases = {m[1:-1] for m in re.findall(r'"[^"]+"', " ".join(ALIAS.findall(query)))}
    problems = [f"measurement {m!r}" for m in measurements if m not in names]
    known: set[str] = set(aliases)
    for m in measurements:
        tags, fields = names.get(m, (set(), set()))
        known |= tags | fields | {m}
    problems += [f"{name!r} in {query!r}" for name in QUOTED.findall(ALIAS.sub("", query))
                 if name not in known]
    return problems


# ---- PromQL: parsed by promql-parser (Grafana variables replaced first) -----------------------

def _substitute(expr: str) -> str:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    return expr


def _walk(node: Any) -> Iterator[tuple[str | None, set[str]]]:
    """(metric name, label names) of every selector, and (None, labels) of by/on clauses."""
    kind = type(node).__name__
    if kind == "VectorSelector":
        yield node.name, {m.name for m in node.matchers.matchers if m.name != "__name__"}
    elif kind == "MatrixSelector":
        yield from _walk(node.vector_selector)
    elif kind == "AggregateExpr":
        if node.modifier is not None:
            yield None, set(node.modifier.labels)
        yield from _walk(node.expr)
    elif kind == "BinaryExpr":
        matching = getattr(node.modifier, "matching", None) if node.modifier else None
        if matching is not None:
            yield None, set(matching.labels)
        yield from _walk(node.lhs)
        yield from _walk(node.rhs)
    elif kind in ("ParenExpr", "UnaryExpr", "SubqueryExpr"):
        yield from _walk(node.expr)
    elif kind == "Call":
        for arg in node.args:
            yield from _walk(arg)


def prom_problems(expr: str, names: dict[str, set[str]]) -> list[str]:
    all_labels = set().union(*names.values())
    problems = []
    for metric, labels in _walk(promql_parser.parse(_substitute(expr))):
        if metric is not None and metric not in names:
            problems.append(f"metric {metric!r} in {expr!r}")
            continue
        allowed = names[metric] if metric is not None else all_labels
        problems += [f"label {label!r} of {metric} in {expr!r}" for label in labels - allowed]
    return problems


LABEL_VALUES = re.compile(r"^label_values\((.+),\s*(\w+)\)$")


@pytest.fixture(scope="module")
def dashboards(demo_entry: Path) -> dict[tuple[FlavourName, str], dict[str, Any]]:
    config: NetmonConfig = load_config(demo_entry)
    return build_all(config)


def test_influxql_queries_name_only_what_netmon_writes(
        dashboards: dict[tuple[FlavourName, str], dict[str, Any]]) -> None:
    names = influx_names()
    assert {"ap", "ap_radio", "ap_iface", "ap_ssid", "fibre"} <= set(names)
    assert {"up", "uptime_s", "clients", "rx_bps", "tx_bps", "poll_ms"} <= names["ap"][1]
    checked = 0
    for (flavour, slug), dashboard in dashboards.items():
        if flavour != "influxdb":
            continue
        queries = [t["query"] for t in _targets(dashboard) if "query" in t]
        queries += list(_variable_queries(dashboard))
        for query in queries:
            assert influx_problems(query, names) == [], slug
            checked += 1
    assert checked >= 30


def test_promql_queries_name_only_what_netmon_exports(
        dashboards: dict[tuple[FlavourName, str], dict[str, Any]]) -> None:
    names = prometheus_names()
    assert {"netmon_ap_up", "netmon_ap_clients", "netmon_fibre_premises"} <= set(names)
    checked = 0
    for (flavour, slug), dashboard in dashboards.items():
        if flavour != "prometheus":
            continue
        exprs = [t["expr"] for t in _targets(dashboard) if "expr" in t]
        for query in _variable_queries(dashboard):
            match = LABEL_VALUES.match(query)
            assert match, query
            exprs.append(match[1])
            assert match[2] in set().union(*names.values()), query
        for expr in exprs:
            assert prom_problems(expr, names) == [], slug
            checked += 1
    assert checked >= 30


def test_the_checks_catch_a_misspelt_name() -> None:
    names, metrics = influx_names(), prometheus_names()
    assert influx_problems('SELECT last("client") FROM "ap" WHERE $timeFilter', names)
    assert influx_problems('SELECT last("up") FROM "aps"', names)
    assert influx_problems('SELECT last("up") FROM "ap" GROUP BY "town_hall"', names)
    assert prom_problems("sum(netmon_ap_client)", metrics)
    assert influx_problems('SELECT last("silent_now") FROM "ap" WHERE $timeFilter', names)
    assert not influx_problems('SELECT last("silent") FROM "ap" WHERE $timeFilter', names)
    assert influx_problems('SELECT last("oper_up") FROM "ap_radios"', names)
    assert not influx_problems('SELECT last("oper_up") FROM "ap_radio" GROUP BY "band"', names)
    assert prom_problems('netmon_radio_up{channel="x"}', metrics)
    assert prom_problems("netmon_radio_utilization_ratio", metrics)
    assert prom_problems('sum by (building) (netmon_ap_up{zone=~"$zone"})', metrics)
    assert not prom_problems('sum by (zone) (netmon_ap_up{zone=~"$zone"})', metrics)
