"""The C baseline: net-snmp's `snmpget` / `snmpbulkget`, one process per AP, run in parallel.

xargs -P keeps `parallel` tools running; the CPU counted is what xargs and every tool process
used (the rusage wait4 reports for xargs includes the children it waited for). MIB loading
is off (`-m ""`, numeric OIDs), the cheapest way to run the tools.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.agents import COMMUNITY, V3_AUTH_KEY, V3_PRIV_KEY, V3_USER
from bench.bench_poll import RETRIES, TIMEOUT_S
from netmon.sim.snmpsim_process import free_udp_ports

SYS_UPTIME = "1.3.6.1.2.1.1.3"
CLIENTS = "1.3.6.1.2.1.25.1.5"  # hrSystemNumUsers, the bench profile's client count
COLUMNS = ("1.3.6.1.2.1.2.2.1.8", "1.3.6.1.2.1.31.1.1.1.6", "1.3.6.1.2.1.31.1.1.1.10")
XARGS = shutil.which("xargs") or "/usr/bin/xargs"
RSS_PROBE_WAIT_S = 0.5
OUTPUT = ["-m", "", "-On", "-Oq"]
TIMING = ["-t", f"{TIMEOUT_S:g}", "-r", str(RETRIES)]
V2C = ["-v2c", "-c", COMMUNITY]
# SNMPv3 authPriv: each tool process discovers the engine and localises its keys, every time.
V3 = ["-v3", "-l", "authPriv", "-u", V3_USER, "-a", "SHA", "-A", V3_AUTH_KEY, "-x", "AES",
      "-X", V3_PRIV_KEY]
COMMON = [*V2C, *OUTPUT, *TIMING]


@dataclass
class CycleFigures:
    cpu_s: float
    wall_s: float
    values: int


def get_oids(interfaces: list[int]) -> list[str]:
    """What netmon's steady-state GET asks: sysUpTime, the client count, 3 cells per row."""
    cells = [f"{c}.{i}" for i in interfaces for c in COLUMNS]
    return [f"{SYS_UPTIME}.0", f"{CLIENTS}.0", *cells]


def bulk_oids() -> list[str]:
    """One GETBULK with the same answer: 2 non-repeaters, then the 3 columns."""
    return [SYS_UPTIME, CLIENTS, *COLUMNS]


def interfaces_of(port: int) -> list[int]:
    """ifIndex values of the agent (every bench agent is the same host)."""
    out = subprocess.run(["snmpbulkwalk", *COMMON, f"127.0.0.1:{port}", COLUMNS[0]],
                         capture_output=True, text=True, check=True).stdout
    return [int(line.split()[0].rsplit(".", 1)[1]) for line in out.splitlines() if line]


def run_cycle(tool: str, ports: list[int], oids: list[str], parallel: int, extra: list[str],
              work: Path, security: list[str]) -> CycleFigures:
    lines = "".join(f"127.0.0.1:{p} {' '.join(oids)}\n" for p in ports)
    jobs = work / "jobs.txt"
    jobs.write_text(lines)
    binary = shutil.which(tool) or f"/usr/bin/{tool}"
    with jobs.open("rb") as stdin, tempfile.TemporaryFile() as stdout:
        started = time.perf_counter()
        process = subprocess.Popen([XARGS, "-P", str(parallel), "-L", "1", binary, *security,
                                    *OUTPUT, *TIMING, *extra], stdin=stdin, stdout=stdout,
                                   stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = 0  # reaped by wait4 above
        stdout.seek(0)
        values = sum(1 for line in stdout if line.strip())
    return CycleFigures(usage.ru_utime + usage.ru_stime, wall, values)


def tool_rss_mb(tool: str) -> float:
    """Peak RSS of one tool process, read while it waits for an agent that never answers.

    (wait4's ru_maxrss would be this Python process's: a forked child keeps the parent's
    high-water mark across exec.)
    """
    dead = free_udp_ports(1)[0]
    process = subprocess.Popen([shutil.which(tool) or f"/usr/bin/{tool}", *V2C, *OUTPUT,
                                "-t", "2", "-r", "0", f"127.0.0.1:{dead}", f"{SYS_UPTIME}.0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(RSS_PROBE_WAIT_S)
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0
    finally:
        process.kill()
        process.wait()


def measure(ports: list[int], cycles: int, tool: str = "snmpget",
            parallel: int | None = None, v3: bool = False) -> dict[str, float]:
    """`cycles` timed cycles of one tool process per AP (no state to warm up)."""
    security = V3 if v3 else V2C
    parallel = parallel or 4 * (os.cpu_count() or 1)
    interfaces = interfaces_of(ports[0])
    if tool == "snmpget":
        oids, extra = get_oids(interfaces), []
    else:
        oids, extra = bulk_oids(), ["-Cn2", f"-Cr{len(interfaces)}"]
    per_ap = 2 + len(COLUMNS) * len(interfaces)
    with tempfile.TemporaryDirectory(prefix="netmon-bench-netsnmp-") as tmp:
        runs = [run_cycle(tool, ports, oids, parallel, extra, Path(tmp), security)
                for _ in range(cycles)]
    cpu = sum(r.cpu_s for r in runs)
    missing = sum(len(ports) * per_ap - r.values for r in runs)
    return {"aps": len(ports), "cycles": cycles, "cpu_s_per_cycle": cpu / cycles,
            "wall_s_per_cycle": sum(r.wall_s for r in runs) / cycles,
            "aps_per_cpu_s": len(ports) * cycles / cpu,
            "errors_per_cycle": max(0.0, missing / per_ap / cycles),
            "peak_rss_mb": tool_rss_mb(tool) * parallel,
            "parallel": parallel}
