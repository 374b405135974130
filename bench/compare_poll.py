"""Polling side by side: netmon (v2c, SNMPv3), netmon before gufo-snmp, net-snmp's C tools
and snmp_exporter (v2c, SNMPv3) on the same agents.

For each fleet size one SnmpdFleet serves every poller; each poller does one warm-up cycle
and then the same number of timed cycles. netmon runs in a child process of its own; so does
the poller of BASELINE_COMMIT, from that commit's own tree (`git archive`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench import bench_exporter, bench_netsnmp
from bench.agents import SnmpdFleet
from collectors.snmp.settings import PollSettings

ROOT = Path(__file__).resolve().parents[1]
# The last poller with netmon's own BER codec (v1/v2c) and pysnmp (SNMPv3), before gufo-snmp.
BASELINE_COMMIT = "a59a095"
NETMON = "netmon"
NETMON_V3 = "netmon, SNMPv3 authPriv"
NETMON_BEFORE = f"netmon before gufo-snmp ({BASELINE_COMMIT})"
SNMPGET = "net-snmp snmpget"
SNMPBULKGET = "net-snmp snmpbulkget"
SNMPGET_V3 = "net-snmp snmpget, SNMPv3 authPriv"
EXPORTER_GET = "snmp_exporter, GET module"
EXPORTER_WALK = "snmp_exporter, walk module"
EXPORTER_GET_V3 = "snmp_exporter, GET module, SNMPv3 authPriv"
EXPORTER_WALK_V3 = "snmp_exporter, walk module, SNMPv3 authPriv"
EXPORTER_NAMES = {"bench_get": EXPORTER_GET, "bench_walk": EXPORTER_WALK,
                  "bench_get_v3": EXPORTER_GET_V3, "bench_walk_v3": EXPORTER_WALK_V3}
# Enough timed cycles that a small fleet still gives tenths of CPU-seconds to compare.
MIN_TIMED_APS = 2000
MAX_CYCLES = 10


@dataclass
class PollRow:
    """One poller over one fleet: figures per cycle."""

    poller: str
    aps: int
    cycles: int
    cpu_s: float
    wall_s: float
    peak_rss_mb: float
    errors: float
    note: str = ""

    @property
    def aps_per_cpu_s(self) -> float:
        return self.aps / self.cpu_s if self.cpu_s > 0 else float("inf")


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
    out = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(tree)})
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    note = (f"{figures['requests_per_cycle'] / figures['aps']:.2f} requests/AP, "
            f"{figures['samples_per_cycle'] / figures['aps']:.0f} Samples/AP; "
            f"prepare {figures['prepare_cpu_s']:.2f} CPU-s")
    return _row(name or (NETMON_V3 if v3 else NETMON), figures, note)


def baseline_tree(work: Path) -> tuple[Path | None, str]:
    """BASELINE_COMMIT's sources in `work`, or None and why not (no git, a shallow clone)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE_COMMIT],
                             capture_output=True)
    if archive.returncode != 0:
        return None, f"git archive {BASELINE_COMMIT}: {archive.stderr.decode().strip()}"
    tree = work / "baseline"
    tree.mkdir()
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree, ""


def _tool_row(name: str, sample: list[int], aps: int, cycles: int, tool: str,
              v3: bool) -> PollRow:
    figures = bench_netsnmp.measure(sample, cycles, tool, v3=v3)
    shown = f"first {len(sample):,} APs of {aps:,}; " if len(sample) < aps else ""
    figures["aps"] = aps  # the row stands for the fleet; its rate is per AP
    for key in ("cpu_s_per_cycle", "wall_s_per_cycle", "errors_per_cycle"):
        figures[key] *= aps / len(sample)
    return _row(name, figures, f"{shown}one process per AP, xargs -P "
                               f"{figures['parallel']:.0f}; RSS = that many processes")


def compare(aps: int, cycles: int, with_baseline: bool, tool_aps: int | None = None,
            tool_cycles: int = 1, with_v3: bool = False, log: object = None,
            ) -> tuple[list[PollRow], list[str]]:
    """Every poller over one fleet of `aps` agents, and notes on pollers that could not run.

    The C tools start one process per AP, so their cost per AP does not depend on the fleet:
    `tool_aps` lets them poll only the first APs of a big fleet (--quick does).
    """
    cycles = cycles_for(aps, cycles)
    concurrency = PollSettings().concurrency
    rows: list[PollRow] = []
    notes: list[str] = []

    def say(text: str) -> None:
        if log:
            print(f"  [{aps} APs] {text}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="netmon-bench-poll-") as tmp:
        work = Path(tmp)
        fleet = SnmpdFleet(aps, work / "agents").start()
        try:
            say(f"{len(fleet.processes)} snmpd processes up; netmon")
            rows.append(run_netmon(fleet.ports, cycles, work))
            if with_v3:
                say("netmon over SNMPv3")
                rows.append(run_netmon(fleet.ports, cycles, work, v3=True))
            if with_baseline:
                say(f"netmon at {BASELINE_COMMIT}")
                tree, why = baseline_tree(work)
                if tree is None:
                    notes.append(f"{NETMON_BEFORE}: not run ({why}).")
                else:
                    rows.append(run_netmon(fleet.ports, cycles, work, tree=tree,
                                           name=NETMON_BEFORE))
            sample = fleet.ports[:tool_aps] if tool_aps else fleet.ports
            tools = [("snmpget", SNMPGET, False), ("snmpbulkget", SNMPBULKGET, False)]
            if with_v3:
                tools.append(("snmpget", SNMPGET_V3, True))
            for tool, name, v3 in tools:
                say(name)
                rows.append(_tool_row(name, sample, aps, tool_cycles, tool, v3))
            for v3 in (False, True) if with_v3 else (False,):
                say("snmp_exporter" + (" over SNMPv3" if v3 else ""))
                for module, figures in bench_exporter.measure(fleet.ports, cycles, concurrency,
                                                              v3).items():
                    rows.append(_row(EXPORTER_NAMES[module], figures,
                                     f"curl --parallel-max {concurrency}"))
        finally:
            fleet.stop()
    return rows, notes


def netmon_alone(aps: int, cycles: int) -> PollRow:
    """netmon only, for the fleet sizes where the baselines add nothing but minutes."""
    with tempfile.TemporaryDirectory(prefix="netmon-bench-poll-") as tmp:
        fleet = SnmpdFleet(aps, Path(tmp) / "agents").start()
        try:
            return run_netmon(fleet.ports, cycles, Path(tmp))
        finally:
            fleet.stop()
