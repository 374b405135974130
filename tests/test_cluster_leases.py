"""Shard leases on a real PostgreSQL: fair shares, no shard held twice, takeover, handover."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL, make_url
from typer.testing import CliRunner

from netmon.cli.main import app
from netmon.cluster.leases import ClusterMismatch, LeaseKeeper
from netmon.cluster.settings import ClusterSettings
from netmon.db.owner import DatabaseOwner
from tests.support.postgres import PostgresCluster
from tests.support.wait import wait_until
from tests.test_config import BASE, write

SHARDS = 16


@pytest.fixture(autouse=True)
def _community(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_COMMUNITY", "community-for-clusters")


@pytest.fixture
def url(postgres: PostgresCluster) -> Iterator[URL]:
    made = make_url(postgres.new_database()).set(drivername="postgresql+psycopg")
    DatabaseOwner(made).close()  # the schema, as `netmon run` makes it
    yield made


def keeper(url: URL, name: str, shards: int = SHARDS, lease_s: float = 1.0) -> LeaseKeeper:
    made = LeaseKeeper(url, ClusterSettings(shards=shards, name=name, lease_s=lease_s), 60)
    made.setup()
    return made


def test_pollers_share_every_shard_and_never_the_same_one(url: URL) -> None:
    # Leases long enough that a loaded machine lapses none: this test is about sharing.
    a = keeper(url, "a", lease_s=30)
    assert a.beat() == frozenset(range(SHARDS))  # alone: all of them
    b, c = keeper(url, "b", lease_s=30), keeper(url, "c", lease_s=30)
    overlaps: list[frozenset[int]] = []

    def beat_often(k: LeaseKeeper) -> None:
        for _ in range(15):
            k.beat()
            overlaps.append((a.owned & b.owned) | (a.owned & c.owned) | (b.owned & c.owned))

    threads = [threading.Thread(target=beat_often, args=(k,)) for k in (a, b, c)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(not o for o in overlaps)

    def balanced() -> bool:  # a shard given back is taken by another on its next beat
        for k in (a, b, c):
            k.beat()
        assert not (a.owned & b.owned) | (a.owned & c.owned) | (b.owned & c.owned)
        return (a.owned | b.owned | c.owned == frozenset(range(SHARDS))
                and sorted(len(k.owned) for k in (a, b, c)) == [4, 6, 6])  # ceil(16 / 3)

    wait_until(balanced, 10, "every shard held, in fair shares")


def test_a_silent_poller_s_shards_are_taken_once_its_leases_lapse(url: URL) -> None:
    a, b = keeper(url, "a"), keeper(url, "b")
    a.beat(), b.beat(), a.beat(), b.beat()
    assert len(a.owned) == len(b.owned) == SHARDS // 2
    lost = b.owned  # b is killed: it beats no more
    assert wait_until(lambda: a.beat() == frozenset(range(SHARDS)), 10, "a takes b's shards")
    assert lost <= a.owned


def test_a_clean_stop_hands_over_at_once_and_a_newcomer_gets_its_share(url: URL) -> None:
    a, b = keeper(url, "a", lease_s=60), keeper(url, "b", lease_s=60)
    a.beat(), b.beat(), a.beat(), b.beat()
    assert len(b.owned) == SHARDS // 2
    b.release()
    assert b.owned == frozenset() and a.beat() == frozenset(range(SHARDS))
    c = keeper(url, "c", lease_s=60)
    c.beat()  # a still holds all: c registers, a gives back above its new fair share
    a.beat()
    c.beat()
    assert len(a.owned) == len(c.owned) == SHARDS // 2 and not a.owned & c.owned


def test_a_poller_with_another_shard_count_is_refused(url: URL) -> None:
    keeper(url, "a")
    with pytest.raises(ClusterMismatch, match=r"cluster\.shards is 32 here but the database "
                                               "has 16 shards"):
        keeper(url, "b", shards=32)


@pytest.mark.parametrize("extra, message", [
    ({"cluster": {"shards": 8}}, "cluster: needs the shared PostgreSQL store (store.url)"),
    ({"cluster": {"shards": 8}, "shard": {"index": 0, "count": 2},
      "store": {"url": "postgresql://netmon@127.0.0.1/netmon"}},
     "cluster: and shard: are two ways to split the inventory"),
    ({"store": {"url": "mysql://netmon:pw-in-clear@127.0.0.1/netmon"}},
     "store.url: 'mysql': only postgresql URLs (the file is store.path) (got "
     "'mysql://netmon:***@127.0.0.1/netmon')"),
    ({"store": {"url": "not a url"}}, "store.url: not a database URL"),
])
def test_cluster_and_store_url_mistakes_are_config_errors(tmp_path: Path, extra: dict[str, Any],
                                                          message: str) -> None:
    doc = {**copy.deepcopy(BASE), **extra}
    result = CliRunner().invoke(app, ["check-config", str(write(tmp_path, doc))])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
