"""Benchmark the InfluxDB sink against raw influxdb-client, both into a real VictoriaMetrics.

The Samples are what netmon's poller really produces: one cycle of the demo fleet polled
from the simulated agents, copied to `--aps` APs (new `ap` tags), `--cycles` times.

- sink: Samples -> InfluxSink (encode + deliver) -> VictoriaMetrics, until acknowledged.
- raw:  the same points as pre-built line protocol -> influxdb-client SYNCHRONOUS writes.
- spool: how fast an outage is spooled to disk, and how fast the spool is replayed.

Rounds alternate raw and sink so both see the same machine load; medians are reported.

Run: .venv/bin/python -m bench.bench_influx [--aps 5000] [--cycles 6] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from collectors.snmp.poller import ApPoller, build_targets
from collectors.snmp.profile import default_catalog
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

DEMO = Path(__file__).resolve().parents[1] / "config" / "demo.yaml"
NS_PER_S = 1_000_000_000
INTERVAL_S = 60
RATE_WINDOW_S = 2.0
TARGET_POINTS_PER_S = 150_000
TARGET_RATIO = 0.8


def demo_cycle() -> list[Sample]:
    """One real poll cycle of the demo fleet (the second, so traffic rates are in it)."""
    catalog = default_catalog()
    config = load_config(DEMO, catalog.names())
    fleet = SimulatedFleet(plan_fleet(config, catalog), Path(tempfile.mkdtemp()))
    fleet.start()

    async def poll() -> list[Sample]:
        poller = ApPoller(config.poll, catalog, build_targets(config))
        try:
            await poller.poll()
            await asyncio.sleep(RATE_WINDOW_S)
            return (await poller.poll()).samples
        finally:
            await poller.client.close()

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


def timed(fn: Callable[[], None]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def run_sink(settings: InfluxSettings, cycles: list[list[Sample]], work: Path) -> float:
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
            time.sleep(0.0005)

    wall, _ = timed(send)
    sink.close()
    return (total - len(cycles[0])) / wall


def run_raw(settings: InfluxSettings, cycles: list[list[Sample]]) -> float:
    """Points/s of influxdb-client writing the same points, line protocol built beforehand."""
    encoder = LineEncoder(settings.precision, {"town": "Aix-les-Bains"})
    size = settings.batch_size
    bodies = [encoder.encode(c[i:i + size]) for c in cycles[1:] for i in range(0, len(c), size)]
    writer = InfluxWriter(settings)

    def send() -> None:
        for body in bodies:
            writer.api.write(bucket=settings.bucket, record=body.body, write_precision="ms")

    wall, _ = timed(send)
    writer.close()
    return sum(b.points for b in bodies) / wall


def cold_encode_rate(cycle: list[Sample]) -> float:
    encoder = LineEncoder("ms", {"town": "Aix-les-Bains"})
    wall, _ = timed(lambda: [encoder.encode(cycle[i:i + 5000])
                             for i in range(0, len(cycle), 5000)] and None)
    return len(cycle) / wall


def spool_rates(settings: InfluxSettings, cycles: list[list[Sample]], work: Path,
                ) -> tuple[float, float, float]:
    """(points/s spooled during an outage, points/s replayed, bytes per spooled point)."""
    encoder = LineEncoder(settings.precision)
    batches: list[EncodedBatch] = [encoder.encode(c[i:i + settings.batch_size])
                                   for c in cycles for i in range(0, len(c), settings.batch_size)]
    points = sum(b.points for b in batches)
    directory = Path(tempfile.mkdtemp(dir=work))
    spool = Spool(directory, settings.spool_max_bytes)
    append_s, _ = timed(lambda: [spool.append(b) for b in batches] and None)
    per_point = spool.bytes / points
    writer = InfluxWriter(settings)
    delivery = Delivery(writer, spool, DeadLetterFile(directory, settings.spool_max_bytes),
                        settings.url, settings.batch_size)

    def replay() -> None:
        while delivery.replay_one():
            pass

    replay_s, _ = timed(replay)
    assert len(spool) == 0 and delivery.points_written == points
    writer.close()
    spool.close()
    return points / append_s, points / replay_s, per_point


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aps", type=int, default=5000, help="APs per cycle (copies of 50)")
    parser.add_argument("--cycles", type=int, default=6, help="cycles per round")
    parser.add_argument("--rounds", type=int, default=3, help="raw/sink round pairs")
    parser.add_argument("--batch-size", type=int, default=5000)
    args = parser.parse_args()
    template = demo_cycle()
    copies = max(1, args.aps // len({s.tags.get("ap") for s in template if "ap" in s.tags}))
    timeline = Timeline(args.cycles * args.rounds * 2 + 2)
    work = Path(tempfile.mkdtemp(prefix="bench-influx-"))
    vm = VictoriaMetrics(work / "vm")
    vm.start()
    try:
        settings = InfluxSettings(url=vm.url, batch_size=args.batch_size)
        run_raw(settings, [[], fleet_cycle(template, copies, timeline.take())])  # series in VM
        per_cycle = len(fleet_cycle(template, copies, 0))
        raw_rates, sink_rates = [], []
        for _ in range(args.rounds):
            raw_rates.append(run_raw(settings, [fleet_cycle(template, copies, timeline.take())
                                                for _ in range(args.cycles + 1)]))
            sink_rates.append(run_sink(settings, [fleet_cycle(template, copies,
                                                              timeline.take())
                                                  for _ in range(args.cycles + 1)], work))
        cold = cold_encode_rate(fleet_cycle(template, copies, timeline.take()))
        spooled, replayed, per_point = spool_rates(
            settings, [fleet_cycle(template, copies, timeline.take()) for _ in range(4)], work)
    finally:
        vm.stop()
    raw, sink = statistics.median(raw_rates), statistics.median(sink_rates)
    ratio = statistics.median(s / r for s, r in zip(sink_rates, raw_rates, strict=True))
    print(f"fleet: {copies * 50} APs, {per_cycle} points per cycle "
          f"({len(template)} per demo cycle), batch {args.batch_size}")
    print(f"raw influxdb-client : {raw:10,.0f} points/s  (rounds: "
          f"{', '.join(f'{r:,.0f}' for r in raw_rates)})")
    print(f"netmon InfluxSink   : {sink:10,.0f} points/s  (rounds: "
          f"{', '.join(f'{r:,.0f}' for r in sink_rates)})")
    print(f"ratio sink/raw      : {ratio:10.2f}x  (target >= {TARGET_RATIO}x and >= "
          f"{TARGET_POINTS_PER_S:,} points/s)")
    print(f"cold encode (new series, caches empty): {cold:,.0f} points/s")
    print(f"spool: {spooled:,.0f} points/s spooled, {replayed:,.0f} points/s replayed, "
          f"{per_point:.1f} bytes/point on disk")


if __name__ == "__main__":
    main()
