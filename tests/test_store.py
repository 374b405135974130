"""The embedded SQLite store, on a real file: writes, reads, rollups, retention, bad input."""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from netmon.config.models import StoreSettings
from netmon.sample import FieldValue, Sample
from netmon.store import LatestSeries, Point, RollupPoint, SqliteStore, Store
from netmon.store import sqlite as sqlite_store
from netmon.store.sqlite import BUCKET_1H_NS, BUCKET_5M_NS, NS_PER_DAY, NS_PER_S

T0 = 1_700_000_000 * NS_PER_S - (1_700_000_000 * NS_PER_S) % BUCKET_1H_NS  # an hour boundary
MIN_NS = 60 * NS_PER_S
AP1 = {"ap": "ap-1", "zone": "centre", "site": "Hôtel de Ville"}
AP2 = {"ap": "ap-2", "zone": "port", "site": "Grand Port"}


def sample(
    tags: dict[str, str], time_ns: int, measurement: str = "ap", **fields: FieldValue
) -> Sample:
    return Sample(measurement, dict(tags), dict(fields), time_ns)


def settings(path: Path, **overrides: int) -> StoreSettings:
    return StoreSettings.model_validate({"path": path, **overrides})


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "netmon.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[SqliteStore]:
    with SqliteStore(settings(db_path)) as opened:
        yield opened


def raw(store: SqliteStore, field: str, tags: dict[str, str] | None = None) -> list[Point]:
    found = store.series(
        "ap", field, tags=tags, start_ns=0, end_ns=T0 + 100 * NS_PER_DAY, resolution="raw"
    )
    assert len(found) == 1
    return found[0].points


def table(path: Path, name: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return sorted(conn.execute(f"SELECT * FROM {name}").fetchall())


def test_file_is_created_in_wal_mode(db_path: Path) -> None:
    SqliteStore(settings(db_path)).close()
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_round_trip_with_awkward_tags(store: SqliteStore) -> None:
    tags = {"ap": "borne 3, quai", "site": "Hôtel de Ville", "model": "a=b c", "q": 'say "hi"'}
    store.write([sample(tags, T0, clients=3), sample(tags, T0 + MIN_NS, clients=5)])
    store.flush()
    found = store.series("ap", "clients", start_ns=T0, end_ns=T0 + 2 * MIN_NS, resolution="raw")
    assert [(s.tags, s.points) for s in found] == [
        (tags, [Point(T0, 3.0), Point(T0 + MIN_NS, 5.0)])
    ]


def test_range_is_half_open(store: SqliteStore) -> None:
    store.write([sample(AP1, T0 + i * MIN_NS, clients=i) for i in range(4)])
    store.flush()
    found = store.series(
        "ap", "clients", start_ns=T0 + MIN_NS, end_ns=T0 + 3 * MIN_NS, resolution="raw"
    )
    assert [p.time_ns for p in found[0].points] == [T0 + MIN_NS, T0 + 2 * MIN_NS]


def test_tag_filter_is_a_subset_match(store: SqliteStore) -> None:
    ap3 = {**AP2, "ap": "ap-3"}
    store.write([sample(t, T0, clients=1) for t in (AP1, AP2, ap3)])
    store.flush()

    def aps(tags: dict[str, str] | None) -> list[str]:
        found = store.series("ap", "clients", tags=tags, start_ns=T0, end_ns=T0 + 1)
        return sorted(s.tags["ap"] for s in found)

    assert aps(None) == ["ap-1", "ap-2", "ap-3"]
    assert aps({"zone": "port"}) == ["ap-2", "ap-3"]
    assert aps({"zone": "port", "ap": "ap-3"}) == ["ap-3"]
    assert aps({"zone": "nowhere"}) == []
    assert store.series("ap", "no_such_field", start_ns=T0, end_ns=T0 + 1) == []
    assert store.series("nothing", "clients", start_ns=T0, end_ns=T0 + 1) == []


def test_same_point_twice_is_stored_once_with_the_last_value(store: SqliteStore) -> None:
    store.write([sample(AP1, T0, clients=3)])
    store.flush()
    store.write([sample(AP1, T0, clients=7), sample(AP1, T0, clients=4)])
    store.flush()
    assert raw(store, "clients") == [Point(T0, 4.0)]
    assert store.latest("ap")[0].fields == {"clients": 4}


def test_rewriting_a_compacted_point_replaces_it(store: SqliteStore, db_path: Path) -> None:
    store.write([sample(AP1, T0, clients=3), sample(AP1, T0 + MIN_NS, clients=4)])
    store.compact()
    store.write([sample(AP1, T0, clients=8)])
    store.flush()
    assert raw(store, "clients") == [Point(T0, 8.0), Point(T0 + MIN_NS, 4.0)]
    store.compact()
    assert raw(store, "clients") == [Point(T0, 8.0), Point(T0 + MIN_NS, 4.0)]
    assert table(db_path, "points_recent") == []
    assert [row[2:] for row in table(db_path, "points")] == [(T0, 8), (T0 + MIN_NS, 4)]


def test_staged_points_are_compacted_once_enough_are_waiting(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "COMPACT_ROWS", 4)
    with SqliteStore(settings(db_path)) as store:
        store.write([sample(AP1, T0 + i * MIN_NS, clients=i) for i in range(3)])
        store.flush()
        assert len(table(db_path, "points_recent")) == 3
        store.write([sample(AP1, T0 + 3 * MIN_NS, clients=3)])
        store.flush()
        assert table(db_path, "points_recent") == []
        assert len(table(db_path, "points")) == 4
        assert len(raw(store, "clients")) == 4


def test_tag_order_does_not_make_a_new_series(store: SqliteStore) -> None:
    reordered = dict(reversed(list(AP1.items())))
    store.write([sample(AP1, T0, clients=1), sample(reordered, T0 + MIN_NS, clients=2)])
    store.flush()
    assert len(raw(store, "clients")) == 2


def test_latest_reflects_the_newest_point(store: SqliteStore) -> None:
    store.write([sample(AP1, T0, up=1, clients=4), sample(AP1, T0 + MIN_NS, up=0)])
    store.flush()
    # A point older than what is known, written late, must not replace the newer value,
    # whether it comes in a later flush or after the newer point in the same batch.
    store.write([sample(AP1, T0 - MIN_NS, up=1)])
    store.flush()
    store.write([sample(AP1, T0 + MIN_NS, up=0), sample(AP1, T0 - 2 * MIN_NS, up=1)])
    store.write([sample(AP2, T0 + MIN_NS, up=0), sample(AP2, T0 - 2 * MIN_NS, up=1)])
    store.flush()
    assert store.latest("ap", {"ap": "ap-2"})[0].fields == {"up": 0}
    assert store.latest("ap", {"ap": "ap-1"}) == [
        LatestSeries(
            "ap",
            AP1,
            T0 + MIN_NS,
            {"up": 0, "clients": 4},
            {"up": T0 + MIN_NS, "clients": T0},
        )
    ]


def test_latest_filters_by_tags(store: SqliteStore) -> None:
    store.write([sample(AP1, T0, up=1), sample(AP2, T0, up=0)])
    store.flush()
    assert [s.tags["ap"] for s in store.latest("ap", {"zone": "port"})] == ["ap-2"]
    assert sorted(s.tags["ap"] for s in store.latest("ap")) == ["ap-1", "ap-2"]
    assert store.latest("ap_iface") == []


def test_bool_and_int_fields(store: SqliteStore) -> None:
    big = 2**53 + 1  # a float could not hold it exactly
    store.write([sample(AP1, T0, up=True, oper_up=False, rx_bytes=big)])
    store.flush()
    assert raw(store, "up") == [Point(T0, 1.0)]
    assert raw(store, "oper_up") == [Point(T0, 0.0)]
    fields = store.latest("ap")[0].fields
    assert fields["rx_bytes"] == big and type(fields["rx_bytes"]) is int
    assert fields["up"] == 1


def test_counter_beyond_64_bits_is_kept_as_a_float(store: SqliteStore) -> None:
    store.write([sample(AP1, T0, rx_bytes=2**64 - 1)])
    store.flush()
    assert raw(store, "rx_bytes") == [Point(T0, float(2**64 - 1))]


def test_string_field_is_kept_in_latest_only(store: SqliteStore, db_path: Path) -> None:
    store.write([sample(AP1, T0, firmware="8.10.130", clients=2)])
    store.write([sample(AP1, T0 + MIN_NS, firmware="8.10.185")])
    store.flush()
    assert store.latest("ap")[0].fields == {"firmware": "8.10.185", "clients": 2}
    assert raw(store, "firmware") == []
    assert len(table(db_path, "points_recent") + table(db_path, "points")) == 1


def test_a_text_value_that_looks_numeric_stays_text(store: SqliteStore) -> None:
    store.write([sample(AP1, T0, serial="0042")])
    store.flush()
    assert store.latest("ap")[0].fields["serial"] == "0042"


def test_bad_values_are_skipped_and_the_rest_of_the_batch_kept(
    store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    batch: list[Sample] = [
        sample(AP1, T0, clients=3, noise=math.nan, snr=math.inf, weird=[1, 2]),  # type: ignore[arg-type]
        Sample("ap", {"ap": 7}, {"clients": 1}, T0),  # type: ignore[dict-item]
        Sample("ap", AP2, {"clients": 1}, float(T0)),  # type: ignore[arg-type]
        sample(AP1, T0, bad_text="\udc80"),
        sample({"ap": "\udc80"}, T0, clients=1),
        None,  # type: ignore[list-item]
        sample(AP2, T0 + MIN_NS, clients=9),
    ]
    with caplog.at_level(logging.WARNING, logger="netmon.store.sqlite"):
        store.write(batch)
        store.flush()
    assert raw(store, "clients", {"ap": "ap-1"}) == [Point(T0, 3.0)]
    assert raw(store, "clients", {"ap": "ap-2"}) == [Point(T0 + MIN_NS, 9.0)]
    assert sorted(store.latest("ap", {"ap": "ap-1"})[0].fields) == ["clients"]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "skipped 8 bad" in warnings[0].getMessage()


def test_write_buffers_until_batch_size(db_path: Path) -> None:
    with SqliteStore(settings(db_path, batch_size=3)) as store:
        store.write([sample(AP1, T0 + i * MIN_NS, clients=i) for i in range(2)])
        assert store.latest("ap") == []  # still buffered
        store.write([sample(AP1, T0 + 2 * MIN_NS, clients=2)])
        assert len(raw(store, "clients")) == 3  # batch_size reached: written without flush()


def test_reopened_file_has_the_data(db_path: Path) -> None:
    with SqliteStore(settings(db_path)) as store:
        store.write([sample(AP1, T0, clients=3, firmware="1.0")])  # close() flushes
    with SqliteStore(settings(db_path)) as store:
        assert raw(store, "clients") == [Point(T0, 3.0)]
        assert store.latest("ap")[0].fields == {"clients": 3, "firmware": "1.0"}
        # Cached ids are rebuilt from the file, not duplicated.
        store.write([sample(AP1, T0 + MIN_NS, clients=4)])
        store.flush()
        assert raw(store, "clients") == [Point(T0, 3.0), Point(T0 + MIN_NS, 4.0)]
    assert len(table(db_path, "series")) == 1
    assert len(table(db_path, "field_names")) == 2


def test_sqlite_store_serves_the_store_contract(store: SqliteStore) -> None:
    contract: Store = store  # mypy checks SqliteStore against the Protocol here
    contract.write([sample(AP1, T0, clients=3)])
    contract.flush()
    assert contract.measurements() == ["ap"]
    assert contract.tag_values("ap", "site") == ["Hôtel de Ville"]
    assert contract.series("ap", "clients", start_ns=T0, end_ns=T0 + 1, now_ns=T0)[0].points == [
        Point(T0, 3.0)
    ]


def test_reads_from_another_thread(store: SqliteStore) -> None:
    store.write([sample(AP1, T0, clients=3)])
    store.flush()
    seen: list[object] = []
    reader = threading.Thread(target=lambda: seen.append(store.latest("ap")[0].fields))
    reader.start()
    reader.join()
    assert seen == [{"clients": 3}]


def test_reads_run_while_another_thread_writes(store: SqliteStore) -> None:
    errors: list[BaseException] = []
    done = threading.Event()

    def read_until_done() -> None:
        while not done.is_set():
            try:
                store.latest("ap")
                store.series("ap", "clients", start_ns=T0, end_ns=T0 + NS_PER_DAY, now_ns=T0)
            except BaseException as exc:  # reported to the test thread below
                errors.append(exc)
                return

    reader = threading.Thread(target=read_until_done)
    reader.start()
    for minute in range(100):
        store.write([sample(AP1, T0 + minute * MIN_NS, clients=minute)])
        store.flush()
    done.set()
    reader.join()
    assert errors == []
    assert len(raw(store, "clients")) == 100


def test_closed_store_refuses_writes_and_reads(db_path: Path) -> None:
    store = SqliteStore(settings(db_path))
    store.close()
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        store.write([sample(AP1, T0, clients=1)])
    with pytest.raises(RuntimeError, match="closed"):
        store.latest("ap")


def write_minutes(store: SqliteStore, minutes: range, **tags: str) -> None:
    """One `clients` point per minute: the value is the minute number."""
    store.write([sample(tags or AP1, T0 + m * MIN_NS, clients=m) for m in minutes])


def test_rollup_statistics_across_bucket_boundaries(store: SqliteStore, db_path: Path) -> None:
    write_minutes(store, range(12))  # buckets [0..4], [5..9], [10, 11]
    store.rollup(T0 + 15 * MIN_NS)
    found = store.series_rollup(
        "ap", "clients", start_ns=T0, end_ns=T0 + BUCKET_1H_NS, resolution="5m"
    )
    assert found[0].points == [
        RollupPoint(T0, 5, 2.0, 0.0, 4.0),
        RollupPoint(T0 + BUCKET_5M_NS, 5, 7.0, 5.0, 9.0),
        RollupPoint(T0 + 2 * BUCKET_5M_NS, 2, 10.5, 10.0, 11.0),
    ]
    means = store.series("ap", "clients", start_ns=T0, end_ns=T0 + BUCKET_1H_NS, resolution="5m")
    assert [p.value for p in means[0].points] == [2.0, 7.0, 10.5]


def test_rollup_run_twice_gives_the_same_tables(store: SqliteStore, db_path: Path) -> None:
    write_minutes(store, range(130))
    now = T0 + 3 * BUCKET_1H_NS
    store.rollup(now)
    first = table(db_path, "rollup_5m"), table(db_path, "rollup_1h")
    store.rollup(now)
    store.rollup(now + MIN_NS)
    assert (table(db_path, "rollup_5m"), table(db_path, "rollup_1h")) == first
    assert len(first[0]) == 26 and len(first[1]) == 3


def test_incomplete_bucket_waits_until_it_is_complete(store: SqliteStore) -> None:
    write_minutes(store, range(8))

    def buckets() -> list[RollupPoint]:
        found = store.series_rollup("ap", "clients", start_ns=T0, end_ns=T0 + BUCKET_1H_NS)
        return found[0].points if found else []

    store.rollup(T0 + 5 * MIN_NS - 1)
    assert buckets() == []
    store.rollup(T0 + 8 * MIN_NS)
    assert [(b.time_ns, b.count) for b in buckets()] == [(T0, 5)]
    write_minutes(store, range(8, 10))  # the second bucket fills up, still buffered
    store.rollup(T0 + 10 * MIN_NS)  # rollup flushes first
    assert [(b.time_ns, b.count, b.mean) for b in buckets()] == [
        (T0, 5, 2.0),
        (T0 + BUCKET_5M_NS, 5, 7.0),
    ]


def test_point_arriving_late_in_the_last_bucket_is_rolled_up(store: SqliteStore) -> None:
    write_minutes(store, range(4))
    store.rollup(T0 + 5 * MIN_NS)
    write_minutes(store, range(4, 5))  # stamped before the bucket end, written after the rollup
    store.rollup(T0 + 6 * MIN_NS)
    found = store.series_rollup("ap", "clients", start_ns=T0, end_ns=T0 + BUCKET_5M_NS)
    assert found[0].points == [RollupPoint(T0, 5, 2.0, 0.0, 4.0)]


def test_hourly_rollup_combines_the_5_minute_buckets(store: SqliteStore) -> None:
    write_minutes(store, range(120))
    write_minutes(store, range(120), ap="ap-2")
    store.rollup(T0 + 2 * BUCKET_1H_NS)
    found = store.series_rollup(
        "ap",
        "clients",
        tags={"ap": "ap-2"},
        start_ns=T0,
        end_ns=T0 + 2 * BUCKET_1H_NS,
        resolution="1h",
    )
    assert found[0].tags == {"ap": "ap-2"}
    assert found[0].points == [
        RollupPoint(T0, 60, 29.5, 0.0, 59.0),
        RollupPoint(T0 + BUCKET_1H_NS, 60, 89.5, 60.0, 119.0),
    ]


def test_hourly_rollup_waits_for_the_whole_hour(store: SqliteStore) -> None:
    write_minutes(store, range(70))
    store.rollup(T0 + 59 * MIN_NS)
    assert (
        store.series_rollup("ap", "clients", start_ns=T0, end_ns=T0 + 1, resolution="1h")[0].points
        == []
    )
    store.rollup(T0 + 61 * MIN_NS)
    hour = store.series_rollup("ap", "clients", start_ns=T0, end_ns=T0 + 1, resolution="1h")
    assert [(b.count, b.mean) for b in hour[0].points] == [(60, 29.5)]


def test_retention_deletes_exactly_what_is_older(db_path: Path) -> None:
    with SqliteStore(settings(db_path, raw_days=1, rollup_5m_days=2, rollup_1h_days=3)) as store:
        write_minutes(store, range(0, 4 * 24 * 60, 60))  # one point an hour for four days
        now = T0 + 4 * NS_PER_DAY
        store.rollup(now)  # buckets older than their retention are not even computed
        store.enforce_retention(now)

        def oldest(resolution: str) -> int:
            found = store.series(
                "ap",
                "clients",
                start_ns=0,
                end_ns=now + NS_PER_DAY,
                resolution=resolution,  # type: ignore[arg-type]
            )
            return found[0].points[0].time_ns

        # The point exactly at the cutoff stays; the one just before it is gone.
        assert oldest("raw") == now - 1 * NS_PER_DAY
        assert oldest("5m") == now - 2 * NS_PER_DAY
        assert oldest("1h") == now - 3 * NS_PER_DAY
        assert len(raw(store, "clients")) == 24  # the last day: hours 72..95
        assert store.latest("ap")[0].fields == {"clients": 95 * 60}


def test_kept_raw_history_survives_retention_and_costs_no_rollup_catch_up(
        db_path: Path) -> None:
    with SqliteStore(settings(db_path, raw_days=1)) as store:
        ten_years_ago = T0 - 3650 * NS_PER_DAY
        store.write([Sample("fibre", {"zone": "centre"}, {"premises_connectable": 120},
                            ten_years_ago)])
        write_minutes(store, range(0, 2 * 24 * 60, 60))
        now = T0 + 2 * NS_PER_DAY
        store.maintain(now)
        kept = store.series("fibre", "premises_connectable", start_ns=0, end_ns=now,
                            resolution="raw")
        assert [p.time_ns for p in kept[0].points] == [ten_years_ago]
        assert raw(store, "clients")[0].time_ns == T0 + NS_PER_DAY  # ap points still expire
        five_min = store.series_rollup("ap", "clients", start_ns=0, end_ns=now)
        assert five_min[0].points[0].time_ns >= T0  # no catch-up over the fibre decade


def test_maintain_rolls_up_and_enforces_retention(db_path: Path) -> None:
    with SqliteStore(settings(db_path, raw_days=1)) as store:
        write_minutes(store, range(0, 3 * 24 * 60, 5))
        store.maintain(T0 + 3 * NS_PER_DAY)
        assert raw(store, "clients")[0].time_ns == T0 + 2 * NS_PER_DAY
        old = store.series_rollup("ap", "clients", start_ns=T0, end_ns=T0 + 1)
        assert old[0].points == [RollupPoint(T0, 1, 0.0, 0.0, 0.0)]


def test_auto_resolution_follows_retention(db_path: Path) -> None:
    with SqliteStore(settings(db_path, raw_days=2, rollup_5m_days=10)) as store:
        now = T0 + 100 * NS_PER_DAY
        assert store.auto_resolution(now - NS_PER_DAY, now) == "raw"
        assert store.auto_resolution(now - 2 * NS_PER_DAY, now) == "raw"
        assert store.auto_resolution(now - 5 * NS_PER_DAY, now) == "5m"
        assert store.auto_resolution(now - 11 * NS_PER_DAY, now) == "1h"
        write_minutes(store, range(0, 10))
        store.rollup(T0 + BUCKET_1H_NS)
        old = store.series("ap", "clients", start_ns=T0, end_ns=T0 + NS_PER_DAY, now_ns=now)
        assert old[0].points == [Point(T0, 4.5)]  # read from the hourly rollup


def test_unknown_rollup_resolution_is_refused(store: SqliteStore) -> None:
    with pytest.raises(ValueError, match="10m"):
        store.series_rollup("ap", "clients", start_ns=0, end_ns=1, resolution="10m")  # type: ignore[arg-type]


def test_measurements_tags_and_fields(store: SqliteStore) -> None:
    store.write(
        [
            sample(AP1, T0, up=1),
            sample(AP2, T0, up=1, firmware="x"),
            sample({**AP1, "ifname": "eth0"}, T0, measurement="ap_iface", rx_bps=1.5),
        ]
    )
    store.flush()
    assert store.measurements() == ["ap", "ap_iface"]
    assert store.tag_values("ap", "zone") == ["centre", "port"]
    assert store.tag_values("ap", "ifname") == []
    assert store.field_names("ap") == ["firmware", "up"]
