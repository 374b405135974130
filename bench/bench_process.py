"""The whole `netmon run` process on N simulated APs: CPU per cycle, loop lag, /metrics, API.

    .venv/bin/python -m bench.bench_process --aps 10000 --cycles 4 [--interval 60] [--down 5]
        [--zones 20] [--json]

Real parts: net-snmp snmpd agents (SnmpdFleet), `netmon run -c CONFIG` as a child process
with its SQLite store, the status page and a webhook channel (a local HTTP receiver); this
process plays Prometheus (GET /metrics every 15 s) and a status-page user (/api/aps and
/api/zones every 15 s). `--down` APs point at ports no agent answers: they open incidents
and page. One warm-up cycle (the first poll walks every agent) is not counted: the timed
window starts one scrape after the scrape that counts it (so the confirmation look at the APs
that failed it is over too) and lasts `--cycles` intervals.

Targets (issue 12): event-loop lag p99 <= 50 ms, /metrics <= 100 ms, tracker <= 50 ms per
cycle at 10,000 APs, the whole process within one core per 60 s cycle.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from bench import bench_alerts
from bench.agents import SnmpdFleet
from bench.histograms import Scrape, counter, parse, window
from bench.loop_probe import LoopProbe
from bench.netmon_process import NetmonProcess
from bench.process_config import process_config, write_config
from netmon.sim.snmpsim_process import free_udp_ports
from tests.alerts_support.servers import WebhookSink
from tests.support.tsdb import free_tcp_port

SCRAPE_EVERY_S = 15.0  # Prometheus' usual scrape interval
# After the warm-up cycle is counted, one more scrape round: the confirmation look at the APs
# that failed it (alerts.recheck, timeout x tries) also counts as a cycle and must end first.
SETTLE_ROUNDS = 1
START_TIMEOUT_S = 600.0  # config load + agent registration at 10,000 APs take a while
HTTP_TIMEOUT_S = 60.0
SECONDS_PER_DAY = 86_400
LOOP_LAG = "netmon_event_loop_lag_seconds"
TRACKER = "netmon_tracker_duration_seconds"
POLL_DURATION = "netmon_poll_duration_seconds"
CYCLES = "netmon_poll_cycles"  # a counter: the parser names the family without `_total`
SKIPPED = "netmon_poll_skipped_cycles"
CONSUMER_FAILURES = "netmon_pipeline_consumer_failures"
REJECTED = "netmon_store_rejected_values"
POLL_ERRORS = "netmon_poll_errors"
FAMILIES = (LOOP_LAG, TRACKER, POLL_DURATION, CYCLES, SKIPPED, CONSUMER_FAILURES, REJECTED,
            POLL_ERRORS)
API_PATHS = ("/api/aps", "/api/zones")
LOG_LINES_KEPT = 8
# Targets (issue 12, part 8).
TARGET_APS = 10_000
LAG_P99_LIMIT_S = 0.050
METRICS_LIMIT_S = 0.100
TRACKER_LIMIT_S = 0.050
CYCLE_S = 60


@dataclass
class Probe:
    """One round of the bench's clients: /metrics, then each API path, timed."""

    at: float
    metrics_s: float
    api_s: dict[str, float]
    scrape: Scrape  # the families the bench reads, not the whole body
    failures: list[str] = field(default_factory=list)
    metrics_bytes: int = 0
    metrics_wire_bytes: int = 0  # as sent (gzip when asked, as Prometheus asks)
    rss_mb: float = math.nan  # netmon's VmRSS right after


@dataclass
class ProcessFigures:
    aps: int
    down: int
    zones: int
    interval_s: int
    window_s: float
    cycles_timed: float  # window / interval
    cycles_seen: float  # the poll-cycle counter's growth over the window
    cpu_s_per_cycle: float
    loop_cpu_s_per_cycle: float  # the main thread (the event loop) alone
    lag_p50_s: float | None  # None: netmon does not export the loop-lag histogram
    lag_p99_s: float | None
    metrics_p50_s: float
    metrics_max_s: float
    metrics_bytes: int  # the last scrape's body
    metrics_wire_bytes: int  # the same, as sent (gzip)
    loop_probe_p50_s: float  # round trips of a 404 answered on the loop (loop_probe.py)
    loop_probe_p99_s: float
    loop_probe_max_s: float
    loop_probes: int
    api_p50_s: dict[str, float]
    api_max_s: dict[str, float]
    tracker_mean_s: float | None
    tracker_max_bound_s: float | None  # upper bound of the slowest cycle's bucket
    poll_wall_s: float  # mean poll-cycle duration (netmon_poll_duration_seconds)
    store_bytes_per_ap_day: float  # main file + WAL
    store_main_bytes_per_ap_day: float  # the main file alone
    store_bytes_end: int  # main file + WAL at the end of the window
    store_bytes_stopped: int  # after the clean stop (WAL checkpointed)
    peak_rss_mb: float
    peak_rss_mb_serving: float  # VmHWM when /metrics first answered (config loaded, agents known)
    peak_rss_mb_warm: float  # VmHWM when the timed window starts
    rss_mb_window: list[float]  # VmRSS after each scrape of the window
    threads: int
    bench_cpu_s_per_cycle: float  # this process (Prometheus, API user, webhook receiver)
    scrapes: int
    http_failures: list[str]
    pages: dict[str, int]  # webhook posts received, by kind
    skipped_cycles: float
    poll_errors: float  # APs whose poll failed or was partial, summed over the window's cycles
    consumer_failures: float
    rejected_values: float
    stop_s: float
    log_problems: list[str]
    log_problem_count: int

    @property
    def within_one_core(self) -> bool:
        return self.cpu_s_per_cycle <= self.interval_s


def store_bytes(path: Path) -> tuple[int, int]:
    """The store's main file and its WAL (the -shm index is a memory map, not data)."""
    main, wal = path, Path(f"{path}-wal")
    return (main.stat().st_size if main.exists() else 0,
            wal.stat().st_size if wal.exists() else 0)


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def ensure_file_limit(needed: int) -> None:
    """The fleet's ports are held open together while they are chosen: raise the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed <= hard or (soft < needed and hard == resource.RLIM_INFINITY):
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    elif soft < needed:
        raise SystemExit(f"{needed:,} open files needed, the hard limit is {hard:,}: "
                         "raise it (ulimit -Hn) or bench fewer APs")


def probe(client: httpx.Client, netmon: NetmonProcess, keep: Path) -> Probe:
    """Scrape /metrics, then ask the status API, each timed from request to last byte."""
    failures: list[str] = []

    def timed(path: str) -> tuple[float, str, int]:
        began = time.perf_counter()
        try:
            response = client.get(path)
            body = response.text
        except httpx.HTTPError as exc:
            failures.append(f"{path}: {exc!r}")
            return time.perf_counter() - began, "", 0
        took = time.perf_counter() - began
        if response.status_code != 200:
            failures.append(f"{path}: HTTP {response.status_code}")
        return took, body, response.num_bytes_downloaded

    at = time.monotonic()
    metrics_s, text, wire = timed("/metrics")
    keep.write_text(text)  # the last body, for a look at what makes it large
    api_s = {path: timed(path)[0] for path in API_PATHS}
    return Probe(at, metrics_s, api_s, parse(text, FAMILIES) if text else {}, failures,
                 len(text.encode()), wire, netmon.rss_mb())


def wait_until_serving(client: httpx.Client, netmon: NetmonProcess) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if not netmon.alive():
            raise RuntimeError(f"netmon run exited at start; see {netmon.log}:\n"
                               f"{netmon.log.read_text()[-2000:]}")
        try:
            if client.get("/metrics").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"netmon did not serve /metrics within {START_TIMEOUT_S:.0f} s")


def log_problems(log: Path) -> tuple[list[str], int]:
    """Warnings and errors netmon logged, by level and logger, the most frequent first, each
    with its first message (cut to 160 characters)."""
    found: Counter[str] = Counter()
    example: dict[str, str] = {}
    for line in log.read_text(errors="replace").splitlines():
        for level in (" WARNING ", " ERROR ", " CRITICAL ", "Traceback"):
            if level in line:
                logger, _, message = line.split(level, 1)[1].partition(": ")
                key = f"{level.strip()} {logger}" if level.startswith(" ") else level
                found[key] += 1
                example.setdefault(key, message[:160])
    return [f"{n} x {key} (first: {example[key]})" for key, n in
            found.most_common(LOG_LINES_KEPT)], sum(found.values())


def percentile(values: list[float], p: float) -> float:
    return bench_alerts.percentile(values, p) if values else math.nan


def quantiles(values: list[float]) -> tuple[float, float]:
    return (statistics.median(values), max(values)) if values else (math.nan, math.nan)


def _delta(first: Scrape, last: Scrape, family: str) -> float:
    return (counter(last, family) or 0.0) - (counter(first, family) or 0.0)


def measure(aps: int, cycles: int, interval_s: int, down: int, zones: int, work: Path,
            say: object = None) -> ProcessFigures:
    """Start the agents, the webhook receiver and netmon; time `cycles` intervals; stop."""

    def note(text: str) -> None:
        if say:
            print(f"  [process {aps:,} APs] {text}", file=sys.stderr, flush=True)

    ensure_file_limit(aps + 1024)
    fleet = SnmpdFleet(aps - down, work / "agents").start()
    note(f"{len(fleet.processes)} snmpd processes up")
    sink = WebhookSink()
    store = work / "store" / "netmon.db"
    store.parent.mkdir()
    port = free_tcp_port()
    config = write_config(work / "netmon.yaml", process_config(
        fleet.ports, free_udp_ports(down), zones, interval_s, store, f"127.0.0.1:{port}",
        sink.url("/hook")))
    netmon = NetmonProcess(config, work / "netmon.log")
    last_body = work / "metrics-last.txt"
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=HTTP_TIMEOUT_S) as client:
            netmon.start()
            began = time.monotonic()
            wait_until_serving(client, netmon)
            rss_serving = netmon.peak_rss_mb()
            note(f"netmon serving after {time.monotonic() - began:.1f} s (pid {netmon.pid}); "
                 "waiting for the warm-up cycle")
            # Warm-up: scrape on Prometheus' schedule until the first cycle is counted.
            due, settle = time.monotonic(), SETTLE_ROUNDS
            while True:
                first = probe(client, netmon, last_body)
                if (counter(first.scrape, CYCLES) or 0) >= 1:
                    if settle == 0:
                        break
                    settle -= 1
                if time.monotonic() - began > START_TIMEOUT_S + 2 * interval_s:
                    raise RuntimeError("no poll cycle completed; see " + str(netmon.log))
                due += SCRAPE_EVERY_S
                time.sleep(max(0.0, due - time.monotonic()))
            rss_warm = netmon.peak_rss_mb()
            cpu0, loop0, bytes0 = netmon.cpu_s(), netmon.loop_cpu_s(), store_bytes(store)
            own0 = own_cpu_s()
            loop_probe = LoopProbe(f"http://127.0.0.1:{port}").start()
            note(f"warm-up done; timing {cycles} cycles of {interval_s} s")
            rounds = max(1, math.ceil(cycles * interval_s / SCRAPE_EVERY_S))
            probes: list[Probe] = []
            due = first.at
            for _ in range(rounds):
                due += SCRAPE_EVERY_S
                time.sleep(max(0.0, due - time.monotonic()))
                if not netmon.alive():
                    raise RuntimeError(f"netmon run died; see {netmon.log}")
                probes.append(probe(client, netmon, last_body))
            cpu1, loop1, bytes1 = netmon.cpu_s(), netmon.loop_cpu_s(), store_bytes(store)
            own1 = own_cpu_s()
            round_trips = loop_probe.stop()
            window_s = probes[-1].at - first.at
            rss, threads = netmon.peak_rss_mb(), netmon.threads()
        stop_s = netmon.stop()
        note(f"stopped in {stop_s:.1f} s")
    finally:
        netmon.stop()
        sink.close()
        fleet.stop()
    last = probes[-1].scrape
    per_cycle = interval_s / window_s
    per_day = SECONDS_PER_DAY / window_s / aps
    lag = window(first.scrape, last, LOOP_LAG)
    tracker = window(first.scrape, last, TRACKER)
    poll = window(first.scrape, last, POLL_DURATION)
    metrics_p50, metrics_max = quantiles([p.metrics_s for p in probes])
    api = {path: quantiles([p.api_s[path] for p in probes]) for path in API_PATHS}
    problems, problem_count = log_problems(netmon.log)
    return ProcessFigures(
        aps=aps, down=down, zones=zones, interval_s=interval_s, window_s=window_s,
        cycles_timed=window_s / interval_s, cycles_seen=_delta(first.scrape, last, CYCLES),
        cpu_s_per_cycle=(cpu1 - cpu0) * per_cycle, loop_cpu_s_per_cycle=(loop1 - loop0) *
        per_cycle,
        lag_p50_s=lag.quantile(0.5) if lag else None,
        lag_p99_s=lag.quantile(0.99) if lag else None,
        metrics_p50_s=metrics_p50, metrics_max_s=metrics_max,
        metrics_bytes=probes[-1].metrics_bytes, metrics_wire_bytes=probes[-1].metrics_wire_bytes,
        loop_probe_p50_s=percentile(round_trips, 50), loop_probe_p99_s=percentile(round_trips, 99),
        loop_probe_max_s=max(round_trips, default=math.nan), loop_probes=len(round_trips),
        api_p50_s={path: q[0] for path, q in api.items()},
        api_max_s={path: q[1] for path, q in api.items()},
        tracker_mean_s=tracker.mean if tracker else None,
        tracker_max_bound_s=tracker.largest_bound() if tracker else None,
        poll_wall_s=poll.mean if poll else math.nan,
        store_bytes_per_ap_day=(sum(bytes1) - sum(bytes0)) * per_day,
        store_main_bytes_per_ap_day=(bytes1[0] - bytes0[0]) * per_day,
        store_bytes_end=sum(bytes1), store_bytes_stopped=sum(store_bytes(store)),
        peak_rss_mb=rss, peak_rss_mb_serving=rss_serving, peak_rss_mb_warm=rss_warm,
        rss_mb_window=[p.rss_mb for p in probes], threads=threads,
        bench_cpu_s_per_cycle=(own1 - own0) * per_cycle,
        scrapes=len(probes),
        http_failures=[f for p in probes for f in p.failures],
        pages=dict(Counter(str(h.body.get("kind")) for h in sink.received)),
        skipped_cycles=_delta(first.scrape, last, SKIPPED),
        poll_errors=_delta(first.scrape, last, POLL_ERRORS),
        consumer_failures=_delta(first.scrape, last, CONSUMER_FAILURES),
        rejected_values=_delta(first.scrape, last, REJECTED),
        stop_s=stop_s, log_problems=problems, log_problem_count=problem_count)


def run(aps: int, cycles: int, interval_s: int = CYCLE_S, down: int = 5, zones: int = 20,
        log: bool = False, keep: bool = False) -> ProcessFigures:
    """`keep`: leave the work folder (config, netmon.log, the store, the last /metrics body)."""
    work = Path(tempfile.mkdtemp(prefix="netmon-bench-process-"))
    try:
        return measure(aps, cycles, interval_s, down, zones, work, log)
    finally:
        if keep:
            print(f"kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def ms(value: float | None) -> str:
    return "not exported" if value is None else "n/a" if math.isnan(value) else \
        f"{value * 1000:,.1f} ms"


def lines(f: ProcessFigures) -> list[str]:
    """The figures, one per line, as a person reads them."""
    api = ", ".join(f"{path} p50 {ms(f.api_p50_s[path])} max {ms(f.api_max_s[path])}"
                    for path in API_PATHS)
    return [
        f"{f.aps:,} APs ({f.down} without an agent), {f.zones} zones, interval {f.interval_s} s; "
        f"timed {f.window_s:.0f} s = {f.cycles_timed:.2f} cycles ({f.cycles_seen:.0f} counted)",
        f"CPU per cycle: {f.cpu_s_per_cycle:.2f} s (event-loop thread {f.loop_cpu_s_per_cycle:.2f}"
        f" s), {'within' if f.within_one_core else 'NOT within'} one core "
        f"({f.cpu_s_per_cycle / f.interval_s:.0%} of {f.interval_s} s); poll cycle "
        f"{f.poll_wall_s:.2f} s wall",
        f"event-loop lag: p50 {ms(f.lag_p50_s)}, p99 {ms(f.lag_p99_s)}; a 404 answered on the "
        f"loop ({f.loop_probes} probes): p50 {ms(f.loop_probe_p50_s)}, p99 "
        f"{ms(f.loop_probe_p99_s)}, max {ms(f.loop_probe_max_s)}",
        f"/metrics ({f.scrapes} scrapes, {f.metrics_bytes / 1e6:.1f} MB each, "
        f"{f.metrics_wire_bytes / 1e6:.1f} MB sent): p50 "
        f"{ms(f.metrics_p50_s)}, max {ms(f.metrics_max_s)}",
        f"status API: {api}",
        f"tracker per cycle: mean {ms(f.tracker_mean_s)}, slowest <= {ms(f.tracker_max_bound_s)}",
        f"store: {f.store_bytes_per_ap_day:,.0f} bytes per AP per day (growth of file + WAL in "
        f"the window; main file alone {f.store_main_bytes_per_ap_day:,.0f}); "
        f"{f.store_bytes_end / 1e6:,.1f} MB at its end, {f.store_bytes_stopped / 1e6:,.1f} MB "
        "after the stop",
        f"peak RSS {f.peak_rss_mb:.0f} MB ({f.peak_rss_mb_serving:.0f} when serving, "
        f"{f.peak_rss_mb_warm:.0f} after the warm-up; RSS in the window "
        f"{min(f.rss_mb_window):.0f}-{max(f.rss_mb_window):.0f} MB), {f.threads} threads; "
        f"clean stop {f.stop_s:.1f} s; "
        f"the bench itself used {f.bench_cpu_s_per_cycle:.2f} CPU-s per cycle",
        f"pages received: {f.pages or 'none'}; poll errors {f.poll_errors:.0f}, skipped cycles "
        f"{f.skipped_cycles:.0f}, consumer "
        f"failures {f.consumer_failures:.0f}, rejected values {f.rejected_values:.0f}",
        f"HTTP failures: {len(f.http_failures)}" + (f" ({f.http_failures[0]})"
                                                     if f.http_failures else ""),
        f"netmon logged {f.log_problem_count} warnings/errors"
        + "".join(f"\n  {p}" for p in f.log_problems),
    ]


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aps", type=int, default=1000, help="APs polled (with --down)")
    parser.add_argument("--cycles", type=int, default=3, help="timed cycles after the warm-up")
    parser.add_argument("--interval", type=int, default=CYCLE_S, help="poll interval, s")
    parser.add_argument("--down", type=int, default=5, help="APs with no agent: they page")
    parser.add_argument("--zones", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work folder: config, netmon.log, store, last /metrics")
    return parser


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")  # the finally blocks stop every child


def main() -> None:
    # `kill PID` stops the run cleanly (a background job started by a script ignores SIGINT).
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    args = parser().parse_args()
    if not 0 <= args.down < args.aps:
        raise SystemExit("--down must be at least 0 and fewer than --aps")
    figures = run(args.aps, args.cycles, args.interval, args.down, args.zones, log=True,
                  keep=args.keep)
    print(json.dumps(asdict(figures)) if args.json else "\n".join(lines(figures)))


if __name__ == "__main__":
    main()
