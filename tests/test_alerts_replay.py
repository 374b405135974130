"""A replayed day through the OutageTracker yields exactly the expected notices."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from netmon.alerts.notice import Notice
from netmon.config.models import NetmonConfig
from tests.alerts_support.fleet import CENTRE, NS, PORT, at, reading, town
from tests.alerts_support.ledger import CommittedTracker, MakeTracker, tracker_for

POLL_S = 60
DAY = "2026-11-03"  # a Tuesday


__all__ = ["tracker_for"]  # a fixture

def is_up(ap: str, t: int) -> bool:
    """Who answers at simulated time t."""
    def within(a: str, b: str) -> bool:
        return at(f"{DAY} {a}") <= t < at(f"{DAY} {b}")

    if ap == "centre-01":  # a single lost poll three times a day: within tolerance
        return not any(within(h, h[:3] + "01") for h in ("03:00", "09:00", "15:00"))
    if ap == "centre-02" and within("10:00", "10:30"):  # flapping: every other poll lost
        return (t // (POLL_S * NS)) % 2 == 0
    if ap == "centre-04":  # down during its Tuesday maintenance window
        return not within("06:10", "06:40")
    if ap in PORT:  # the Grand Port backhaul fails
        return not within("14:00", "14:20")
    if ap == "centre-05":  # a real single-AP outage
        return not within("16:00", "16:45")
    return True


def replay(tracker: CommittedTracker, start: str, end: str,
           up: Callable[[str, int], bool] = is_up) -> None:
    t, stop = at(f"{DAY} {start}"), at(f"{DAY} {end}")
    while t < stop:
        rebooted = t == at(f"{DAY} 12:00")
        tracker.observe([reading(ap, up(ap, t), rebooted and ap == "centre-03")
                         for ap in CENTRE + PORT], t)
        t += POLL_S * NS


def day_config(tmp_path: Path) -> NetmonConfig:
    return town(tmp_path / "netmon.db", maintenance=[
        {"ap": "centre-04", "every": "tuesday 06:00-07:00", "timezone": "Europe/Paris"}])


def summary(sent: list[Notice]) -> list[tuple[str, str, str]]:
    return [(n.kind, n.subject_id, n.status) for n in sent]


def test_replayed_day_pages_once_per_real_outage(tmp_path: Path, tracker_for: MakeTracker) -> None:
    config = day_config(tmp_path)
    sent: list[Notice] = []
    tracker = tracker_for(config, sent)
    replay(tracker, "00:00", "23:59")
    assert summary(sent) == [
        ("flapping", "centre-02", "firing"),
        ("flapping_end", "centre-02", "resolved"),
        ("zone_down", "grand-port", "firing"),
        ("zone_up", "grand-port", "resolved"),
        ("ap_down", "centre-05", "firing"),
        ("ap_up", "centre-05", "resolved"),
    ]
    zone_down, zone_up = sent[2], sent[3]
    assert (zone_down.down, zone_down.total) == (6, 6)
    assert zone_down.cause is not None and "controller wlc-port" in zone_down.cause
    assert zone_up.duration_s is not None and 19 * 60 <= zone_up.duration_s <= 21 * 60
    down, recovered = sent[4], sent[5]
    assert down.since_ns == at(f"{DAY} 16:00")
    assert down.time_ns == at(f"{DAY} 16:01")  # the second failed poll
    assert recovered.duration_s == 45 * 60
    flapping = sent[0]
    assert flapping.time_ns < at(f"{DAY} 10:10")


def test_replayed_day_records_every_incident(tmp_path: Path, tracker_for: MakeTracker) -> None:
    config = day_config(tmp_path)
    sent: list[Notice] = []
    tracker = tracker_for(config, sent)
    replay(tracker, "00:00", "23:59")
    incidents = tracker.overlapping(at(f"{DAY} 00:00"), at(f"{DAY} 23:59"),
                                 ("ap_down", "zone_down", "flapping"))
    planned = [i for i in incidents if i.planned]
    assert [(i.kind, i.subject) for i in planned] == [("ap_down", "centre-04")]
    assert planned[0].duration_s == 30 * 60 and not planned[0].paged
    zone = next(i for i in incidents if i.kind == "zone_down")
    grouped = [i for i in incidents if i.parent_id == zone.id]
    assert sorted(i.subject for i in grouped) == PORT
    assert not any(i.paged for i in grouped)
    # Single lost polls are no incident at all; the reboot is an event, not an incident.
    assert not [i for i in incidents if i.subject in ("centre-01", "centre-03")]
    reboots = tracker.events("rebooted")
    assert [(e.ap, e.time_ns) for e in reboots] == [("centre-03", at(f"{DAY} 12:00"))]


def test_restart_mid_outage_no_second_page_and_recovery_sent(
        tmp_path: Path, tracker_for: MakeTracker) -> None:
    config = day_config(tmp_path)
    sent: list[Notice] = []
    replay(tracker_for(config, sent), "15:50", "16:10")
    assert summary(sent) == [("ap_down", "centre-05", "firing")]
    after: list[Notice] = []
    replay(tracker_for(config, after), "16:10", "17:00")  # a new process, the same file
    assert summary(after) == [("ap_up", "centre-05", "resolved")]
    assert after[0].since_ns == at(f"{DAY} 16:00") and after[0].duration_s == 45 * 60


def test_reminders_while_down(tmp_path: Path, tracker_for: MakeTracker) -> None:
    config = town(tmp_path / "netmon.db", alerts={"reminder_every_min": 60})
    sent: list[Notice] = []
    tracker = tracker_for(config, sent)

    def dead(ap: str, t: int) -> bool:
        return ap != "centre-07" or t < at(f"{DAY} 08:00")

    replay(tracker, "07:58", "10:30", dead)
    assert [(n.kind, n.reminder) for n in sent] == [("ap_down", 0), ("ap_down", 1),
                                                   ("ap_down", 2)]
    assert sent[1].time_ns - sent[0].time_ns == 3600 * NS


def test_outage_outlasting_maintenance_is_paged_when_window_ends(
        tmp_path: Path, tracker_for: MakeTracker) -> None:
    config = town(tmp_path / "netmon.db", maintenance=[
        {"zone": "centre", "start": f"{DAY}T06:00:00+01:00", "end": f"{DAY}T07:00:00+01:00"}])
    sent: list[Notice] = []

    def overrun(ap: str, t: int) -> bool:
        return ap != "centre-09" or t < at(f"{DAY} 06:30")

    replay(tracker_for(config, sent), "05:55", "07:30", overrun)
    assert summary(sent) == [("ap_down", "centre-09", "firing")]
    assert sent[0].time_ns == at(f"{DAY} 07:00") and sent[0].note == "maintenance_over"
    assert sent[0].since_ns == at(f"{DAY} 06:30")
