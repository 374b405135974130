"""Observed time: when netmon was watching, the ground of every availability figure."""

from __future__ import annotations

from pathlib import Path

from netmon.config.models import StoreSettings
from netmon.db.owner import DatabaseOwner
from netmon.db.url import database_url
from netmon.fleet.record import extend_observed, last_observed_ns, observed

S = 1_000_000_000
MIN = 60 * S


def test_a_skipped_cycle_keeps_the_span_a_stopped_netmon_breaks_it(tmp_path: Path) -> None:
    owner = DatabaseOwner(database_url(StoreSettings(path=tmp_path / "n.db")))
    try:
        def look(start_min: int) -> None:  # one cycle at `start_min`, standing for a minute
            span = (start_min * MIN, (start_min + 1) * MIN)
            owner.run(lambda conn: extend_observed(conn, "poller-1", span))

        for minute in (0, 1, 2, 4, 5):  # the cycle of minute 3 was skipped
            look(minute)
        for minute in (30, 31):  # netmon was stopped from minute 6 to 30
            look(minute)
        spans = owner.run(lambda conn: observed(conn, 0, 60 * MIN))
        assert spans == [(0, 6 * MIN), (30 * MIN, 32 * MIN)]
        assert owner.run(lambda conn: observed(conn, MIN // 2, 31 * MIN)) == [
            (MIN // 2, 6 * MIN), (30 * MIN, 31 * MIN)]  # clipped to the period
        assert owner.run(last_observed_ns) == 32 * MIN
    finally:
        owner.close()
