"""Benchmark the InfluxDB sink against raw influxdb-client, both into a real VictoriaMetrics.

The Samples are what netmon's poller really produces: one cycle of the demo fleet polled
from the simulated agents, copied to `--aps` APs (new `ap` tags), `--cycles` times.

- sink: Samples -> InfluxSink (encode + deliver) -> VictoriaMetrics, until acknowledged.
- raw:  the same points as pre-built line protocol -> influxdb-client SYNCHRONOUS writes.
- spool: how fast an outage is spooled to disk, and how fast the spool is replayed.

Rounds alternate raw and sink so both see the same machine load; medians are reported.

Run: .venv/bin/python -m bench.bench_influx [--aps 5000] [--cycles 12] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from influxdb_client.domain.write_precision import WritePrecision

from collectors.snmp.poller import ApPoller, build_targets
from collectors.snmp.profile import PROFILE_DIR, ProfileCatalog, default_catalog
from netmon import demo_town
from netmon.config.loader import load_config
from netmon.export.dead_letter import DeadLetterFile
from netmon.export.delivery import Delivery
from netmon.export.influx_sink import InfluxSink
from netmon.export.influx_writer import InfluxWriter
from netmon.export.line_protocol import EncodedBatch, LineEncoder
from netmon.export.settings import InfluxSettings
from netmon.export.spool import Spool
from netmon.sample import Sample
from netmon.sim.fleet import SimulatedFleet, plan_fleet
from tests.support.tsdb import VictoriaMetrics

DEMO = demo_town.FOLDER / demo_town.ENTRY
CACHE = Path(__file__).resolve().parents[1] / "var" / "bench"
NS_PER_S = 1_000_000_000
INTERVAL_S = 60
RATE_WINDOW_S = 2.0
TARGET_POINTS_PER_S = 150_000
TARGET_RATIO = 0.8


def demo_cycle(cached: bool = False) -> list[Sample]:
    """One real poll cycle of the demo fleet (the second, so traffic rates are in it).

    `cached`: reuse the cycle kept in var/bench/ by an earlier run with the same demo config
    and profiles (starting the simulated fleet takes 10-20 s; bench/run --quick uses this).
    """
    catalog = default_catalog()
    key = hashlib.sha256(DEMO.read_bytes())
    for profile in sorted(PROFILE_DIR.glob("*.yaml")):
        key.update(profile.read_bytes())
    cache = CACHE / f"demo-cycle-{key.hexdigest()[:16]}.json"
    if cached and cache.exists():
        return [Sample(d["measurement"], d["tags"], d["fields"], d["time_ns"])
                for d in json.loads(cache.read_text())]
    samples = _poll_demo(catalog)
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps([{"measurement": s.measurement, "tags": s.tags,
                                  "fields": s.fields, "time_ns": s.time_ns} for s in samples]))
    return samples


def _poll_demo(catalog: ProfileCatalog) -> list[Sample]:
    work = Path(tempfile.mkdtemp())
    config = load_config(demo_town.prepare(work), catalog.names())
    fleet = SimulatedFleet(plan_fleet(config, catalog), work)
    fleet.start()

    async def poll() -> list[Sample]:
        poller = ApPoller(config.poll, catalog, build_targets(config))
        try:
            await poller.poll()
            await asyncio.sleep(RATE_WINDOW_S)
            return (await poller.poll()).samples
        finally:
            await poller.close()

    try:
        return asyncio.run(poll())
    finally:
        fleet.stop()


def fleet_cycle(template: list[Sample], copies: int, time_ns: int) -> list[Sample]:
    out = []
    for copy in range(copies):
        for s in template:
            tags = dict(s.tags)
            key = "ap" if "ap" in tags else "controller"
            tags[key] = f"{tags[key]}-{copy:04d}"
            out.append(Sample(s.measurement, tags, dict(s.fields), time_ns))
    return out


class Timeline:
    """Distinct cycle times for every round, so no round rewrites another's points."""

    def __init__(self, cycles_total: int) -> None:
        self.next_ns = time.time_ns() - (cycles_total + 1) * INTERVAL_S * NS_PER_S

    def take(self) -> int:
        self.next_ns += INTERVAL_S * NS_PER_S
        return self.next_ns


class Cpu:
    """CPU seconds used by this process (all threads) and by VictoriaMetrics."""

    def __init__(self, vm_pid: int) -> None:
        self.vm_pid = vm_pid

    def settle(self, window_s: float = 0.3, idle_share: float = 0.05,
               limit_s: float = 20.0) -> None:
        """Wait until VictoriaMetrics is idle: its merges after one round must not be
        charged to the next (which made the third round of either writer slow)."""
        deadline = time.monotonic() + limit_s
        _, before = self.now()
        while time.monotonic() < deadline:
            time.sleep(window_s)
            _, after = self.now()
            if after - before <= window_s * idle_share:
                return
            before = after

    def now(self) -> tuple[float, float]:
        fields = Path(f"/proc/{self.vm_pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return time.process_time(), (int(fields[11]) + int(fields[12])) / ticks


@dataclass
class Round:
    points: int = 0
    wall_s: float = 0.0
    netmon_cpu_s: float = 0.0
    vm_cpu_s: float = 0.0

    @property
    def rate(self) -> float:
        return self.points / self.wall_s


CPU: Cpu | None = None


def timed(fn: Callable[[], object]) -> Round:
    assert CPU is not None
    CPU.settle()
    wall, (cpu, vm_cpu) = time.perf_counter(), CPU.now()
    fn()
    cpu_after, vm_after = CPU.now()
    return Round(0, time.perf_counter() - wall, cpu_after - cpu, vm_after - vm_cpu)


def run_sink(settings: InfluxSettings, cycles: list[list[Sample]], work: Path) -> Round:
    """Points/s from the first write() until the server acknowledged the last point."""
    sink = InfluxSink(settings, Path(tempfile.mkdtemp(dir=work)), site="Aix-les-Bains")
    sink.start()
    sink.write(cycles[0])  # warm-up: the encoder learns the series (measured apart)
    sink.flush()
    while sink.delivery.points_written < len(cycles[0]):
        time.sleep(0.001)
    total = sum(len(c) for c in cycles[1:]) + len(cycles[0])

    def send() -> None:
        for cycle in cycles[1:]:
            sink.write(cycle)
            sink.flush()
        while sink.delivery.points_written < total:
            time.sleep(0.005)

    result = timed(send)
    sink.close()
    result.points = total - len(cycles[0])
    return result


def run_raw(settings: InfluxSettings, cycles: list[list[Sample]], in_flight: int = 1) -> Round:
    """Points/s of influxdb-client writing the same points, line protocol built beforehand:
    one write at a time (the target's baseline), or `in_flight` threads as the sink has."""
    encoder = LineEncoder(settings.precision, {"town": "Aix-les-Bains"})
    size = settings.batch_size
    bodies = [encoder.encode(c[i:i + size]) for c in cycles[1:] for i in range(0, len(c), size)]
    writer = InfluxWriter(settings)

    def write(body: EncodedBatch) -> None:
        writer.api.write(bucket=settings.bucket, record=body.body,
                         write_precision=cast(WritePrecision, "ms"))

    def send() -> None:
        with ThreadPoolExecutor(in_flight) as pool:
            list(pool.map(write, bodies))

    result = timed(send)
    writer.close()
    result.points = sum(b.points for b in bodies)
    return result


def cold_encode_rate(cycle: list[Sample]) -> float:
    encoder = LineEncoder("ms", {"town": "Aix-les-Bains"})
    result = timed(lambda: [encoder.encode(cycle[i:i + 5000])
                            for i in range(0, len(cycle), 5000)])
    return len(cycle) / result.wall_s


def spool_rates(settings: InfluxSettings, cycles: list[list[Sample]], work: Path,
                ) -> tuple[float, float, float]:
    """(points/s spooled during an outage, points/s replayed, bytes per spooled point)."""
    encoder = LineEncoder(settings.precision, {"town": "Aix-les-Bains"})  # series VM knows
    batches: list[EncodedBatch] = [encoder.encode(c[i:i + settings.batch_size])
                                   for c in cycles for i in range(0, len(c), settings.batch_size)]
    points = sum(b.points for b in batches)
    directory = Path(tempfile.mkdtemp(dir=work))
    spool = Spool(directory, settings.spool_max_bytes)
    append_s = timed(lambda: [spool.append(b) for b in batches]).wall_s
    per_point = spool.bytes / points
    writer = InfluxWriter(settings)
    delivery = Delivery(writer, spool, DeadLetterFile(directory, settings.spool_max_bytes),
                        settings.url, settings.batch_size)

    def replay() -> None:
        while delivery.replay_one():
            pass

    replay_s = timed(replay).wall_s
    assert len(spool) == 0 and delivery.points_written == points
    writer.close()
    spool.close()
    return points / append_s, points / replay_s, per_point


@dataclass
class InfluxFigures:
    copies: int
    per_cycle: int
    per_demo: int
    raws: list[Round]
    sinks: list[Round]
    raws_in_flight: list[Round]  # the raw client with the sink's writes_in_flight, for reference
    cold: float
    spooled: float
    replayed: float
    per_point: float

    @property
    def raw_rate(self) -> float:
        return statistics.median(r.rate for r in self.raws)

    @property
    def sink_rate(self) -> float:
        return statistics.median(r.rate for r in self.sinks)

    @property
    def ratio(self) -> float:
        return statistics.median(s.rate / r.rate for s, r in zip(self.sinks, self.raws,
                                                                 strict=True))


def measure(aps: int, cycles_per_round: int, rounds: int, batch_size: int,
            pin: bool = False, cached_template: bool = False) -> InfluxFigures:
    global CPU
    template = demo_cycle(cached_template)
    copies = max(1, aps // len({s.tags.get("ap") for s in template if "ap" in s.tags}))
    timeline = Timeline(cycles_per_round * rounds * 2 + 2)
    work = Path(tempfile.mkdtemp(prefix="bench-influx-"))
    vm = VictoriaMetrics(work / "vm")
    if pin:
        vm.args = ["taskset", "-c", "1", *vm.args]
        os.sched_setaffinity(0, {0})
    vm.start()
    assert vm.process is not None
    CPU = Cpu(vm.process.pid)

    def cycles(count: int) -> list[list[Sample]]:
        return [fleet_cycle(template, copies, timeline.take()) for _ in range(count)]

    try:
        settings = InfluxSettings(url=vm.url, batch_size=batch_size)
        run_raw(settings, [[], *cycles(1)])  # the series exist in VM before any timing
        per_cycle = len(fleet_cycle(template, copies, 0))
        raws, sinks, parallel = [], [], []
        for _ in range(rounds):
            raws.append(run_raw(settings, cycles(cycles_per_round + 1)))
            sinks.append(run_sink(settings, cycles(cycles_per_round + 1), work))
            parallel.append(run_raw(settings, cycles(cycles_per_round + 1),
                                    settings.writes_in_flight))
        cold = cold_encode_rate(cycles(1)[0])
        spooled, replayed, per_point = spool_rates(settings, cycles(4), work)
    finally:
        vm.stop()
        shutil.rmtree(work, ignore_errors=True)
    return InfluxFigures(copies, per_cycle, len(template), raws, sinks, parallel, cold,
                         spooled, replayed, per_point)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aps", type=int, default=5000, help="APs per cycle (copies of 50)")
    parser.add_argument("--cycles", type=int, default=12, help="cycles per round")
    parser.add_argument("--rounds", type=int, default=5, help="raw/sink round pairs")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--pin", action="store_true",
                        help="VictoriaMetrics on CPU 1, netmon on CPU 0: the server as if on "
                             "its own host, not competing with netmon for the same cores")
    args = parser.parse_args()
    figures = measure(args.aps, args.cycles, args.rounds, args.batch_size, args.pin)
    report(args, figures.copies, figures.per_cycle, figures.per_demo, figures.raws,
           figures.sinks, figures.raws_in_flight)
    print(f"cold encode (new series, caches empty): {figures.cold:,.0f} points/s")
    print(f"spool: {figures.spooled:,.0f} points/s spooled, {figures.replayed:,.0f} points/s "
          f"replayed, {figures.per_point:.1f} bytes/point on disk")


def report(args: argparse.Namespace, copies: int, per_cycle: int, per_demo: int,
           raws: list[Round], sinks: list[Round], parallel: list[Round]) -> None:
    def line(name: str, rounds: list[Round]) -> str:
        rate = statistics.median(r.rate for r in rounds)
        cpu = statistics.median(r.netmon_cpu_s / r.points * 1e6 for r in rounds)
        vm_cpu = statistics.median(r.vm_cpu_s / r.points * 1e6 for r in rounds)
        return (f"{name:20s}: {rate:10,.0f} points/s  (rounds: "
                f"{', '.join(f'{r.rate:,.0f}' for r in rounds)}); CPU per point: "
                f"{cpu:.2f} us here, {vm_cpu:.2f} us in VictoriaMetrics")

    ratio = statistics.median(s.rate / r.rate for s, r in zip(sinks, raws, strict=True))
    print(f"fleet: {copies * 50} APs, {per_cycle} points per cycle ({per_demo} per demo "
          f"cycle), batch {args.batch_size}, {os.cpu_count()} CPUs"
          f"{' (pinned: netmon CPU 0, VictoriaMetrics CPU 1)' if args.pin else ''}, load average "
          f"{os.getloadavg()[0]:.2f}")
    print(line("raw influxdb-client", raws))
    print(line("netmon InfluxSink", sinks))
    print(line("raw, writes in flight", parallel) + "  (reference: the sink's concurrency)")
    print(f"ratio sink/raw      : {ratio:10.2f}x  (target >= {TARGET_RATIO}x and >= "
          f"{TARGET_POINTS_PER_S:,} points/s)")


if __name__ == "__main__":
    main()
