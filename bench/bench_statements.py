"""The store's hot write path, three ways: which executemany stages a cycle cheapest.

One cycle of 10,000 APs (170,000 values) upserted into `points_recent`, three cycles per
round into a fresh file, CPU time of the writer thread:
- core: SQLAlchemy Core, `conn.execute(insert(...).on_conflict_do_update(...), dicts)`;
- core_plain: Core without ON CONFLICT (a rewritten point would fail: for scale only);
- driver: the same Core statement compiled once, rows as tuples through the driver's
  executemany (`netmon.db.bulk.upsert_many`, what the store uses).

Run: .venv/bin/python -m bench.bench_statements [--rounds 3] [--aps 10000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import Connection

from netmon.config.models import StoreSettings
from netmon.db.bulk import upsert_many
from netmon.db.owner import DatabaseOwner
from netmon.db.upsert import upsert
from netmon.db.url import database_url
from netmon.store.staging import POINT_COLUMNS
from netmon.store.tables import points_recent

FIELDS_PER_AP = 17
CYCLES = 3
INTERVAL_NS = 60 * 1_000_000_000
Row = tuple[int, int, int, float | int]


def cycle_rows(aps: int, cycle: int, rng: random.Random) -> list[Row]:
    """A cycle's values: integers (clients, flags) and noisy floats (rates), alternately."""
    ts = 1_700_000_000 * 1_000_000_000 + cycle * INTERVAL_NS
    return [(ap + 1, f + 1, ts, rng.random() * 1e7 if f % 2 else rng.randint(0, 40))
            for ap in range(aps) for f in range(FIELDS_PER_AP)]


def _dicts(rows: Sequence[Row]) -> list[dict[str, object]]:
    return [dict(zip(POINT_COLUMNS, row, strict=True)) for row in rows]


def core(conn: Connection, rows: Sequence[Row]) -> None:
    upsert(conn, points_recent, _dicts(rows), POINT_COLUMNS[:3])


def core_plain(conn: Connection, rows: Sequence[Row]) -> None:
    conn.execute(points_recent.insert(), _dicts(rows))


def driver(conn: Connection, rows: Sequence[Row]) -> None:
    upsert_many(conn, points_recent, POINT_COLUMNS, POINT_COLUMNS[:3], rows)


WAYS: dict[str, Callable[[Connection, Sequence[Row]], None]] = {
    "core": core, "core_plain": core_plain, "driver": driver}


def cpu_of(owner: DatabaseOwner, way: Callable[[Connection, Sequence[Row]], None],
           rows: list[Row]) -> float:
    def work(conn: Connection) -> float:
        started = time.thread_time()
        way(conn, rows)
        return time.thread_time() - started
    return owner.run(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--aps", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(73008)
    cycles = [cycle_rows(args.aps, c, rng) for c in range(CYCLES)]
    times: dict[str, list[float]] = {name: [] for name in WAYS}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for name, way in WAYS.items():
                owner = DatabaseOwner(database_url(StoreSettings(path=Path(tmp) / f"{name}{r}")))
                try:
                    times[name] += [cpu_of(owner, way, rows) for rows in cycles]
                finally:
                    owner.close()
    values = len(cycles[0])
    print(f"{'way':<11} {'best ms':>8} {'median ms':>10} {'values/s (best)':>16}")
    for name, found in times.items():
        best, median = min(found), sorted(found)[len(found) // 2]
        print(f"{name:<11} {best * 1e3:8.0f} {median * 1e3:10.0f} {values / best:16,.0f}")


if __name__ == "__main__":
    main()
