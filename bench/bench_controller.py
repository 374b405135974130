"""One big controller: a SmartZone-style AP table of N APs walked and read within the interval.

    .venv/bin/python -m bench.bench_controller [--aps 10000] [--polls 3] [--out FILE]

Real parts: snmpsim serves a generated ruckus-sz recording (5 AP columns per AP, 2 WLANs);
netmon's ApPoller polls it as a controller with N inventory APs matched by MAC. Beside it, the
same columns walked by net-snmp's snmpbulkwalk (the agent's own pace, the baseline). Figures:
wall time and netmon's CPU per poll, AP rows per second, APs judged (all must be: none down
for a row cap, none unknown).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import SecretStr

from bench.machine import machine, versions
from collectors.snmp.poller import ApPoller, PollTarget
from collectors.snmp.profile import default_catalog
from collectors.snmp.settings import PollSettings, SnmpCredentials
from netmon.config.models import AccessPoint
from netmon.sim.probe import snmp_answers
from netmon.sim.snmpsim_process import SnmpsimProcess, free_udp_ports

AP_TABLE = "1.3.6.1.4.1.25053.1.4.2.1.1.2.2.1"
WLAN_TABLE = "1.3.6.1.4.1.25053.1.4.2.1.1.1.2.1"
COMMUNITY = "big"


def mac_of(i: int) -> tuple[int, ...]:
    return (0x2c, 0xc5, 0xd3, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF)


def recording(aps: int) -> str:
    """sysObjectID of an SZ100, the AP table indexed by a length-prefixed MAC, 2 WLANs."""
    lines = ["1.3.6.1.2.1.1.1.0|4|SmartZone 100", "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.25053.3.1.11.1",
             "1.3.6.1.2.1.1.3.0|67|8640000"]
    columns: dict[int, Callable[[int], str]] = {
        5: lambda i: f"4|AP-{i:05d}", 6: lambda i: f"67|{360000 + i}", 8: lambda i: "4|R510",
        15: lambda i: f"2|{i % 7}", 16: lambda i: "4|Connect"}
    for column, value in columns.items():
        for i in range(aps):
            index = ".".join(map(str, (6, *mac_of(i))))
            lines.append(f"{AP_TABLE}.{column}.{index}|{value(i)}")
    wlans = {1: ("4|Aix-Wifi-Gratuit", "4|Mairie-Pro"), 12: ("2|812", "2|31")}
    for wlan_column, cells in wlans.items():
        lines += [f"{WLAN_TABLE}.{wlan_column}.{w}|{v}" for w, v in enumerate(cells, 1)]
    return "\n".join(lines) + "\n"


def inventory(aps: int) -> list[AccessPoint]:
    return [AccessPoint(id=f"ap-{i:05d}", name=f"AP {i}", zone="centre", lat=45.69, lon=5.92,
                        controller="sz", mac=":".join(f"{o:02x}" for o in mac_of(i)))
            for i in range(aps)]


async def poll_netmon(port: int, aps: int, polls: int) -> list[dict[str, float]]:
    credentials = SnmpCredentials(version="2c", community=SecretStr(COMMUNITY))
    target = PollTarget("sz", "127.0.0.1", port, credentials, "auto", inventory(aps),
                        controller=True, interval_s=300)
    settings = PollSettings(timeout_s=5.0, retries=1, interval_s=300, rewalk_every=1)
    poller = ApPoller(settings, default_catalog(), [target])
    runs = []
    try:
        for _ in range(polls):
            cpu, wall = time.process_time(), time.perf_counter()
            cycle = await poller.poll()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            up = sum(o.up for o in cycle.observations)
            runs.append({"wall_s": wall, "cpu_s": cpu, "judged": len(cycle.observations),
                         "up": up, "requests": cycle.requests, "notes": len(cycle.notes)})
    finally:
        await poller.close()
    return runs


def netsnmp_walk(port: int) -> float:
    started = time.perf_counter()
    for column in (5, 6, 8, 15, 16):
        subprocess.run(["snmpbulkwalk", "-v2c", "-c", COMMUNITY, "-Cr25", "-On", "-t", "5",
                        f"127.0.0.1:{port}", f"{AP_TABLE}.{column}"], check=True,
                       stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aps", type=int, default=10_000)
    parser.add_argument("--polls", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-controller-") as tmp:
        root = Path(tmp)
        (root / "data").mkdir()
        (root / "data" / f"{COMMUNITY}.snmprec").write_text(recording(args.aps))
        port = free_udp_ports(1)[0]
        sim = SnmpsimProcess(root / "data", [port], root / "work").start()
        try:
            deadline = time.monotonic() + 120
            while not snmp_answers("127.0.0.1", port, community=COMMUNITY):
                if time.monotonic() > deadline:
                    sys.exit("snmpsim did not answer")
                time.sleep(0.5)
            baseline = netsnmp_walk(port)
            runs = asyncio.run(poll_netmon(port, args.aps, args.polls))
        finally:
            sim.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall = statistics.median(r["wall_s"] for r in runs)
    cpu = statistics.median(r["cpu_s"] for r in runs)
    rows = args.aps * 5
    lines = [f"# One controller with {args.aps:,} APs (bench/bench_controller.py)", "",
             *(f"- {k}: {v}" for k, v in {**machine(), **versions()}.items()), "",
             "| figure | value |", "|---|---|",
             f"| netmon poll, wall (median of {len(runs)}) | {wall:.1f} s |",
             f"| netmon CPU per poll | {cpu:.2f} s |",
             f"| AP-table cells per second (5 columns) | {rows / wall:,.0f} |",
             f"| requests per poll | {runs[-1]['requests']:.0f} |",
             f"| APs judged / up (of {args.aps:,}) | {runs[-1]['judged']:.0f} / "
             f"{runs[-1]['up']:.0f} |",
             f"| controller-level notes | {runs[-1]['notes']:.0f} |",
             f"| net-snmp snmpbulkwalk of the same 5 columns (-Cr25), wall | {baseline:.1f} s |",
             f"| netmon wall / snmpbulkwalk wall | {wall / baseline:.2f} |",
             f"| netmon peak RSS | {rss_mb:.0f} MB |", ""]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
