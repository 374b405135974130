"""bench/run: every comparison in one run; a table of figures, ratios and targets, and a file.

    bench/run            full run: polling at 100, 1,000, 5,000 APs (+ netmon alone at 10,000)
    bench/run --quick    polling at 100 and 1,000 APs, smaller ingest, alert and whole-process
                         runs (about 3 min)
    bench/run --only poll,ingest,geo,alerts,process

Writes bench/results/<date>.md (<date>-quick.md for --quick; -2, -3... for later runs of the
same day) unless --out says otherwise.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import bench_alerts, bench_influx, bench_process
from bench.bench_process import ms
from bench.compare_poll import (
    EXPORTER_NAMES,
    NETMON,
    NETMON_BEFORE,
    NETMON_V3,
    ROUNDS,
    SNMPBULKGET,
    SNMPBULKGET_V3,
    SNMPGET,
    SNMPGET_V3,
    compare,
    netmon_alone,
)
from bench.machine import machine, versions
from bench.poll_rounds import NotRun, PollRow
from bench.report import Check, Section, num, ratio, render, table

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results")
SECTIONS = ("poll", "ingest", "geo", "alerts", "process")
# Targets (issues #2, #3, #4, #6, #8, #12, #13).
EXPORTER_RATIO = 3.0  # netmon over snmp_exporter, v2c and SNMPv3 (#13)
V3_RATIO = 0.7  # netmon's SNMPv3 authPriv over its own v2c (#13)
BEFORE_RATIO = 1.2  # netmon's v2c over the poller before gufo-snmp, same run (#13)
C_TOOLS_RATIO = 0.5
BIG_FLEET_APS = 10_000
CYCLE_S = 60.0
RSS_LIMIT_MB = 300.0
SINK_RATIO = bench_influx.TARGET_RATIO
SINK_POINTS_PER_S = bench_influx.TARGET_POINTS_PER_S
GEO_LIMIT_S = 3.0
TRAP_LIMIT_S = 1.0
SILENT_SLACK_S = 2.0


@dataclass
class Plan:
    quick: bool
    poll_sizes: list[int]
    alone_sizes: list[int]  # netmon only (the baselines would add minutes, not insight)
    baseline_sizes: list[int]  # netmon before gufo-snmp too
    v3_sizes: list[int]  # netmon over SNMPv3 authPriv too
    cycles: int
    tool_aps: int | None  # the C tools poll at most this many APs of a fleet (None: all)
    tool_cycles: int
    store: tuple[int, int, int]  # APs, cycles, interfaces
    influx: tuple[int, int, int]  # APs, cycles per round, rounds
    alerts: list[str]  # bench_alerts arguments
    geo_sizes: list[int]
    process: tuple[int, int, int]  # APs, timed cycles, poll interval (s) of `netmon run`


def plan(quick: bool) -> Plan:
    if quick:
        return Plan(True, [100, 1000], [], [1000], [1000], 3, 200, 1, (1000, 10, 2),
                    (2000, 6, 5),
                    ["--aps", "4", "--rounds", "1", "--interval", "5", "--traps", "8"],
                    [1000, 10_000], (1000, 3, 15))
    return Plan(False, [100, 1000, 5000], [BIG_FLEET_APS], [1000, 5000], [1000, 5000], 3, None,
                2,
                (1000, 60, 2), (5000, 12, 5), [], [1000, 10_000],
                (bench_process.TARGET_APS, 4, bench_process.CYCLE_S))


def say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# ---- polling --------------------------------------------------------------------------

def _best(rows: list[PollRow], names: tuple[str, ...]) -> PollRow | None:
    found = [r for r in rows if r.poller in names]
    return max(found, key=lambda r: r.aps_per_cpu_s) if found else None


def big_fleet_check(rows: list[PollRow]) -> tuple[Check, str]:
    netmon = sorted((r for r in rows if r.poller == NETMON), key=lambda r: r.aps)
    direct = [r for r in netmon if r.aps >= BIG_FLEET_APS]
    if direct:
        row = direct[0]
        cpu, wall, rss = row.cpu_s, row.wall_s, row.peak_rss_mb
        how = f"measured at {row.aps:,} APs"
    elif len(netmon) >= 2:
        small, large = netmon[-2], netmon[-1]
        cpu = large.cpu_s / large.aps * BIG_FLEET_APS
        wall = large.wall_s / large.aps * BIG_FLEET_APS
        slope = (large.peak_rss_mb - small.peak_rss_mb) / (large.aps - small.aps)
        rss = large.peak_rss_mb + slope * (BIG_FLEET_APS - large.aps)
        how = (f"extrapolated from {large.aps:,} APs (CPU, wall per AP) and "
               f"{small.aps:,}-{large.aps:,} APs (RSS per AP)")
    else:
        return Check(f"{BIG_FLEET_APS:,}-AP cycle", "not measured", "", None), ""
    met = cpu <= CYCLE_S and wall <= CYCLE_S and rss < RSS_LIMIT_MB
    measured = (f"{cpu:.1f} CPU-s, {wall:.1f} s wall per cycle, peak RSS {rss:.0f} MB "
                f"({BIG_FLEET_APS / cpu:,.0f} APs/CPU-s)")
    return Check(f"{BIG_FLEET_APS:,}-AP {CYCLE_S:.0f} s cycle within one core", measured,
                 f"<= {CYCLE_S:.0f} CPU-s and <= {CYCLE_S:.0f} s per cycle, RSS < "
                 f"{RSS_LIMIT_MB:.0f} MB", met), how


def _ratio_check(name: str, mine: str, other: tuple[str, ...], target: float,
                 rows: list[PollRow], not_run: list[NotRun]) -> Check | None:
    """`mine` over the best of `other`, APs per CPU-second; not run if a planned row is not."""
    mine_row = _best(rows, (mine,))
    other_row = _best(rows, other)
    goal = f">= {target:.1f}x APs/CPU-s"
    if mine_row is None or other_row is None:
        missing = [n for n in not_run if n.poller in (mine, *other)]
        return Check(name, "; ".join(f"not run: {n.why}" for n in missing), goal,
                     None) if missing else None
    value = mine_row.aps_per_cpu_s / other_row.aps_per_cpu_s
    return Check(name, f"{value:.2f}x ({other_row.poller})", goal, value >= target)


def polling(p: Plan) -> tuple[list[Section], list[Check]]:
    rows: list[PollRow] = []
    not_run: list[NotRun] = []
    for aps in p.poll_sizes:
        say(f"polling: {aps:,} APs, every poller")
        polled, skipped = compare(aps, p.cycles, aps in p.baseline_sizes, p.tool_aps,
                                  p.tool_cycles, aps in p.v3_sizes, log=True)
        rows.extend(polled)
        not_run.extend(skipped)
    for aps in p.alone_sizes:
        say(f"polling: {aps:,} APs, netmon alone")
        rows.append(netmon_alone(aps, p.cycles))
    section = Section("1. Polling (same agents, same OIDs, per cycle)",
                      ["APs", "poller", "cycles", "CPU s/cycle", "wall s/cycle", "APs/CPU-s",
                       "netmon v2c ÷ this", "peak RSS MB", "errors/cycle"])
    checks: list[Check] = []
    exporter_v2c = (EXPORTER_NAMES["bench_get"], EXPORTER_NAMES["bench_walk"])
    exporter_v3 = (EXPORTER_NAMES["bench_get_v3"], EXPORTER_NAMES["bench_walk_v3"])
    for aps in sorted({r.aps for r in rows} | {n.aps for n in not_run}):
        here = [r for r in rows if r.aps == aps]
        missing = [n for n in not_run if n.aps == aps]
        netmon = next((r for r in here if r.poller == NETMON), None)
        for r in here:
            vs = netmon.aps_per_cpu_s / r.aps_per_cpu_s if netmon else math.nan
            section.rows.append([f"{aps:,}", r.poller, str(r.cycles), num(r.cpu_s, 3),
                                 num(r.wall_s, 2), num(r.aps_per_cpu_s), ratio(vs),
                                 num(r.peak_rss_mb), num(r.errors, 1)])
        section.rows += [[f"{aps:,}", n.poller, "not run", n.why, "", "", "", "", ""]
                         for n in missing]
        found = [
            _ratio_check(f"netmon SNMPv3 authPriv vs its v2c, {aps:,} APs", NETMON_V3,
                         (NETMON,), V3_RATIO, here, missing),
            _ratio_check(f"netmon v2c vs before gufo, {aps:,} APs", NETMON, (NETMON_BEFORE,),
                         BEFORE_RATIO, here, missing),
            _ratio_check(f"netmon vs snmp_exporter, v2c, {aps:,} APs", NETMON, exporter_v2c,
                         EXPORTER_RATIO, here, missing),
            _ratio_check(f"netmon vs snmp_exporter, SNMPv3 authPriv, {aps:,} APs", NETMON_V3,
                         exporter_v3, EXPORTER_RATIO, here, missing),
            _ratio_check(f"netmon vs net-snmp C tools, v2c, {aps:,} APs", NETMON,
                         (SNMPGET, SNMPBULKGET), C_TOOLS_RATIO, here, missing),
            _ratio_check(f"netmon vs net-snmp C tools, SNMPv3 authPriv, {aps:,} APs",
                         NETMON_V3, (SNMPGET_V3, SNMPBULKGET_V3), C_TOOLS_RATIO, here, missing),
        ]
        checks += [c for c in found if c is not None]
    big, how = big_fleet_check(rows)
    checks.append(big)
    section.notes += [
        "Every poller asks each AP sysUpTime, hrSystemNumUsers (the client count) and "
        "ifOperStatus, ifHCInOctets, ifHCOutOctets of its 4 interfaces: 14 values. netmon "
        "reads them with one GET per AP per cycle once it knows the rows (walks on its first "
        "poll and every `rewalk_every` polls); `snmp_exporter, GET module` sends the same "
        "GET; `walk module` is the exporter's usual set-up (GET + 3 column walks); `snmpget` "
        "sends the same GET and `snmpbulkget` one GETBULK with the same 14 answers. SNMPv3 "
        "rows: authPriv, SHA + AES, the same user on every agent.",
        f"`{NETMON_BEFORE}`: the poller before gufo-snmp (its own BER codec for v2c), run "
        "from that commit's tree (`git archive`) on the same agents in the same run; its "
        "harness freezes the GC after the warm-up as today's does (and `netmon run` did).",
        "CPU counted: the poller's only (netmon's process; the exporter process; xargs and "
        "the tool processes), never the agents'. One warm-up cycle first, not counted. "
        f"netmon, the baseline and the exporter ran in {ROUNDS} rounds of half the cycles, "
        "the order reversed in the second, each row the sum of its rounds. "
        "`netmon v2c ÷ this`: netmon's v2c APs/CPU-s divided by this poller's, same fleet.",
        *([f"{BIG_FLEET_APS:,}-AP figure: {how}."] if how else []),
    ]
    notes = [r for r in rows if r.note and r.poller in (NETMON, NETMON_BEFORE, NETMON_V3)]
    section.notes += [f"{r.poller}, {r.aps:,} APs: {r.note}." for r in notes]
    return [section], checks


# ---- ingest ---------------------------------------------------------------------------

def ingest(p: Plan) -> tuple[list[Section], list[Check]]:
    # Imported here: a store API change breaks this section only, not the whole suite.
    from bench import bench_store

    aps, cycles, ifaces = p.store
    say(f"ingest: embedded store, {aps:,} APs x {cycles} cycles")
    store = bench_store.ingest(aps, cycles, ifaces)
    aps, per_round, rounds = p.influx
    say(f"ingest: InfluxDB sink vs raw influxdb-client into VictoriaMetrics, {aps:,} APs")
    influx = bench_influx.measure(aps, per_round, rounds, batch_size=5000,
                                  cached_template=p.quick)
    section = Section("2. Ingest", ["path", "rate", "CPU", "detail"])
    section.rows.append([
        "embedded store (SQLite)", f"{num(store['samples_per_s'])} Samples/s",
        f"{num(store['samples_per_cpu_s'])} Samples/CPU-s",
        f"{store['samples']:,.0f} Samples ({store['values']:,.0f} field values, "
        f"{num(store['values_per_s'])}/s): {store['aps']:,.0f} APs x {store['cycles']:.0f} "
        "cycles, one flush per cycle"])

    def cpu_us(rounds: list[bench_influx.Round]) -> str:
        per = sorted(r.netmon_cpu_s / r.points * 1e6 for r in rounds)
        return f"{per[len(per) // 2]:.2f} us/point"

    detail = (f"{influx.copies * 50:,} APs, {influx.per_cycle:,} points per cycle, "
              f"{rounds} rounds x {per_round} cycles, medians")
    section.rows.append(["raw influxdb-client -> VictoriaMetrics",
                         f"{num(influx.raw_rate)} points/s", cpu_us(influx.raws), detail])
    section.rows.append(["netmon InfluxSink -> VictoriaMetrics",
                         f"{num(influx.sink_rate)} points/s", cpu_us(influx.sinks),
                         f"sink ÷ raw {influx.ratio:.2f}x"])
    section.rows.append(["raw influxdb-client, writes in flight as the sink's",
                         f"{num(statistics.median(r.rate for r in influx.raws_in_flight))} "
                         "points/s", cpu_us(influx.raws_in_flight), "reference, not a target"])
    section.rows.append(["sink spool (server down)", f"{num(influx.spooled)} points/s", "",
                         f"replayed {num(influx.replayed)} points/s, "
                         f"{influx.per_point:.1f} bytes/point"])
    section.notes.append("Raw influxdb-client writes pre-built line protocol; the sink starts "
                         "from Samples (encode + deliver, until acknowledged).")
    checks = [
        Check("InfluxDB sink vs raw influxdb-client", f"{influx.ratio:.2f}x",
              f">= {SINK_RATIO:.1f}x", influx.ratio >= SINK_RATIO),
        Check("InfluxDB sink rate", f"{num(influx.sink_rate)} points/s"
              f"{f' ({aps:,} APs: the target is for 5,000)' if p.quick else ''}",
              f">= {SINK_POINTS_PER_S:,} points/s", influx.sink_rate >= SINK_POINTS_PER_S),
    ]
    section.notes.append("docs/export.md explains the sink's figures: on 2 cores shared with "
                         "VictoriaMetrics, encoding costs netmon ~2-3 us per point, which the "
                         "raw client (pre-built line protocol) never pays; the sink keeps two "
                         "writes in flight, the target's raw client one.")
    return [section], checks


# ---- geo ------------------------------------------------------------------------------

GEO_MODULE = Path(__file__).with_name("bench_geo.py")
# Run in a child process: geopandas and matplotlib stay out of this one. bench_geo's own
# warm-up first (a long-running netmon pays the imports once), then each fleet and model.
GEO_CHILD = """
import json, sys
from bench.bench_geo import coverage_and_png, fleet_frames
coverage_and_png(*fleet_frames(10), "radius")
out = {}
for aps in map(int, sys.argv[1:]):
    frame, zones = fleet_frames(aps)
    out[aps] = {model: coverage_and_png(frame, zones, model) for model in ("radius", "pathloss")}
print(json.dumps(out))
"""


def geo(p: Plan) -> tuple[list[Section], list[Check]]:
    section = Section("3. Geo (coverage + PNG, bench/bench_geo.py)")
    if not GEO_MODULE.exists():
        section.notes.append("not run: bench_geo.py missing (issue #6 has not landed it yet).")
        return [section], [Check(f"{BIG_FLEET_APS:,}-AP coverage + PNG", "not run",
                                 f"<= {GEO_LIMIT_S:.0f} s", None)]
    say(f"geo: coverage + PNG for {', '.join(f'{n:,}' for n in p.geo_sizes)} APs")
    out = subprocess.run([sys.executable, "-c", GEO_CHILD, *map(str, p.geo_sizes)],
                         cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    section.header = ["APs", "model", "coverage s", "PNG s", "total s (wall)"]
    checks = []
    for aps in p.geo_sizes:
        for model, timing in figures[str(aps)].items():
            section.rows.append([f"{aps:,}", model, num(timing["coverage_s"], 2),
                                 num(timing["png_s"], 2), num(timing["total_s"], 2)])
            if aps == BIG_FLEET_APS:
                checks.append(Check(f"{aps:,}-AP coverage + PNG ({model} model)",
                                    f"{timing['total_s']:.2f} s", f"<= {GEO_LIMIT_S:.0f} s",
                                    timing["total_s"] <= GEO_LIMIT_S))
    section.notes.append("APs at random, 50 per km², 90% up; footprint, zone coverage of 4 "
                         "zones, then the PNG map (bench_geo.coverage_and_png). The report "
                         "benchmark (200 APs x 60 days) is `python -m bench.bench_geo`: its "
                         "store takes about 10 minutes to build, so bench/run leaves it out.")
    return [section], checks


# ---- alerts ---------------------------------------------------------------------------

def alerts(p: Plan) -> tuple[list[Section], list[Check]]:
    args = bench_alerts.parser().parse_args(p.alerts)
    say(f"alerts: {args.traps} traps, then {args.aps} APs x {args.rounds} silences "
        f"(poll interval {args.interval} s)")
    figures = bench_alerts.run(args)
    section = Section("4. Alerts (latency to the webhook)",
                      ["path", "notifications", "p50 s", "p99 s", "max s"])
    trap50, trap99 = bench_alerts.summary(figures.trap_s)
    silent50, silent99 = bench_alerts.summary(figures.silent_s)
    section.rows.append(["trap -> notification", f"{len(figures.trap_s)}/{figures.traps_sent}",
                         num(trap50, 2), num(trap99, 2),
                         num(max(figures.trap_s, default=math.nan), 2)])
    section.rows.append(["AP silent -> notification",
                         f"{len(figures.silent_s)}/{figures.silences}", num(silent50, 2),
                         num(silent99, 2), num(max(figures.silent_s, default=math.nan), 2)])
    section.notes.append(f"Poll interval {args.interval} s, timeout {args.timeout} s, retries "
                         f"{args.retries}; one snmpd per AP, frozen with SIGSTOP at a random "
                         "moment of the cycle; traps from net-snmp snmptrap (linkDown).")
    limit = args.interval + SILENT_SLACK_S
    checks = [
        Check("AP silent -> notification, p99", f"{num(silent99, 2)} s",
              f"<= interval + {SILENT_SLACK_S:.0f} s = {limit:.0f} s",
              silent99 <= limit and len(figures.silent_s) == figures.silences),
        Check("trap -> notification, p99", f"{num(trap99, 2)} s", f"<= {TRAP_LIMIT_S:.0f} s",
              trap99 <= TRAP_LIMIT_S and len(figures.trap_s) == figures.traps_sent),
    ]
    return [section], checks


# ---- the whole process -----------------------------------------------------------------

def whole_process(p: Plan) -> tuple[list[Section], list[Check]]:
    aps, cycles, interval = p.process
    say(f"process: netmon run on {aps:,} APs, {cycles} timed cycles of {interval} s")
    f = bench_process.run(aps, cycles, interval, log=True)
    section = Section("5. The whole `netmon run` process (store, /metrics, status API, alerts)",
                      ["figure", "value"])
    api = {path: f"p50 {ms(f.api_p50_s[path])}, max {ms(f.api_max_s[path])}"
           for path in bench_process.API_PATHS}
    section.rows += [
        ["APs (without an agent) / zones / interval",
         f"{f.aps:,} ({f.down}) / {f.zones} / {f.interval_s} s"],
        ["timed window", f"{f.window_s:.0f} s = {f.cycles_timed:.2f} cycles "
                         f"({f.cycles_seen:.0f} counted), {f.scrapes} scrapes"],
        ["CPU per cycle (whole process)", f"{f.cpu_s_per_cycle:.2f} s "
                                          f"({f.cpu_s_per_cycle / f.interval_s:.0%} of a core)"],
        ["CPU per cycle, event-loop thread", f"{f.loop_cpu_s_per_cycle:.2f} s"],
        ["poll cycle wall (mean)", f"{f.poll_wall_s:.2f} s"],
        ["event-loop lag p50 / p99", f"{ms(f.lag_p50_s)} / {ms(f.lag_p99_s)}"],
        ["a 404 answered on the loop: p50 / p99 / max",
         f"{ms(f.loop_probe_p50_s)} / {ms(f.loop_probe_p99_s)} / {ms(f.loop_probe_max_s)} "
         f"({f.loop_probes} probes)"],
        ["/metrics scrape", f"p50 {ms(f.metrics_p50_s)}, max {ms(f.metrics_max_s)} "
                            f"({f.metrics_bytes / 1e6:.1f} MB, {f.metrics_wire_bytes / 1e6:.1f} "
                            "MB sent)"],
        *([f"status API {path}", text] for path, text in api.items()),
        ["tracker per cycle", f"mean {ms(f.tracker_mean_s)}, slowest <= "
                              f"{ms(f.tracker_max_bound_s)}"],
        ["store growth per AP per day", f"{f.store_bytes_per_ap_day:,.0f} bytes (file + WAL), "
                                        f"{f.store_main_bytes_per_ap_day:,.0f} (file alone)"],
        ["store size at the end / after the stop",
         f"{f.store_bytes_end / 1e6:,.1f} MB / {f.store_bytes_stopped / 1e6:,.1f} MB"],
        ["peak RSS (VmHWM): when serving / after the warm-up / at the end",
         f"{f.peak_rss_mb_serving:.0f} / {f.peak_rss_mb_warm:.0f} / {f.peak_rss_mb:.0f} MB"],
        ["RSS in the window", f"{min(f.rss_mb_window):.0f}-{max(f.rss_mb_window):.0f} MB"],
        ["pages received (webhook)", ", ".join(f"{k} {v}" for k, v in sorted(f.pages.items()))
         or "none"],
        ["poll errors / skipped cycles / consumer failures / HTTP failures",
         f"{f.poll_errors:.0f} / {f.skipped_cycles:.0f} / {f.consumer_failures:.0f} / "
         f"{len(f.http_failures)}"],
        ["clean stop", f"{f.stop_s:.1f} s"],
        ["the bench's own CPU per cycle (scrapes, API, webhook receiver)",
         f"{f.bench_cpu_s_per_cycle:.2f} s"],
    ]
    section.notes += [
        "`netmon run -c CONFIG` as a child process: SQLite store, status page, a webhook "
        f"channel to a local receiver; {f.down} APs point at ports no agent answers (they "
        "page). The bench scrapes /metrics every 15 s, then GETs /api/aps and /api/zones. "
        "One warm-up cycle is not counted; CPU is utime + stime from /proc/PID/stat (every "
        "thread), the event-loop thread's from /proc/PID/task/PID/stat.",
        "Loop lag and tracker time are quantiles of netmon's own histograms "
        f"(`{bench_process.LOOP_LAG}`, `{bench_process.TRACKER}`) between the first and last "
        "scrape of the window; `not exported` when netmon has no such metric. The 404 probe "
        "(a GET of a path no route serves, 5 a second at a fixed rate) is the bench's own "
        "view of the loop: the router answers it on the loop with no work of its own.",
        "Store growth: the staged points of a few minutes (packing runs every 5 minutes, on "
        "closed 5-minute buckets) and the WAL before its checkpoint; an upper bound of what "
        "a day costs, not the packed size.",
        f"netmon logged {f.log_problem_count} warnings/errors"
        + "".join(f"; {p}" for p in f.log_problems[:3]) + ".",
    ]
    scale = "" if aps >= bench_process.TARGET_APS else \
        f" ({aps:,} APs at {interval} s; the target is for {bench_process.TARGET_APS:,} APs)"
    checks = [
        Check(f"event-loop lag p99{scale}", ms(f.lag_p99_s) + (
              f" (404 on the loop: p99 {ms(f.loop_probe_p99_s)})" if f.lag_p99_s is None
              else ""),
              f"<= {ms(bench_process.LAG_P99_LIMIT_S)}",
              None if f.lag_p99_s is None else f.lag_p99_s <= bench_process.LAG_P99_LIMIT_S),
        Check(f"/metrics scrape{scale}", f"max {ms(f.metrics_max_s)}, p50 "
                                         f"{ms(f.metrics_p50_s)}",
              f"every scrape <= {ms(bench_process.METRICS_LIMIT_S)}",
              f.metrics_max_s <= bench_process.METRICS_LIMIT_S),
        Check(f"tracker per cycle{scale}", f"mean {ms(f.tracker_mean_s)}",
              f"<= {ms(bench_process.TRACKER_LIMIT_S)}",
              None if f.tracker_mean_s is None
              else f.tracker_mean_s <= bench_process.TRACKER_LIMIT_S),
        Check(f"whole process within one core{scale}",
              f"{f.cpu_s_per_cycle:.2f} CPU-s per {f.interval_s} s cycle",
              f"<= {f.interval_s} CPU-s per cycle", f.within_one_core),
    ]
    return [section], checks


RUNNERS: dict[str, Callable[[Plan], tuple[list[Section], list[Check]]]] = {
    "poll": polling, "ingest": ingest, "geo": geo, "alerts": alerts, "process": whole_process}


def next_free(path: Path) -> Path:
    """`path`, or `<stem>-2`, `-3`... when a run of the same day is already there."""
    n = 1
    found = path
    while found.exists():
        n += 1
        found = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop at 1,000 APs; < 2 minutes")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated subset of {', '.join(SECTIONS)}")
    parser.add_argument("--out", type=Path, help="results file (default bench/results/...)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    p = plan(args.quick)
    started = time.perf_counter()
    when = datetime.datetime.now().astimezone()
    host, soft = machine(), versions()
    sections: list[Section] = []
    checks: list[Check] = []
    for name in chosen:
        began = time.perf_counter()
        try:
            got_sections, got_checks = RUNNERS[name](p)
        except Exception as exc:  # one broken comparison never hides the others' figures
            traceback.print_exc()
            got_sections = [Section(f"{name}: failed", notes=[f"failed: {exc!r}"])]
            got_checks = [Check(name, "failed", "", None)]
        say(f"{name} done in {time.perf_counter() - began:.0f} s")
        sections.extend(got_sections)
        checks.extend(got_checks)
    took = time.perf_counter() - started
    host["load average at end (1/5/15 min)"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    head = [f"# netmon benchmark, {when:%Y-%m-%d %H:%M %Z}"
            f"{' (--quick)' if args.quick else ''}\n",
            f"`bench/run{' --quick' if args.quick else ''}"
            f"{'' if chosen == list(SECTIONS) else ' --only ' + ','.join(chosen)}` took "
            f"{took / 60:.1f} min.\n",
            "## Machine\n", table(["", ""], [[k, v] for k, v in host.items()]) + "\n",
            "## Versions\n", table(["", ""], [[k, v] for k, v in soft.items()]) + "\n"]
    text = "\n".join(head) + "\n" + render(sections, checks)
    print(text)
    if not args.no_write:
        out = args.out or next_free(RESULTS / f"{when:%Y-%m-%d}{'-quick' if args.quick else ''}.md")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        say(f"written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
