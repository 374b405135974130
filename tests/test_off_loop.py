"""The store writes on its own thread: the poll loop runs on while the disk is busy."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from netmon.config.models import StoreSettings
from netmon.off_loop import OffLoopSink
from netmon.pipeline import Pipeline
from netmon.sample import Sample
from netmon.store import SqliteStore


def cycle(n: int) -> list[Sample]:
    t = time.time_ns() - (10 - n) * 60 * 10**9
    return [Sample("ap", {"ap": f"ap-{i}", "zone": "centre"}, {"up": 1, "clients": i}, t)
            for i in range(50)]


async def test_the_loop_runs_while_another_process_holds_the_database(tmp_path: Path) -> None:
    path = tmp_path / "netmon.db"
    sink = OffLoopSink(SqliteStore(StoreSettings.model_validate({"path": path})), "store-writer")
    pipeline = Pipeline([sink])
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # e.g. `netmon report` or a backup writing
        for n in range(3):
            sink.write(cycle(n))
            sink.flush()
        drained = asyncio.ensure_future(pipeline.drained())
        ticks = 0
        for _ in range(10):  # the loop keeps turning: a flush on it would stall here
            await asyncio.sleep(0.01)
            ticks += 1
        assert ticks == 10 and not drained.done()
        other.execute("COMMIT")
    await asyncio.wait_for(drained, timeout=10)
    sink.close()
    with closing(sqlite3.connect(path)) as conn:
        (stored,) = conn.execute("SELECT count(*) FROM points").fetchone()
    assert stored == 3 * 50 * 2  # two fields per sample, nothing lost


async def test_a_failed_write_is_logged_and_kept_for_the_next_flush(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "netmon.db"
    store = SqliteStore(StoreSettings.model_validate({"path": path}))
    sink = OffLoopSink(store, "store-writer")
    with closing(sqlite3.connect(path, isolation_level=None, timeout=0)) as other:
        other.execute("BEGIN IMMEDIATE")
        sink.write(cycle(0))
        sink.flush()
        await asyncio.wait_for(sink.drained(), timeout=30)  # busy timeout: the flush gave up
        other.execute("COMMIT")
    assert "store-writer failed: database is locked" in caplog.text
    sink.flush()
    await sink.drained()
    sink.close()
    with closing(sqlite3.connect(path)) as conn:
        (stored,) = conn.execute("SELECT count(*) FROM points").fetchone()
    assert stored == 50 * 2
