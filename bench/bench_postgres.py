"""The shared PostgreSQL backend against the embedded SQLite store: rows/s and bytes per AP-year.

The same writer (SampleStore: points staged then packed into chunks) on both backends, the
same fleet and cycles as bench_store; PostgreSQL is Debian's server in a throwaway cluster
with its default durability (fsync and synchronous commit on), on this machine's disk.

Run: .venv/bin/python -m bench.bench_postgres [--aps 1000] [--cycles 60] [--days 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.bench_store import (
    DAY_NS,
    INTERVAL_S,
    MAINTAIN_EVERY_S,
    NS_PER_S,
    Store,
    write_fleet,
)
from tests.support.postgres import PostgresCluster


def ingest(aps: int, cycles: int, ifaces: int, url: str | None, folder: Path) -> float:
    """Field values written per second (wall), one flush per cycle as the poller does."""
    end_ns = time.time_ns() // (INTERVAL_S * NS_PER_S) * INTERVAL_S * NS_PER_S
    with Store(folder / "bench.db", url) as store:
        written = write_fleet(store, aps, cycles, ifaces, end_ns)
    return written.values / written.write_s


def footprint(aps: int, days: float, ifaces: int, url: str, folder: Path) -> dict[str, float]:
    """Bytes per AP per year at the default retention, as PostgreSQL stores the chunks."""
    cycles = int(days * DAY_NS / (INTERVAL_S * NS_PER_S))
    end_ns = time.time_ns() // DAY_NS * DAY_NS
    with Store(folder / "unused.db", url) as store:
        write_fleet(store, aps, cycles, ifaces, end_ns)
        store.writer.maintain(end_ns + MAINTAIN_EVERY_S * NS_PER_S)
        settings = store.settings
    engine = create_engine(url)
    with engine.connect() as conn:
        # Each row as stored: tuple header, key columns and the (TOASTed if big) blob.
        rows = conn.execute(text("SELECT level, sum(pg_column_size(c.*) + 4) FROM chunks c "
                                 "GROUP BY level")).tuples().all()
        by_level: dict[int, int] = {int(level): int(size) for level, size in rows}
        table_b = conn.execute(text("SELECT pg_total_relation_size('chunks')")).scalar_one()
    engine.dispose()
    per_day = {level: float(by_level.get(level, 0)) / aps / days for level in (0, 1, 2)}
    year = (per_day[0] * min(settings.raw_days, 365)
            + per_day[1] * min(settings.rollup_5m_days, 365)
            + per_day[2] * min(settings.rollup_1h_days, 365))
    return {"mb_per_ap_year": year / 1e6, "chunks_table_b_per_ap_day": table_b / aps / days,
            "raw_b_per_ap_day": per_day[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aps", type=int, default=1000)
    parser.add_argument("--cycles", type=int, default=60)
    parser.add_argument("--ifaces", type=int, default=2)
    parser.add_argument("--footprint-aps", type=int, default=50)
    parser.add_argument("--days", type=float, default=2.0)
    args = parser.parse_args()
    cluster = PostgresCluster().start(durable=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            sqlite = ingest(args.aps, args.cycles, args.ifaces, None, folder)
            postgres = ingest(args.aps, args.cycles, args.ifaces, cluster.new_database(),
                              folder)
            size = footprint(args.footprint_aps, args.days, args.ifaces,
                             cluster.new_database(), folder)
    finally:
        cluster.stop()
    print(f"fleet: {args.aps} APs x {args.cycles} cycles, {args.ifaces} ifaces/AP, "
          "flush per cycle")
    print(f"SQLite     {sqlite:>12,.0f} field values/s")
    print(f"PostgreSQL {postgres:>12,.0f} field values/s  (ratio {postgres / sqlite:.2f})")
    print(f"PostgreSQL footprint ({args.footprint_aps} APs x {args.days:g} days, packed): "
          f"{size['mb_per_ap_year']:.2f} MB per AP per year at the default retention; "
          f"raw {size['raw_b_per_ap_day']:,.0f} B/AP/day; chunks table "
          f"{size['chunks_table_b_per_ap_day']:,.0f} B/AP/day with indexes")


if __name__ == "__main__":
    main()
