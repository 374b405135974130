"""One poll cycle over N simulated APs (net-snmp snmpd): APs per CPU-second and peak RSS.

    .venv/bin/python bench/bench_poll.py --aps 100 1000 [--cycles 3]

Target (issue #2): a 60 s cycle of 10,000 APs within one core, i.e. >= 170 APs per
CPU-second, with peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.agents import COMMUNITY, SnmpdFleet
from collectors.snmp.poller import ApPoller, PollTarget
from collectors.snmp.profile import PROFILE_DIR, ProfileCatalog
from netmon.config.models import AccessPoint, PollSettings, SnmpCredentials

BENCH_PROFILES = Path(__file__).with_name("profiles")
TARGET_APS_PER_CPU_S = 170
TARGET_RSS_MB = 300


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def measure(ports: list[int], cycles: int, concurrency: int) -> dict[str, float]:
    catalog = ProfileCatalog.load([PROFILE_DIR, BENCH_PROFILES])
    credentials = SnmpCredentials(version="2c", community=COMMUNITY)
    targets = []
    for n, port in enumerate(ports):
        ap = AccessPoint(id=f"ap-{n:05d}", name=f"AP {n}", zone="bench", lat=45.69, lon=5.91,
                         host="127.0.0.1", port=port, credentials=credentials)
        targets.append(PollTarget(ap.id, "127.0.0.1", port, credentials, "bench-ap", [ap]))
    poller = ApPoller(PollSettings(timeout_s=2.0, retries=1, concurrency=concurrency), catalog,
                      targets)
    started = time.perf_counter()
    cpu_before = cpu_s()
    await poller.prepare()
    prepare_cpu = cpu_s() - cpu_before
    prepare_wall = time.perf_counter() - started
    await poller.poll()  # warm-up: first poll learns each agent
    cpu_total = wall_total = 0.0
    errors = 0
    samples = 0
    for _ in range(cycles):
        cpu_before, wall_before = cpu_s(), time.perf_counter()
        report = await poller.poll()
        cpu_total += cpu_s() - cpu_before
        wall_total += time.perf_counter() - wall_before
        errors += sum(1 for r in report.readings if not r.up)
        samples += len(report.samples)
    await poller.client.close()
    n = len(ports)
    return {"aps": n, "cpu_s_per_cycle": cpu_total / cycles,
            "wall_s_per_cycle": wall_total / cycles,
            "aps_per_cpu_s": n * cycles / cpu_total, "errors": errors / cycles,
            "samples_per_cycle": samples / cycles, "prepare_cpu_s": prepare_cpu,
            "prepare_wall_s": prepare_wall, "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aps", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    rows = []
    for count in args.aps:
        with tempfile.TemporaryDirectory(prefix="netmon-bench-") as tmp:
            fleet = SnmpdFleet(count, Path(tmp)).start()
            try:
                rows.append(asyncio.run(measure(fleet.ports, args.cycles, args.concurrency)))
            finally:
                fleet.stop()
    print(f"{'APs':>6} {'CPU s/cycle':>11} {'wall s/cycle':>12} {'APs/CPU-s':>10} "
          f"{'vs target':>9} {'errors':>6} {'peak RSS MB':>11}")
    for row in rows:
        print(f"{row['aps']:>6.0f} {row['cpu_s_per_cycle']:>11.3f} "
              f"{row['wall_s_per_cycle']:>12.3f} "
              f"{row['aps_per_cpu_s']:>10.0f} {row['aps_per_cpu_s'] / TARGET_APS_PER_CPU_S:>8.2f}x "
              f"{row['errors']:>6.0f} {row['peak_rss_mb']:>11.0f}")
    print(f"target: >= {TARGET_APS_PER_CPU_S} APs/CPU-s, peak RSS < {TARGET_RSS_MB} MB; "
          f"prepare (register agents) for the last run: {rows[-1]['prepare_cpu_s']:.2f} CPU-s")


if __name__ == "__main__":
    main()
