"""The store on the one database, on a real file: writes, packed reads, rollups, bad input."""

from __future__ import annotations

import asyncio
import logging
import math
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from netmon.config.models import StoreSettings
from netmon.db.owner import DatabaseOwner
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.sample import FieldValue, Sample
from netmon.store import LatestSeries, Point, RollupPoint, Store
from netmon.store.layout import BUCKET_1H_NS, BUCKET_5M_NS, NS_PER_DAY, NS_PER_S
from netmon.store.reader import SampleReader
from netmon.store.scans import MAX_LISTED_IDS
from netmon.store.writer import SampleStore

T0 = 1_700_000_000 * NS_PER_S - (1_700_000_000 * NS_PER_S) % BUCKET_1H_NS  # an hour boundary
MIN_NS = 60 * NS_PER_S
AP1 = {"ap": "ap-1", "zone": "centre", "site": "Hôtel de Ville"}
AP2 = {"ap": "ap-2", "zone": "port", "site": "Grand Port"}


def sample(tags: dict[str, str], time_ns: int, measurement: str = "ap",
           **fields: FieldValue) -> Sample:
    return Sample(measurement, dict(tags), dict(fields), time_ns)


class Rig:
    """A writer and a reader on one file, as `netmon run` has them."""

    def __init__(self, path: Path, url: str | None = None, **settings: int) -> None:
        self.path = path
        self.settings = StoreSettings.model_validate({"path": path, "url": url, **settings})
        where = database_url(self.settings)
        self.owner = DatabaseOwner(where)
        self.writer = SampleStore(self.owner, self.settings)
        self.database = DatabaseReader(where)
        self.reader = SampleReader(self.database, self.settings)

    def put(self, batch: list[Sample]) -> None:
        self.writer.write(batch)
        self.writer.flush_and_wait()

    def raw(self, field: str, tags: dict[str, str] | None = None) -> list[Point]:
        found = self.reader.series("ap", field, tags=tags, start_ns=0,
                                   end_ns=T0 + 100 * NS_PER_DAY, resolution="raw")
        assert len(found) == 1
        return found[0].points

    def rows(self, table: str) -> list[tuple[object, ...]]:
        with self.database.snapshot() as conn:
            return sorted(tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {table}"))

    def close(self) -> None:
        self.writer.close()
        self.database.close()
        self.owner.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Rig]:
    """The same contract on the embedded file and on the shared server."""
    url = request.getfixturevalue("postgres").new_database() \
        if request.param == "postgresql" else None
    made = Rig(tmp_path / "data" / "netmon.db", url)
    yield made
    made.close()


@pytest.fixture
def file_rig(tmp_path: Path) -> Iterator[Rig]:
    """SQLite only: what another process holding the file does."""
    made = Rig(tmp_path / "data" / "netmon.db")
    yield made
    made.close()


def test_round_trip_with_awkward_tags_before_and_after_packing(rig: Rig) -> None:
    tags = {"ap": "borne 3, quai", "site": "Hôtel de Ville", "model": "a=b c", "q": 'say "hi"'}
    rig.put([sample(tags, T0, clients=3), sample(tags, T0 + MIN_NS, clients=5)])
    expected = [(tags, [Point(T0, 3.0), Point(T0 + MIN_NS, 5.0)])]

    def found() -> list[tuple[dict[str, str], list[Point]]]:
        return [(s.tags, s.points) for s in rig.reader.series(
            "ap", "clients", start_ns=T0, end_ns=T0 + 2 * MIN_NS, resolution="raw")]

    assert found() == expected
    rig.writer.maintain(T0 + 10 * MIN_NS)  # the hour is not over: nothing is packed yet
    assert len(rig.rows("points_recent")) == 2 and rig.rows("chunks") == []
    rig.writer.maintain(T0 + BUCKET_1H_NS)
    assert rig.rows("points_recent") == [] and len(rig.rows("chunks")) == 3  # raw, 5 m, 1 h
    assert found() == expected


def test_range_is_half_open_and_tags_filter_as_a_subset(rig: Rig) -> None:
    rig.put([sample(AP1, T0 + i * MIN_NS, clients=i) for i in range(4)])
    found = rig.reader.series("ap", "clients", start_ns=T0 + MIN_NS, end_ns=T0 + 3 * MIN_NS,
                              resolution="raw")
    assert [p.time_ns for p in found[0].points] == [T0 + MIN_NS, T0 + 2 * MIN_NS]
    rig.put([sample(t, T0, clients=1) for t in (AP2, {**AP2, "ap": "ap-3"})])

    def aps(tags: dict[str, str] | None) -> list[str]:
        return sorted(s.tags["ap"] for s in rig.reader.series(
            "ap", "clients", tags=tags, start_ns=T0, end_ns=T0 + 1, now_ns=T0))

    assert aps(None) == ["ap-1", "ap-2", "ap-3"]
    assert aps({"zone": "port"}) == ["ap-2", "ap-3"]
    assert aps({"zone": "nowhere"}) == []
    assert rig.reader.series("ap", "no_such_field", start_ns=T0, end_ns=T0 + 1) == []


def test_a_rewritten_point_replaces_the_packed_one(rig: Rig) -> None:
    rig.put([sample(AP1, T0, clients=3), sample(AP1, T0 + MIN_NS, clients=4)])
    rig.writer.maintain(T0 + BUCKET_1H_NS)
    rig.put([sample(AP1, T0, clients=8)])
    assert rig.raw("clients") == [Point(T0, 8.0), Point(T0 + MIN_NS, 4.0)]
    rig.writer.maintain(T0 + BUCKET_1H_NS + 20 * MIN_NS)
    assert rig.raw("clients") == [Point(T0, 8.0), Point(T0 + MIN_NS, 4.0)]


def test_latest_keeps_the_newest_value_even_when_an_older_one_comes_late(rig: Rig) -> None:
    rig.put([sample(AP1, T0, up=1, clients=4), sample(AP1, T0 + MIN_NS, up=0)])
    rig.put([sample(AP1, T0 - MIN_NS, up=1)])
    rig.put([sample(AP2, T0 + MIN_NS, up=0), sample(AP2, T0 - 2 * MIN_NS, up=1)])
    assert rig.reader.latest("ap", {"ap": "ap-2"})[0].fields == {"up": 0}
    assert rig.reader.latest("ap", {"ap": "ap-1"}) == [LatestSeries(
        "ap", AP1, T0 + MIN_NS, {"clients": 4, "up": 0}, {"up": T0 + MIN_NS, "clients": T0})]


def test_integers_stay_exact_floats_keep_seven_digits_text_stays_text(rig: Rig) -> None:
    big = 2**53 + 1  # a float could not hold it exactly
    rig.put([sample(AP1, T0, up=True, oper_up=False, rx_bytes=big, rate=123456.789,
                    serial="0042", firmware="8.10.130")])
    rig.writer.maintain(T0 + BUCKET_1H_NS)
    fields = rig.reader.latest("ap")[0].fields
    assert fields["rx_bytes"] == big and type(fields["rx_bytes"]) is int
    assert fields["serial"] == "0042" and fields["up"] == 1 and fields["oper_up"] == 0
    assert fields["rate"] == 123456.789  # the newest value is kept whole
    assert rig.raw("up") == [Point(T0, 1.0)]
    (packed,) = rig.raw("rate")
    assert packed.value == pytest.approx(123456.789, rel=1e-7)  # packed points: float32
    assert rig.reader.series("ap", "firmware", start_ns=0, end_ns=T0 + 1, resolution="raw") \
        == [(AP1, [])]  # text lives in `latest` only


def test_bad_values_are_rejected_alone_logged_once_and_counted(
        rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    batch: list[Sample] = [
        sample(AP1, T0, clients=3, noise=math.nan, snr=math.inf, weird=[1, 2],  # type: ignore[arg-type]
               huge=int("9" * 3000), past63=2**63, past64=2**64 + 1, long="x" * 10_000),
        Sample("ap", {"ap": 7}, {"clients": 1}, T0),  # type: ignore[dict-item]
        Sample("ap", AP2, {"clients": 1}, float(T0)),  # type: ignore[arg-type]
        sample(AP1, T0, bad_text="\udc80"),
        sample({"ap": "\udc80"}, T0, clients=1),
        None,  # type: ignore[list-item]
        sample(AP2, T0 + MIN_NS, clients=9),
    ]
    with caplog.at_level(logging.WARNING, logger="netmon.store.writer"):
        rig.put(batch)
        rig.put([sample(AP1, T0 + MIN_NS, clients=4, huge=int("9" * 3000))])  # again: no log
    assert rig.raw("clients", {"ap": "ap-1"}) == [Point(T0, 3.0), Point(T0 + MIN_NS, 4.0)]
    assert rig.raw("clients", {"ap": "ap-2"}) == [Point(T0 + MIN_NS, 9.0)]
    assert sorted(rig.reader.latest("ap", {"ap": "ap-1"})[0].fields) == ["clients"]
    assert rig.writer.rejected_values == 13  # 4 whole samples, 9 values
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len([m for m in messages if "field huge" in m]) == 1
    assert any("'ap': 'ap-1'" in m and "beyond 64 bits" in m for m in messages)
    assert all(len(m) < 400 for m in messages)  # never thousands of digits in a log line


def test_a_flush_while_another_process_holds_the_file_is_written_after(file_rig: Rig) -> None:
    rig = file_rig
    with closing(sqlite3.connect(rig.path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # a backup or a report's writer
        rig.writer.write([sample(AP1, T0, clients=1)])
        with pytest.raises(OperationalError, match="locked"):
            rig.writer.flush_and_wait()
        other.execute("COMMIT")
    rig.put([sample(AP1, T0 + MIN_NS, clients=2)])
    assert rig.raw("clients") == [Point(T0, 1.0), Point(T0 + MIN_NS, 2.0)]


async def test_the_loop_keeps_turning_while_a_flush_waits_for_the_file(file_rig: Rig) -> None:
    rig = file_rig
    with closing(sqlite3.connect(rig.path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        rig.writer.write([sample(AP1, T0, clients=1)])
        rig.writer.flush()  # returns at once: the owner's thread waits, not the loop
        ticks = 0
        for _ in range(20):
            await asyncio.sleep(0.01)
            ticks += 1
        other.execute("COMMIT")
    await rig.writer.drained()
    assert ticks == 20
    rig.writer.flush_and_wait()  # the failed flush's samples come back with the next one
    assert rig.raw("clients") == [Point(T0, 1.0)]


def test_write_buffers_until_batch_size_and_reopening_keeps_everything(tmp_path: Path) -> None:
    rig = Rig(tmp_path / "n.db", batch_size=3)
    rig.writer.write([sample(AP1, T0 + i * MIN_NS, clients=i) for i in range(2)])
    assert rig.reader.latest("ap") == []  # still buffered
    rig.writer.write([sample(AP1, T0 + 2 * MIN_NS, clients=2, firmware="1.0")])
    rig.writer.flush_and_wait()
    rig.close()
    again = Rig(tmp_path / "n.db")
    try:
        assert len(again.raw("clients")) == 3
        again.put([sample(AP1, T0 + 3 * MIN_NS, clients=3)])
        assert len(again.raw("clients")) == 4
        assert len(again.rows("series")) == 1 and len(again.rows("field_names")) == 2
    finally:
        again.close()


def test_the_reader_serves_the_store_contract_from_another_thread(rig: Rig) -> None:
    rig.put([sample(AP1, T0, clients=3)])
    contract: Store = rig.reader  # mypy checks SampleReader against the Protocol here
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(contract.latest("ap")[0].fields))
    thread.start()
    thread.join()
    assert seen == [{"clients": 3}]
    assert contract.measurements() == ["ap"]
    assert contract.tag_values("ap", "site") == ["Hôtel de Ville"]


def write_minutes(rig: Rig, minutes: range) -> None:
    """One `clients` point per minute: the value is the minute number."""
    rig.put([sample(AP1, T0 + m * MIN_NS, clients=m) for m in minutes])


def test_rollups_hold_complete_buckets_with_their_statistics(rig: Rig) -> None:
    write_minutes(rig, range(12))  # buckets [0..4], [5..9], [10, 11]
    rig.writer.maintain(T0 + 30 * MIN_NS)  # packed once the hour is over, not before
    assert rig.reader.series_rollup("ap", "clients", start_ns=T0,
                                    end_ns=T0 + BUCKET_1H_NS)[0].points == []
    rig.writer.maintain(T0 + BUCKET_1H_NS)
    found = rig.reader.series_rollup("ap", "clients", start_ns=T0, end_ns=T0 + BUCKET_1H_NS)
    assert found[0].points == [RollupPoint(T0, 5, 2.0, 0.0, 4.0),
                               RollupPoint(T0 + BUCKET_5M_NS, 5, 7.0, 5.0, 9.0),
                               RollupPoint(T0 + 2 * BUCKET_5M_NS, 2, 10.5, 10.0, 11.0)]
    means = rig.reader.series("ap", "clients", start_ns=T0, end_ns=T0 + BUCKET_1H_NS,
                              resolution="5m")
    assert [p.value for p in means[0].points] == [2.0, 7.0, 10.5]
    rig.writer.maintain(T0 + BUCKET_1H_NS + 5 * MIN_NS)  # run again: nothing changes
    assert len(rig.reader.series_rollup("ap", "clients", start_ns=T0,
                                        end_ns=T0 + BUCKET_1H_NS)[0].points) == 3


def test_hourly_rollup_waits_for_the_whole_hour_and_spans_packs(rig: Rig) -> None:
    for start in range(0, 130, 10):  # maintained every 10 minutes, as netmon run does
        write_minutes(rig, range(start, min(start + 10, 130)))
        rig.writer.maintain(T0 + (start + 10) * MIN_NS)
    hourly = rig.reader.series_rollup("ap", "clients", start_ns=T0,
                                      end_ns=T0 + 3 * BUCKET_1H_NS, resolution="1h")
    assert [p.time_ns for p in hourly[0].points] == [T0, T0 + BUCKET_1H_NS]  # not the third
    write_minutes(rig, range(55, 60))  # late points of a packed hour: merged at the next run
    rig.writer.maintain(T0 + 3 * BUCKET_1H_NS)
    hourly = rig.reader.series_rollup("ap", "clients", start_ns=T0,
                                      end_ns=T0 + 3 * BUCKET_1H_NS, resolution="1h")
    # A point written twice is counted twice by a rollup already packed (raw keeps one).
    assert hourly[0].points == [RollupPoint(T0, 65, (1770 + 285) / 65, 0.0, 59.0),
                                RollupPoint(T0 + BUCKET_1H_NS, 60, 89.5, 60.0, 119.0),
                                RollupPoint(T0 + 2 * BUCKET_1H_NS, 10, 124.5, 120.0, 129.0)]
    assert len(rig.raw("clients")) == 130


def test_retention_drops_old_chunks_but_keeps_raw_history(tmp_path: Path) -> None:
    rig = Rig(tmp_path / "n.db", raw_days=1, rollup_5m_days=2, rollup_1h_days=3)
    try:
        old = T0 - 5 * NS_PER_DAY
        rig.put([sample(AP1, old, clients=1), sample(AP1, T0, clients=2),
                 sample({"zone": "centre"}, old, "fibre", premises_connectable=10)])
        rig.writer.maintain(T0 + BUCKET_1H_NS)
        assert rig.raw("clients") == [Point(T0, 2.0)]
        five = rig.reader.series_rollup("ap", "clients", start_ns=0, end_ns=T0 + NS_PER_DAY)
        assert [p.time_ns for p in five[0].points] == [T0]
        fibre = rig.reader.series("fibre", "premises_connectable", start_ns=0,
                                  end_ns=T0 + NS_PER_DAY, resolution="raw")
        assert fibre[0].points == [Point(old, 10.0)]  # store.keep_raw: fibre history stays
    finally:
        rig.close()


def test_space_freed_by_retention_is_given_back(tmp_path: Path) -> None:
    """Incremental vacuum: at a constant row count the file keeps no free pages, nor grows."""
    rig = Rig(tmp_path / "n.db", raw_days=1, rollup_5m_days=1, rollup_1h_days=1)
    aps = [{**AP1, "ap": f"ap-{i}"} for i in range(20)]
    pages, free_pages, raw_chunks = [], [], []
    try:
        for day in range(10):  # 240 hourly maintenance runs
            start = T0 + day * NS_PER_DAY
            for hour in range(24):
                at = start + hour * BUCKET_1H_NS
                rig.put([sample(a, at + m * 10 * MIN_NS, clients=m, rx_bps=1000.0 + m)
                         for a in aps for m in range(6)])
                rig.writer.maintain(at + BUCKET_1H_NS)
            with closing(sqlite3.connect(rig.path)) as conn:
                pages.append(conn.execute("PRAGMA page_count").fetchone()[0])
                free_pages.append(conn.execute("PRAGMA freelist_count").fetchone()[0])
                raw_chunks.append(conn.execute(
                    "SELECT count(*) FROM chunks WHERE level = 0").fetchone()[0])
    finally:
        rig.close()
    assert raw_chunks[2:] == [raw_chunks[2]] * 8  # retention holds the count steady
    assert max(free_pages) <= 2, free_pages  # the pages it frees go back to the disk
    # The file stays within two pages (8 KiB) of its size once retention holds (an hourly
    # chunk spans 30 days, so that level alone varies a little).
    assert max(pages[2:]) - min(pages[2:]) <= 2, pages


def test_a_read_of_many_series_finds_each_its_own_points(rig: Rig) -> None:
    """Past scans.MAX_LISTED_IDS series a read selects them by measurement, not by id."""
    aps = [{**AP1, "ap": f"ap-{i:03d}"} for i in range(MAX_LISTED_IDS + 20)]
    rig.put([sample(a, T0 + m * MIN_NS, clients=i + m) for i, a in enumerate(aps)
             for m in range(5)])
    rig.put([sample({"zone": "centre"}, T0, "fibre", clients=-1)])  # another measurement
    rig.writer.maintain(T0 + BUCKET_1H_NS)  # packed: the 5 points and their 5-minute bucket
    rig.put([sample(a, T0 + 60 * MIN_NS, clients=i) for i, a in enumerate(aps)])  # staged
    raw = rig.reader.series("ap", "clients", start_ns=T0, end_ns=T0 + 2 * BUCKET_1H_NS,
                            resolution="raw")
    assert [s.tags["ap"] for s in raw] == sorted(a["ap"] for a in aps)
    assert all(s.points == [*(Point(T0 + m * MIN_NS, float(i + m)) for m in range(5)),
                            Point(T0 + 60 * MIN_NS, float(i))] for i, s in enumerate(raw))
    rolled = rig.reader.series_rollup("ap", "clients", start_ns=T0, end_ns=T0 + BUCKET_1H_NS)
    assert [s.points for s in rolled] == [[RollupPoint(T0, 5, i + 2.0, i, i + 4.0)]
                                          for i in range(len(aps))]


def test_a_reader_of_a_database_not_made_yet_reads_nothing(tmp_path: Path) -> None:
    settings = StoreSettings(path=tmp_path / "later" / "netmon.db")
    database = DatabaseReader(database_url(settings))
    reader = SampleReader(database, settings)
    try:
        assert reader.latest("ap") == [] and reader.measurements() == []
        assert reader.series("ap", "clients", start_ns=0, end_ns=T0) == []
        assert reader.series_rollup("ap", "clients", start_ns=0, end_ns=T0) == []
        assert reader.tag_values("ap", "ap") == [] and reader.field_names("ap") == []
    finally:
        database.close()
    assert not (tmp_path / "later").exists()  # a reader creates nothing


def test_a_late_point_joins_its_packed_bucket_with_exact_statistics(rig: Rig) -> None:
    rig.put([sample(AP1, T0 + m * MIN_NS, rate=m + 0.25) for m in range(60)])
    rig.writer.maintain(T0 + BUCKET_1H_NS)  # the hour is packed
    rig.put([sample(AP1, T0 + 30 * NS_PER_S, rate=0.5)])  # late: retried after a locked file
    rig.writer.maintain(T0 + BUCKET_1H_NS + 5 * MIN_NS)
    five = rig.reader.series_rollup("ap", "rate", start_ns=T0, end_ns=T0 + BUCKET_5M_NS)
    assert five[0].points == [RollupPoint(T0, 6, (0.25 + 1.25 + 2.25 + 3.25 + 4.25 + 0.5) / 6,
                                          0.25, 4.25)]
    hourly = rig.reader.series_rollup("ap", "rate", start_ns=T0, end_ns=T0 + BUCKET_1H_NS,
                                      resolution="1h")
    assert hourly[0].points[0].count == 61
    assert hourly[0].points[0].mean == pytest.approx((sum(range(60)) + 60 * 0.25 + 0.5) / 61)
