"""A database like a running demo's: every demo AP watched for 3 h, centre-07 down now.

The history is made by the real tracker (each decision committed by the database owner),
so the fleet state, incidents and observed time are exactly what `netmon run` would record.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from netmon import demo_town
from netmon.config.loader import load_config
from netmon.config.models import NetmonConfig
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.observation import ApObservation
from netmon.sample import FieldValue, Sample
from netmon.store.reader import SampleReader
from netmon.store.session import write_session
from tests.alerts_support.ledger import CommittedTracker

NS_PER_S = 1_000_000_000
DOWN_AP = "centre-07"
DEGRADED_AP = "centre-03"  # answers without the figures its profile reads
WAS_DEGRADED_AP = "centre-04"  # did one poll ago, not any more
OUTAGE_S = 600
PAST_OUTAGE_S = (7_200, 6_900)  # centre-01 was down 5 minutes, two hours ago
WATCHED_S = 3 * 3_600  # netmon has been running for the last 3 hours
POLL_S = 60


def status_config(tmp_path: Path, **extra: Any) -> NetmonConfig:
    """The demo config with its store in tmp_path (and `extra` top-level settings)."""
    config = load_config(demo_town.prepare(tmp_path / "demo-town"))
    store = config.store.model_copy(update={"path": tmp_path / "netmon.db"})
    poll = config.poll.model_copy(update={"interval_s": POLL_S})
    return config.model_copy(update={"store": store, "poll": poll, **extra})


def _down(ap_id: str, ago_s: float) -> bool:
    if ap_id == DOWN_AP:
        return ago_s <= OUTAGE_S
    return ap_id == "centre-01" and PAST_OUTAGE_S[1] < ago_s <= PAST_OUTAGE_S[0]


def fill_history(config: NetmonConfig) -> int:
    """3 h of polls through the tracker, then the last poll's samples; returns now_ns."""
    now_ns = time.time_ns()
    enabled = [ap for ap in config.aps if ap.enabled]
    tracker = CommittedTracker(config, [])
    try:
        for t in range(now_ns - WATCHED_S * NS_PER_S, now_ns + 1, POLL_S * NS_PER_S):
            ago_s = (now_ns - t) / NS_PER_S
            tracker.observe([ApObservation(ap.id, ap.zone, not _down(ap.id, ago_s), ())
                             for ap in enabled], t)
    finally:
        tracker.close()
    samples = []
    for index, ap in enumerate(enabled):
        tags = {"ap": ap.id, "ap_name": ap.name, "zone": ap.zone, "site": ap.site or ap.zone,
                "vendor": "demo", "model": "demo"}
        if ap.id == DOWN_AP:
            samples.append(Sample("ap", tags, {"up": 0, "poll_ms": 2000.0}, now_ns))
            continue
        fields: dict[str, FieldValue] = {"up": 1, "poll_ms": 3.0, "clients": index,
                                          "uptime_s": 86_400.0 + index}
        if ap.id == WAS_DEGRADED_AP:
            samples.append(Sample("ap", tags, {**fields, "degraded": 1},
                                  now_ns - POLL_S * NS_PER_S))
        if ap.id == DEGRADED_AP:
            fields["degraded"] = 1
        samples.append(Sample("ap", tags, fields, now_ns))
    with write_session(config.store) as session:
        session.publish(samples)
    return now_ns


@contextmanager
def filled(config: NetmonConfig) -> Iterator[tuple[DatabaseReader, SampleReader]]:
    """The history written, then read-only access to it, as the status page has."""
    fill_history(config)
    reader = DatabaseReader(database_url(config.store))
    try:
        yield reader, SampleReader(reader, config.store)
    finally:
        reader.close()
