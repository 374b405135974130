"""A store and alert record like a running demo's: every demo AP polled, centre-07 down."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from netmon.alerts.db import open_alert_db
from netmon.alerts.incidents import IncidentBook
from netmon.config.loader import load_config
from netmon.config.models import NetmonConfig
from netmon.sample import Sample
from netmon.store.sqlite import SqliteStore
from tests.support.demo import DEMO

NS_PER_S = 1_000_000_000
DOWN_AP = "centre-07"
OUTAGE_S = 600
PAST_OUTAGE_S = (7_200, 6_900)  # centre-01 was down 5 minutes, two hours ago


def status_config(tmp_path: Path, **extra: Any) -> NetmonConfig:
    """The demo config with its store in tmp_path (and `extra` top-level settings)."""
    config = load_config(DEMO)
    store = config.store.model_copy(update={"path": tmp_path / "netmon.db"})
    return config.model_copy(update={"store": store, **extra})


def fill_store(config: NetmonConfig, store: SqliteStore) -> int:
    """One poll of every AP written to `store`, two incidents in the record; returns now_ns."""
    now_ns = time.time_ns()
    samples = []
    for index, ap in enumerate(config.aps):
        tags = {"ap": ap.id, "ap_name": ap.name, "zone": ap.zone, "site": ap.site or ap.zone,
                "vendor": "demo", "model": "demo"}
        if ap.id == DOWN_AP:
            samples.append(Sample("ap", tags, {"up": 0, "poll_ms": 2000.0}, now_ns))
            continue
        samples.append(Sample("ap", tags, {"up": 1, "poll_ms": 3.0, "clients": index,
                                           "uptime_s": 86_400.0 + index}, now_ns))
    store.write(samples)
    store.flush()
    conn = open_alert_db(config.store.path)
    try:
        book = IncidentBook(conn)
        book.open("ap_down", DOWN_AP, "centre", now_ns - OUTAGE_S * NS_PER_S, "timeout",
                  "critical")
        past = book.open("ap_down", "centre-01", "centre",
                         now_ns - PAST_OUTAGE_S[0] * NS_PER_S, "timeout", "critical")
        book.close(past, now_ns - PAST_OUTAGE_S[1] * NS_PER_S)
    finally:
        conn.close()
    return now_ns
