"""Shards: every AP owned by exactly one poller, whatever the count; controllers whole."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectors.snmp.poller import build_targets
from netmon.config.models import NetmonConfig
from netmon.export.settings import ShardSettings
from netmon.export.shard import owned_inventory, shard_of

AP_IDS = st.lists(st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,20}", fullmatch=True), min_size=0,
                  max_size=60, unique=True)


def inventory(ap_ids: list[str], controlled: int, count: int = 1, index: int = 0,
              ) -> NetmonConfig:
    """`controlled` of the APs are reported by one of two controllers, the rest polled alone."""
    credentials = {"version": "2c", "community": "public"}
    aps = []
    for i, ap_id in enumerate(ap_ids):
        ap = {"id": ap_id, "name": ap_id, "zone": "centre", "lat": 45.69, "lon": 5.91}
        if i < controlled:
            ap["controller"] = f"ctl-{i % 2}"
        else:
            ap.update(host="127.0.0.1", port=161, credentials=credentials)
        aps.append(ap)
    controllers = [{"id": f"ctl-{n}", "name": f"WLC {n}", "host": "127.0.0.1", "port": 162,
                    "profile": "cisco-wlc", "credentials": credentials} for n in range(2)]
    return NetmonConfig.model_validate({"aps": aps, "controllers": controllers,
                                        "shard": {"index": index, "count": count}})


@settings(max_examples=60, deadline=None)
@given(ap_ids=AP_IDS, count=st.integers(min_value=1, max_value=40), data=st.data())
def test_shards_partition_the_inventory_exactly(ap_ids: list[str], count: int,
                                                data: st.DataObject) -> None:
    controlled = data.draw(st.integers(min_value=0, max_value=len(ap_ids)))
    whole = inventory(ap_ids, controlled)
    shards = [owned_inventory(inventory(ap_ids, controlled, count, i)) for i in range(count)]
    aps = [ap.id for shard in shards for ap in shard.aps]
    assert sorted(aps) == sorted(ap_ids)  # every AP once, none twice
    targets = [t.id for shard in shards for t in build_targets(shard)]
    assert sorted(targets) == sorted(t.id for t in build_targets(whole))  # each agent once
    for shard in shards:  # a controller's APs stay with it: one WLC is polled by one poller
        controllers = {c.id for c in shard.controllers}
        assert {ap.controller for ap in shard.aps if ap.controller} <= controllers


def test_the_hash_is_stable_across_runs_and_hosts() -> None:
    # Fixed values: a change here would move APs between pollers of a running deployment.
    ids = ("centre-01", "centre-07", "port-03", "wlc-port")
    assert [shard_of(ap, 4) for ap in ids] == [1, 0, 0, 0]
    assert [shard_of(ap, 3) for ap in ids] == [2, 2, 2, 1]
    assert shard_of("centre-01", 1) == 0


def test_shards_are_balanced() -> None:
    counts = [0] * 8
    for n in range(8000):
        counts[shard_of(f"ap-{n:05d}", 8)] += 1
    assert min(counts) > 900 and max(counts) < 1100


def test_index_must_be_below_count() -> None:
    with pytest.raises(ValueError, match=r"index must be < count \(0..2\)"):
        ShardSettings(index=3, count=3)
