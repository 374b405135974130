"""The whole-process benchmark's parts: its config is one `netmon run` accepts, and histogram
windows read from real prometheus_client output agree with what was observed."""

from __future__ import annotations

import math
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from bench.histograms import counter, parse, window
from bench.process_config import process_config, write_config
from collectors.snmp.profile import default_catalog
from netmon.config import load_config


def test_the_generated_config_is_one_netmon_accepts(tmp_path: Path) -> None:
    doc = process_config(list(range(20001, 20101)), [30001, 30002, 30003], zones=20,
                         interval_s=60, store=tmp_path / "store.db",
                         listen="127.0.0.1:19108", hook_url="http://127.0.0.1:19109/hook")
    config = load_config(write_config(tmp_path / "netmon.yaml", doc),
                         profiles=default_catalog().names())
    assert len(config.aps) == 103 and len(config.zones) == 20
    assert {ap.profile for ap in config.aps} == {"generic"}
    dead = [ap for ap in config.aps if ap.id.startswith("ap-dead-")]
    assert [ap.port for ap in dead] == [30001, 30002, 30003]
    assert len({ap.zone for ap in dead}) == 3  # no zone loses more than one AP
    assert config.http.listen == "127.0.0.1:19108" and config.status_page.enabled
    assert [str(w.url) for w in config.alerts.webhooks] == ["http://127.0.0.1:19109/hook"]
    assert config.store.path == tmp_path / "store.db"


def test_a_window_holds_only_what_was_observed_between_two_scrapes() -> None:
    registry = CollectorRegistry()
    lag = Histogram("netmon_event_loop_lag_seconds", "lag", buckets=(0.01, 0.05, 0.1),
                    registry=registry)
    lag.observe(5.0)  # before the window: must not count
    first = parse(generate_latest(registry).decode())
    for value in [0.002] * 98 + [0.07, 0.08]:
        lag.observe(value)
    last = parse(generate_latest(registry).decode())
    seen = window(first, last, "netmon_event_loop_lag_seconds")
    assert seen is not None
    assert seen.count == 100
    assert math.isclose(seen.mean, (98 * 0.002 + 0.15) / 100)
    assert math.isclose(seen.quantile(0.5), 0.01 * 50 / 98)  # linear inside the first bucket
    assert 0.05 < seen.quantile(0.99) <= 0.1
    assert seen.largest_bound() == 0.1
    assert window(first, last, "netmon_tracker_duration_seconds") is None


def test_reading_only_some_families_gives_the_same_figures() -> None:
    registry = CollectorRegistry()
    cycles = Counter("netmon_poll_cycles", "cycles", registry=registry)
    tracker = Histogram("netmon_tracker_duration_seconds", "tracker", registry=registry)
    Histogram("netmon_ap_poll_duration_seconds", "per AP", ["ap"], registry=registry) \
        .labels("ap-1").observe(1.0)
    cycles.inc(3)
    tracker.observe(0.02)
    text = generate_latest(registry).decode()
    wanted = ["netmon_poll_cycles", "netmon_tracker_duration_seconds"]
    some, every = parse(text, wanted), parse(text)
    assert set(some) == set(wanted)
    assert all(some[name] == every[name] for name in wanted)
    assert counter(some, "netmon_poll_cycles") == 3
