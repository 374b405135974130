"""Polling side by side: netmon (v2c, SNMPv3), netmon before gufo-snmp, net-snmp's C tools
and snmp_exporter (v2c, SNMPv3) on the same agents.

For each fleet size one SnmpdFleet serves every poller. netmon runs in a child process of its
own; so does the poller of BASELINE_COMMIT, from that commit's own tree (`git archive`). Each
run of a poller does one warm-up cycle, then its timed cycles; netmon, the baseline and the
exporter run in ROUNDS rounds, the order reversed every other round (see `interleaved`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import bench_exporter, bench_netsnmp
from bench.agents import SnmpdFleet
from bench.poll_rounds import (
    Measure,
    NotRun,
    PollerUnavailable,
    PollRow,
    interleaved,
)
from collectors.snmp.settings import PollSettings

ROOT = Path(__file__).resolve().parents[1]
# The last commit before gufo-snmp: its poller speaks v1/v2c through netmon's own BER codec
# (collectors/snmp/ber.py, community.py) and SNMPv3 through pysnmp. The baseline row runs it.
BASELINE_COMMIT = "a59a095"
# Today's bench_poll freezes the GC after its warm-up poll, as `netmon run` does (and did at
# BASELINE_COMMIT); the baseline's harness gets that one line too, its poller nothing.
WARM_UP_LINE = "\n    await poller.poll()\n"
FREEZE_LINES = "    import gc\n    gc.freeze()\n"
NETMON = "netmon, v2c"
NETMON_V3 = "netmon, SNMPv3 authPriv"
NETMON_BEFORE = f"netmon before gufo (commit {BASELINE_COMMIT}), v2c"
SNMPGET = "net-snmp snmpget, v2c"
SNMPBULKGET = "net-snmp snmpbulkget, v2c"
SNMPGET_V3 = "net-snmp snmpget, SNMPv3 authPriv"
SNMPBULKGET_V3 = "net-snmp snmpbulkget, SNMPv3 authPriv"
EXPORTER_NAMES = {"bench_get": "snmp_exporter, GET module, v2c",
                  "bench_walk": "snmp_exporter, walk module, v2c",
                  "bench_get_v3": "snmp_exporter, GET module, SNMPv3 authPriv",
                  "bench_walk_v3": "snmp_exporter, walk module, SNMPv3 authPriv"}
# Enough timed cycles that a 1,000-AP fleet gives seconds of CPU to compare (the exporter's
# CPU is read in 10 ms ticks).
MIN_TIMED_APS = 20_000
MAX_CYCLES = 20
ROUNDS = 2


def cycles_for(aps: int, cycles: int) -> int:
    return max(cycles, min(MAX_CYCLES, -(-MIN_TIMED_APS // aps)))


def _row(name: str, figures: dict[str, float], note: str = "") -> PollRow:
    return PollRow(name, int(figures["aps"]), int(figures["cycles"]),
                   figures["cpu_s_per_cycle"], figures["wall_s_per_cycle"],
                   figures["peak_rss_mb"], figures["errors_per_cycle"], note)


def run_netmon(ports: list[int], cycles: int, work: Path, v3: bool = False,
               tree: Path = ROOT, name: str = "") -> PollRow:
    """netmon's poller in a child process; `tree`: another commit's sources (the baseline)."""
    ports_file = work / "ports.json"
    ports_file.write_text(json.dumps(ports))
    command = [sys.executable, "-m", "bench.bench_poll", "--ports-file", str(ports_file),
               "--cycles", str(cycles), "--json"]
    if v3:
        command.append("--v3")
    out = subprocess.run(command, cwd=tree, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(tree)})
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        failure = f"bench_poll in {tree} exited {out.returncode}: {last}"
        if tree == ROOT:
            raise RuntimeError(failure)
        raise PollerUnavailable(failure)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    note = (f"{figures['requests_per_cycle'] / figures['aps']:.2f} requests/AP, "
            f"{figures['samples_per_cycle'] / figures['aps']:.0f} Samples/AP; "
            f"prepare {figures['prepare_cpu_s']:.2f} CPU-s")
    return _row(name or (NETMON_V3 if v3 else NETMON), figures, note)


def baseline_tree(work: Path, commit: str = BASELINE_COMMIT) -> Path:
    """`commit`'s sources in `work`, its harness freezing the GC after the warm-up poll."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit],
                                 capture_output=True)
    except FileNotFoundError as exc:
        raise PollerUnavailable(f"no git to export commit {commit}") from exc
    if archive.returncode != 0:
        why = archive.stderr.decode(errors="replace").strip().splitlines() or ["?"]
        raise PollerUnavailable(f"git archive {commit}: {why[-1]}")
    tree = work / f"baseline-{commit}"
    tree.mkdir()
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    harness = tree / "bench" / "bench_poll.py"
    text = harness.read_text() if harness.exists() else ""
    if WARM_UP_LINE not in text:
        raise PollerUnavailable(f"commit {commit}'s bench/bench_poll.py has no warm-up poll")
    harness.write_text(text.replace(WARM_UP_LINE, WARM_UP_LINE + FREEZE_LINES, 1))
    return tree


def _tool_row(name: str, sample: list[int], aps: int, cycles: int, tool: str,
              v3: bool) -> PollRow:
    figures = bench_netsnmp.measure(sample, cycles, tool, v3=v3)
    shown = f"first {len(sample):,} APs of {aps:,}; " if len(sample) < aps else ""
    figures["aps"] = aps  # the row stands for the fleet; its rate is per AP
    for key in ("cpu_s_per_cycle", "wall_s_per_cycle", "errors_per_cycle"):
        figures[key] *= aps / len(sample)
    return _row(name, figures, f"{shown}one process per AP, xargs -P "
                               f"{figures['parallel']:.0f}; RSS = that many processes")


def _pollers(ports: list[int], work: Path, with_v3: bool, baseline: Path | None,
             ) -> dict[str, Measure]:
    """netmon, the baseline and the exporter modules, each a function of its cycles."""
    pollers: dict[str, Measure] = {NETMON: lambda c: run_netmon(ports, c, work)}
    if with_v3:
        pollers[NETMON_V3] = lambda c: run_netmon(ports, c, work, v3=True)
    if baseline is not None:
        pollers[NETMON_BEFORE] = lambda c: run_netmon(ports, c, work, tree=baseline,
                                                      name=NETMON_BEFORE)
    concurrency = PollSettings().concurrency
    modules = bench_exporter.MODULES + (bench_exporter.V3_MODULES if with_v3 else ())
    for module in modules:
        def scrape(c: int, module: str = module) -> PollRow:
            figures = bench_exporter.measure(ports, c, concurrency, module)
            return _row(EXPORTER_NAMES[module], figures, f"curl --parallel-max {concurrency}")
        pollers[EXPORTER_NAMES[module]] = scrape
    return pollers


def compare(aps: int, cycles: int, with_baseline: bool, tool_aps: int | None = None,
            tool_cycles: int = 1, with_v3: bool = False, log: bool = False,
            rounds: int = ROUNDS) -> tuple[list[PollRow], list[NotRun]]:
    """Every poller over one fleet of `aps` agents, and the pollers that could not run.

    The C tools start one process per AP, so their cost per AP does not depend on the fleet:
    `tool_aps` lets them poll only the first APs of a big fleet (--quick does).
    """
    cycles = cycles_for(aps, cycles)
    not_run: list[NotRun] = []

    def say(text: str) -> None:
        if log:
            print(f"  [{aps} APs] {text}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="netmon-bench-poll-") as tmp:
        work = Path(tmp)
        baseline = None
        if with_baseline:
            try:
                baseline = baseline_tree(work)
            except PollerUnavailable as exc:
                not_run.append(NotRun(NETMON_BEFORE, aps, str(exc)))
        fleet = SnmpdFleet(aps, work / "agents").start()
        try:
            say(f"{len(fleet.processes)} snmpd processes up")
            rows, failed = interleaved(_pollers(fleet.ports, work, with_v3, baseline), cycles,
                                       rounds, say)
            not_run += [NotRun(name, aps, why) for name, why in failed.items()]
            sample = fleet.ports[:tool_aps] if tool_aps else fleet.ports
            tools = [("snmpget", SNMPGET, False), ("snmpbulkget", SNMPBULKGET, False)]
            if with_v3:
                tools += [("snmpget", SNMPGET_V3, True), ("snmpbulkget", SNMPBULKGET_V3, True)]
            for tool, name, v3 in tools:
                say(name)
                rows.append(_tool_row(name, sample, aps, tool_cycles, tool, v3))
        finally:
            fleet.stop()
    return rows, not_run


def netmon_alone(aps: int, cycles: int) -> PollRow:
    """netmon only, for the fleet sizes where the baselines add nothing but minutes."""
    with tempfile.TemporaryDirectory(prefix="netmon-bench-poll-") as tmp:
        fleet = SnmpdFleet(aps, Path(tmp) / "agents").start()
        try:
            return run_netmon(fleet.ports, cycles, Path(tmp))
        finally:
            fleet.stop()
