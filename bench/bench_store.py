"""Benchmark the store: write throughput, read latency, and bytes per AP per year.

Run: .venv/bin/python -m bench.bench_store [--aps 1000] [--cycles 60] [--ifaces 2] [--path F]
     .venv/bin/python -m bench.bench_store --footprint [--aps 50] [--days 2]
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from netmon.config.models import StoreSettings
from netmon.db.owner import DatabaseOwner
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.sample import Sample
from netmon.store.reader import SampleReader
from netmon.store.writer import SampleStore

T = TypeVar("T")

NS_PER_S = 1_000_000_000
DAY_NS = 86_400 * NS_PER_S
INTERVAL_S = 60
MAINTAIN_EVERY_S = 300
CHUNK_ROW_OVERHEAD_B = 24  # key columns and cell header of one chunk row (WITHOUT ROWID)
DOWN_RATIO = 0.02
ZONES = ("centre", "grand-port", "thermes", "gare", "lac")
VENDORS = (("cisco", "AIR-AP1852"), ("aruba", "AP-515"), ("ruckus", "R650"))


class Store:
    """The writer and a reader on one file, as `netmon run` has them."""

    def __init__(self, path: Path, url: str | None = None) -> None:
        self.settings = StoreSettings.model_validate({"path": path, "url": url})
        where = database_url(self.settings)
        self.owner = DatabaseOwner(where)
        self.writer = SampleStore(self.owner, self.settings)
        self.database = DatabaseReader(where)
        self.reader = SampleReader(self.database, self.settings)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.writer.close()
        self.database.close()
        self.owner.close()


@dataclass
class WriteResult:
    samples: int = 0
    values: int = 0
    write_s: float = 0.0
    write_cpu_s: float = 0.0  # less disturbed than wall time when other processes share the CPU
    generate_s: float = 0.0


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def write_and_flush(store: Store, batch: list[Sample]) -> None:
    store.writer.write(batch)
    store.writer.flush_and_wait()


def write_timed(result: WriteResult, fn: Callable[[], object]) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    result.write_s += time.perf_counter() - wall
    result.write_cpu_s += time.process_time() - cpu


def ap_tags(n: int) -> dict[str, str]:
    vendor, model = VENDORS[n % len(VENDORS)]
    zone = ZONES[n % len(ZONES)]
    return {
        "ap": f"ap-{n:04d}",
        "zone": zone,
        "site": f"{zone} {n // 10}",
        "vendor": vendor,
        "model": model,
    }


def cycle_samples(
    fleet: list[dict[str, str]], ifaces: int, time_ns: int, rng: random.Random
) -> list[Sample]:
    """One poll cycle of the fleet: an `ap` sample and `ifaces` `ap_iface` samples per AP."""
    batch: list[Sample] = []
    for tags in fleet:
        up = rng.random() > DOWN_RATIO
        ap_fields: dict[str, float | int | bool | str] = {
            "up": up,
            "uptime_s": time_ns // NS_PER_S,
            "clients": rng.randint(0, 40),
            "rx_bps": rng.random() * 1e7,
            "tx_bps": rng.random() * 1e7,
            "poll_ms": rng.random() * 200,
        }
        batch.append(Sample("ap", tags, ap_fields, time_ns))
        for i in range(ifaces):
            iface_fields: dict[str, float | int | bool | str] = {
                "oper_up": up,
                "rx_bps": rng.random() * 1e8,
                "tx_bps": rng.random() * 1e8,
                "errors": rng.randint(0, 3),
            }
            batch.append(Sample("ap_iface", {**tags, "ifname": f"eth{i}"}, iface_fields, time_ns))
    return batch


def write_fleet(store: Store, aps: int, cycles: int, ifaces: int, end_ns: int) -> WriteResult:
    """Write `cycles` poll cycles ending at end_ns, one flush per cycle as the poller does."""
    rng = random.Random(73008)
    fleet = [ap_tags(n) for n in range(aps)]
    result = WriteResult()
    for c in range(cycles):
        time_ns = end_ns - (cycles - c) * INTERVAL_S * NS_PER_S
        started = time.perf_counter()
        batch = cycle_samples(fleet, ifaces, time_ns, rng)
        result.generate_s += time.perf_counter() - started
        write_timed(result, partial(write_and_flush, store, batch))
        result.samples += len(batch)
        result.values += sum(len(s.fields) for s in batch)
        if (time_ns // NS_PER_S) % MAINTAIN_EVERY_S == 0:  # packing, as netmon run does
            write_timed(result, partial(store.writer.maintain, time_ns))
    return result


def time_reads(store: Store, end_ns: int) -> list[tuple[str, str]]:
    day_ago = end_ns - DAY_NS
    reader, writer = store.reader, store.writer
    latest_s, latest = timed(lambda: reader.latest("ap"))
    one_s, one = timed(
        lambda: reader.series(
            "ap",
            "clients",
            tags={"ap": "ap-0001"},
            start_ns=day_ago,
            end_ns=end_ns,
            resolution="raw",
        )
    )
    all_s, every = timed(
        lambda: reader.series("ap", "clients", start_ns=day_ago, end_ns=end_ns, resolution="raw")
    )
    first_s, _ = timed(lambda: writer.maintain(end_ns + INTERVAL_S * NS_PER_S))
    next_s, _ = timed(lambda: writer.maintain(end_ns + MAINTAIN_EVERY_S * NS_PER_S))
    rolled_s, rolled = timed(
        lambda: reader.series("ap", "clients", start_ns=day_ago, end_ns=end_ns, resolution="5m")
    )
    points = sum(len(s.points) for s in every)
    buckets = sum(len(s.points) for s in rolled)
    return [
        ("latest('ap')", f"{latest_s * 1e3:.1f} ms ({len(latest)} series)"),
        ("series 24h, one AP, raw", f"{one_s * 1e3:.1f} ms ({len(one[0].points)} points)"),
        ("series 24h, all APs, raw", f"{all_s * 1e3:.0f} ms ({len(every)} series, {points:,} pts)"),
        ("maintain, first run", f"{first_s * 1e3:.0f} ms (packs what is staged)"),
        ("maintain, 5 min later", f"{next_s * 1e3:.0f} ms"),
        ("series 24h, all APs, 5m", f"{rolled_s * 1e3:.0f} ms ({buckets:,} buckets)"),
    ]


def file_size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def run(aps: int, cycles: int, ifaces: int, path: Path) -> list[tuple[str, str]]:
    end_ns = time.time_ns() // (INTERVAL_S * NS_PER_S) * INTERVAL_S * NS_PER_S
    with Store(path) as store:
        written = write_fleet(store, aps, cycles, ifaces, end_ns)
        db_size, wal_size = (file_size(path), file_size(path.with_name(path.name + "-wal")))
        reads = time_reads(store, end_ns)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        ("fleet", f"{aps} APs x {cycles} cycles, {ifaces} ifaces/AP, flush per cycle"),
        ("samples written", f"{written.samples:,}"),
        ("field values written", f"{written.values:,}"),
        ("write time", f"{written.write_s:.2f} s (generating samples: {written.generate_s:.2f} s)"),
        ("write CPU time", f"{written.write_cpu_s:.2f} s"),
        ("samples/s (wall)", f"{written.samples / written.write_s:,.0f}"),
        ("field values/s (wall)", f"{written.values / written.write_s:,.0f}"),
        ("field values/s (CPU)", f"{written.values / written.write_cpu_s:,.0f}"),
        ("db file", f"{db_size / 2**20:.1f} MiB, {db_size / written.values:.1f} B/value"),
        ("WAL file", f"{wal_size / 2**20:.1f} MiB"),
        ("peak RSS", f"{rss_mib:.0f} MiB"),
        *reads,
    ]


def ingest(aps: int, cycles: int, ifaces: int) -> dict[str, float]:
    """Write figures only (for bench/run): Samples/s and field values/s into a fresh store."""
    end_ns = time.time_ns() // (INTERVAL_S * NS_PER_S) * INTERVAL_S * NS_PER_S
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        written = write_fleet(store, aps, cycles, ifaces, end_ns)
    return {"aps": aps, "cycles": cycles, "samples": written.samples, "values": written.values,
            "samples_per_s": written.samples / written.write_s,
            "samples_per_cpu_s": written.samples / written.write_cpu_s,
            "values_per_s": written.values / written.write_s}


def footprint(aps: int, days: float, ifaces: int) -> dict[str, float]:
    """Bytes per AP per day at each level, and per year at the default retention."""
    cycles = int(days * DAY_NS / (INTERVAL_S * NS_PER_S))
    end_ns = time.time_ns() // DAY_NS * DAY_NS  # midnight: the days are whole
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        with Store(path) as store:
            written = write_fleet(store, aps, cycles, ifaces, end_ns)
            store.writer.maintain(end_ns + MAINTAIN_EVERY_S * NS_PER_S)
            settings = store.settings
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("VACUUM")
            by_level = dict(conn.execute(
                "SELECT level, sum(length(data)) + count(*) * ? FROM chunks GROUP BY level",
                (CHUNK_ROW_OVERHEAD_B,)).fetchall())
            page = conn.execute("PRAGMA page_size").fetchone()[0]
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
    per_day = {level: by_level.get(level, 0) / aps / days for level in (0, 1, 2)}
    year = (per_day[0] * min(settings.raw_days, 365)
            + per_day[1] * min(settings.rollup_5m_days, 365)
            + per_day[2] * min(settings.rollup_1h_days, 365))
    return {"aps": aps, "days": days, "values_per_poll": written.values / cycles / aps,
            "raw_b_per_ap_day": per_day[0], "r5m_b_per_ap_day": per_day[1],
            "r1h_b_per_ap_day": per_day[2], "file_b_per_ap_day": page * pages / aps / days,
            "mb_per_ap_year": year / 1e6, "raw_days": settings.raw_days,
            "rollup_5m_days": settings.rollup_5m_days, "rollup_1h_days": settings.rollup_1h_days}


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the embedded SQLite store.")
    parser.add_argument("--aps", type=int, default=1000)
    parser.add_argument("--cycles", type=int, default=60)
    parser.add_argument("--ifaces", type=int, default=2)
    parser.add_argument("--path", type=Path, help="store file (default: a temporary directory)")
    parser.add_argument("--footprint", action="store_true",
                        help="bytes per AP per day and per year instead")
    parser.add_argument("--days", type=float, default=2.0)
    args = parser.parse_args()
    if args.footprint:
        for name, figure in footprint(args.aps, args.days, args.ifaces).items():
            print(f"{name:<20} {figure:,.2f}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.path or Path(tmp) / "bench.db"
        rows = run(args.aps, args.cycles, args.ifaces, path)
    width = max(len(key) for key, _ in rows)
    print(f"{'measure':<{width}}  value\n{'-' * width}  {'-' * 40}")
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
