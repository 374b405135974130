"""netmon's poller over N simulated APs (net-snmp snmpd): CPU and wall per cycle, peak RSS.

    .venv/bin/python -m bench.bench_poll --aps 100 1000 [--cycles 3] [--v3]

bench/run starts the agents itself and runs this module once per fleet size in a child
process (`--ports-file F --json`), so the figures are this poller's own: its CPU, its RSS.
`--v3` polls over SNMPv3 authPriv (SHA, AES) instead of v2c.

Target (issue #2): a 60 s cycle of 10,000 APs within one core, i.e. >= 170 APs per
CPU-second, with peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.agents import COMMUNITY, V3_AUTH_KEY, V3_PRIV_KEY, V3_USER, SnmpdFleet
from collectors.snmp.poller import ApPoller, PollTarget
from collectors.snmp.profile import PROFILE_DIR, ProfileCatalog
from collectors.snmp.settings import PollSettings, SnmpCredentials
from netmon.config.models import AccessPoint

BENCH_PROFILES = Path(__file__).with_name("profiles")
PROFILE = "bench-ap"
TARGET_APS_PER_CPU_S = 170
TARGET_RSS_MB = 300
TIMEOUT_S = 2.0
RETRIES = 1


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss, not the forking parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_targets(ports: list[int], v3: bool = False) -> list[PollTarget]:
    credentials = SnmpCredentials(version="2c", community=SecretStr(COMMUNITY))
    if v3:
        credentials = SnmpCredentials(version="3", user=V3_USER, auth_protocol="sha",
                                      auth_key=SecretStr(V3_AUTH_KEY), priv_protocol="aes",
                                      priv_key=SecretStr(V3_PRIV_KEY))
    targets = []
    for n, port in enumerate(ports):
        ap = AccessPoint(id=f"ap-{n:05d}", name=f"AP {n}", zone="bench", lat=45.69, lon=5.91,
                         host="127.0.0.1", port=port, credentials=credentials)
        targets.append(PollTarget(ap.id, "127.0.0.1", port, credentials, PROFILE, [ap]))
    return targets


async def measure(ports: list[int], cycles: int, concurrency: int,
                  v3: bool = False) -> dict[str, float]:
    """One warm-up poll (it learns each agent's rows), then `cycles` timed cycles."""
    catalog = ProfileCatalog.load([PROFILE_DIR, BENCH_PROFILES])
    settings = PollSettings(timeout_s=TIMEOUT_S, retries=RETRIES, concurrency=concurrency)
    poller = ApPoller(settings, catalog, bench_targets(ports, v3))
    started = time.perf_counter()
    cpu_before = cpu_s()
    await poller.prepare()
    prepare_cpu = cpu_s() - cpu_before
    prepare_wall = time.perf_counter() - started
    await poller.poll()
    # As `netmon run` does after its first cycle: what lives as long as the poller leaves
    # the cyclic collector's reach.
    gc.freeze()
    cpu_total = wall_total = 0.0
    errors = samples = requests = 0
    for _ in range(cycles):
        cpu_before, wall_before = cpu_s(), time.perf_counter()
        report = await poller.poll()
        cpu_total += cpu_s() - cpu_before
        wall_total += time.perf_counter() - wall_before
        errors += sum(1 for r in report.observations if not r.up)
        samples += len(report.samples)
        requests += report.requests
    await poller.close()
    n = len(ports)
    return {"aps": n, "cycles": cycles, "cpu_s_per_cycle": cpu_total / cycles,
            "wall_s_per_cycle": wall_total / cycles,
            "aps_per_cpu_s": n * cycles / cpu_total, "errors_per_cycle": errors / cycles,
            "samples_per_cycle": samples / cycles, "requests_per_cycle": requests / cycles,
            "prepare_cpu_s": prepare_cpu, "prepare_wall_s": prepare_wall,
            "peak_rss_mb": peak_rss_mb()}


def print_rows(rows: list[dict[str, float]]) -> None:
    print(f"{'APs':>6} {'CPU s/cycle':>11} {'wall s/cycle':>12} {'APs/CPU-s':>10} "
          f"{'vs target':>9} {'errors':>6} {'peak RSS MB':>11}")
    for row in rows:
        print(f"{row['aps']:>6.0f} {row['cpu_s_per_cycle']:>11.3f} "
              f"{row['wall_s_per_cycle']:>12.3f} "
              f"{row['aps_per_cpu_s']:>10.0f} {row['aps_per_cpu_s'] / TARGET_APS_PER_CPU_S:>8.2f}x "
              f"{row['errors_per_cycle']:>6.0f} {row['peak_rss_mb']:>11.0f}")
    print(f"target: >= {TARGET_APS_PER_CPU_S} APs/CPU-s, peak RSS < {TARGET_RSS_MB} MB; "
          f"prepare (register agents) for the last run: {rows[-1]['prepare_cpu_s']:.2f} CPU-s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aps", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=PollSettings().concurrency)
    parser.add_argument("--v3", action="store_true", help="SNMPv3 authPriv (SHA, AES)")
    parser.add_argument("--ports-file", type=Path,
                        help="poll these agents (JSON list of ports) instead of starting some")
    parser.add_argument("--json", action="store_true", help="print one JSON object per run")
    args = parser.parse_args()
    rows = []
    if args.ports_file:
        ports = json.loads(args.ports_file.read_text())
        rows.append(asyncio.run(measure(ports, args.cycles, args.concurrency, args.v3)))
    else:
        for count in args.aps:
            with tempfile.TemporaryDirectory(prefix="netmon-bench-") as tmp:
                fleet = SnmpdFleet(count, Path(tmp)).start()
                try:
                    rows.append(asyncio.run(measure(fleet.ports, args.cycles,
                                                    args.concurrency, args.v3)))
                finally:
                    fleet.stop()
    if args.json:
        for row in rows:
            print(json.dumps(row))
    else:
        print_rows(rows)


if __name__ == "__main__":
    main()
