"""An AP that answers without its figures is told once, at low severity, and once when they
are back; it is never an outage, and a restart in between sends nothing twice."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from netmon.alerts.messages import MessageWriter
from netmon.alerts.notice import Notice
from tests.alerts_support.fleet import CENTRE, PORT, at, reading, town
from tests.alerts_support.ledger import MakeTracker, tracker_for

__all__ = ["tracker_for"]  # a fixture
DAY = "2026-11-03"
WHY = "degraded: profile unifi got no clients from vap.stations (1.3.6.1.4.1.41112.1.6.1.2.1.8)"


def _poll(tracker: object, minute: int, degraded: set[str]) -> None:
    t = at(f"{DAY} 10:{minute:02d}")
    observations = []
    for ap in CENTRE + PORT:
        seen = reading(ap, True)
        if ap in degraded:
            seen = replace(seen, degraded=True, error=WHY, clients=None)
        observations.append(seen)
    tracker.observe(observations, t)  # type: ignore[attr-defined]


def test_degraded_is_one_info_notice_and_one_all_clear(tmp_path: Path,
                                                       tracker_for: MakeTracker) -> None:
    config = town(tmp_path / "netmon.db")
    sent: list[Notice] = []
    tracker = tracker_for(config, sent)
    for minute in range(0, 5):
        _poll(tracker, minute, {"centre-03"})
    assert [(n.kind, n.severity, n.status, n.subject_id) for n in sent] == \
        [("degraded", "info", "firing", "centre-03")]
    assert sent[0].cause == WHY and sent[0].since_ns == at(f"{DAY} 10:00")
    assert tracker.tracker.aps["centre-03"].state == "up"  # not an outage
    # A new process on the same database: the open notice is remembered, not sent again.
    again: list[Notice] = []
    restarted = tracker_for(config, again)
    _poll(restarted, 5, {"centre-03"})
    _poll(restarted, 6, set())
    assert [(n.kind, n.status) for n in again] == [("degraded_end", "resolved")]
    assert again[0].duration_s == 6 * 60
    words = MessageWriter(config).render(sent[0])
    assert "answers without data" in words.title and WHY in words.text


def test_a_single_degraded_poll_is_within_tolerance(tmp_path: Path,
                                                    tracker_for: MakeTracker) -> None:
    sent: list[Notice] = []
    tracker = tracker_for(town(tmp_path / "netmon.db"), sent)
    _poll(tracker, 0, {"centre-03"})
    _poll(tracker, 1, set())
    _poll(tracker, 2, {"centre-03"})
    assert sent == []
