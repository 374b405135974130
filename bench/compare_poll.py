"""Polling side by side: netmon, net-snmp's C tools and snmp_exporter on the same agents.

For each fleet size one SnmpdFleet serves every poller; each poller does one warm-up cycle
and then the same number of timed cycles. netmon runs in a child process of its own.
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
NETMON = "netmon"
NETMON_PYSNMP = "netmon, v2c through pysnmp"
NETMON_V3 = "netmon, SNMPv3 authPriv (pysnmp)"
SNMPGET = "net-snmp snmpget"
SNMPBULKGET = "net-snmp snmpbulkget"
EXPORTER_GET = "snmp_exporter, GET module"
EXPORTER_WALK = "snmp_exporter, walk module"
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


def run_netmon(ports: list[int], cycles: int, work: Path, pysnmp: bool = False,
               v3: bool = False) -> PollRow:
    ports_file = work / "ports.json"
    ports_file.write_text(json.dumps(ports))
    command = [sys.executable, "-m", "bench.bench_poll", "--ports-file", str(ports_file),
               "--cycles", str(cycles), "--json"]
    if pysnmp:
        command.append("--pysnmp")
    if v3:
        command.append("--v3")
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    note = (f"{figures['requests_per_cycle'] / figures['aps']:.2f} requests/AP, "
            f"{figures['samples_per_cycle'] / figures['aps']:.0f} Samples/AP; "
            f"prepare {figures['prepare_cpu_s']:.2f} CPU-s")
    return _row(NETMON_V3 if v3 else NETMON_PYSNMP if pysnmp else NETMON, figures, note)


def compare(aps: int, cycles: int, with_pysnmp: bool, tool_aps: int | None = None,
            tool_cycles: int = 1, with_v3: bool = False, log: object = None) -> list[PollRow]:
    """Every poller over one fleet of `aps` agents.

    The C tools start one process per AP, so their cost per AP does not depend on the fleet:
    `tool_aps` lets them poll only the first APs of a big fleet (--quick does).
    """
    cycles = cycles_for(aps, cycles)
    concurrency = PollSettings().concurrency
    rows: list[PollRow] = []

    def say(text: str) -> None:
        if log:
            print(f"  [{aps} APs] {text}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="netmon-bench-poll-") as tmp:
        work = Path(tmp)
        fleet = SnmpdFleet(aps, work / "agents").start()
        try:
            say(f"{len(fleet.processes)} snmpd processes up; netmon")
            rows.append(run_netmon(fleet.ports, cycles, work))
            if with_pysnmp:
                say("netmon with v2c through pysnmp")
                rows.append(run_netmon(fleet.ports, cycles, work, pysnmp=True))
            if with_v3:
                say("netmon over SNMPv3")
                rows.append(run_netmon(fleet.ports, cycles, work, v3=True))
            sample = fleet.ports[:tool_aps] if tool_aps else fleet.ports
            for tool, name in (("snmpget", SNMPGET), ("snmpbulkget", SNMPBULKGET)):
                say(name)
                figures = bench_netsnmp.measure(sample, tool_cycles, tool)
                shown = f"first {len(sample):,} APs of {aps:,}; " if len(sample) < aps else ""
                figures["aps"] = aps  # the row stands for the fleet; its rate is per AP
                figures["cpu_s_per_cycle"] *= aps / len(sample)
                figures["wall_s_per_cycle"] *= aps / len(sample)
                figures["errors_per_cycle"] *= aps / len(sample)
                rows.append(_row(name, figures, f"{shown}one process per AP, xargs -P "
                                                f"{figures['parallel']:.0f}; RSS = that many "
                                                "processes"))
            say("snmp_exporter")
            for module, figures in bench_exporter.measure(fleet.ports, cycles,
                                                          concurrency).items():
                name = EXPORTER_GET if module == "bench_get" else EXPORTER_WALK
                rows.append(_row(name, figures, f"curl --parallel-max {concurrency}"))
        finally:
            fleet.stop()
    return rows


def netmon_alone(aps: int, cycles: int) -> PollRow:
    """netmon only, for the fleet sizes where the baselines add nothing but minutes."""
    with tempfile.TemporaryDirectory(prefix="netmon-bench-poll-") as tmp:
        fleet = SnmpdFleet(aps, Path(tmp) / "agents").start()
        try:
            return run_netmon(fleet.ports, cycles, Path(tmp))
        finally:
            fleet.stop()
