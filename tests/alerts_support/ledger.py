"""The tracker as the AlertDesk runs it: each decision committed by the owner, then adopted."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

import pytest

from netmon.alerts import incidents
from netmon.alerts.commit import commit_decision
from netmon.alerts.incidents import AlertEvent, Incident
from netmon.alerts.maintenance import MaintenanceCalendar
from netmon.alerts.notice import Notice
from netmon.alerts.tracker import CommittedFleet, OutageTracker
from netmon.config.models import NetmonConfig
from netmon.db.owner import DatabaseOwner
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.fleet.record import load_states
from netmon.observation import ApObservation

CHANNEL = "test"  # every notice is queued for this one channel (never drained here)


class CommittedTracker:
    def __init__(self, config: NetmonConfig, sent: list[Notice]) -> None:
        url = database_url(config.store)
        self.owner = DatabaseOwner(url)
        self.reader = DatabaseReader(url)
        with self.reader.snapshot() as conn:
            aps, zones = load_states(conn)
            committed = CommittedFleet(aps, zones,
                                       {i.id: i for i in incidents.open_incidents(conn)})
        self.tracker = OutageTracker(
            config, MaintenanceCalendar(config.maintenance, config.timezone), committed)
        self.sent = sent

    def observe(self, observations: Sequence[ApObservation], now_ns: int) -> None:
        decision = self.tracker.decide(observations, now_ns, (now_ns, now_ns + 60 * 10**9))
        resolved = self.owner.run(partial(commit_decision, decision=decision,
                                          route=lambda _: [CHANNEL], poller="test"))
        self.tracker.adopt(resolved)
        self.sent.extend(resolved.notices)

    def overlapping(self, start_ns: int, end_ns: int, kinds: tuple[str, ...]) -> list[Incident]:
        with self.reader.snapshot() as conn:
            return incidents.overlapping(conn, start_ns, end_ns, kinds)

    def events(self, kind: str) -> list[AlertEvent]:
        with self.reader.snapshot() as conn:
            return incidents.recorded_events(conn, kind)

    def close(self) -> None:
        self.reader.close()
        self.owner.close()


MakeTracker = type[CommittedTracker]


@pytest.fixture
def tracker_for() -> Iterator[MakeTracker]:
    """`tracker_for(config, sent)` builds one; all are closed after the test."""
    made: list[CommittedTracker] = []

    class Tracked(CommittedTracker):
        def __init__(self, config: NetmonConfig, sent: list[Notice]) -> None:
            super().__init__(config, sent)
            made.append(self)

    yield Tracked
    for tracker in made:
        tracker.close()
