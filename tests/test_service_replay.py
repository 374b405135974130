"""Silent APs and capacity on replayed weeks: the baseline is learnt from a real store, the
live days go through the committed tracker, and each fault is paged once, on time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry

from netmon.alerts.notice import Notice
from netmon.config.models import NetmonConfig
from netmon.db.owner import DatabaseOwner
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.observation import ApObservation
from netmon.sample import Sample
from netmon.service.baseline import ClientBaseline, learn_from_store
from netmon.sim.usage_history import TownUsage
from netmon.store.reader import SampleReader
from netmon.store.writer import SampleStore
from netmon.web.app import create_app
from netmon.web.status.reader import StatusReader
from netmon.web.status.router import status_router
from tests.alerts_support.fleet import CENTRE, NS, PARIS, PORT, at, town
from tests.alerts_support.ledger import CommittedTracker, MakeTracker, tracker_for

__all__ = ["tracker_for"]  # a fixture

MIN = 60 * NS
HISTORY_STEP_S = 600
POLL_S = 300
LIVE = "2026-11-09"  # a Monday, after five weeks of history
HISTORY_FROM = "2026-10-05 00:00"
HOLIDAY = date(2026, 10, 20)  # a Tuesday of the history: a holiday must not lower Tuesdays
USAGE = TownUsage(PARIS, seed=7, holidays=frozenset({HOLIDAY}))
ALL = CENTRE + PORT


def zone_of(ap: str) -> str:
    return "centre" if ap in CENTRE else "grand-port"


def fill_history(config: NetmonConfig, start_ns: int, end_ns: int) -> None:
    """Weeks of `ap` points as a poller would have written them, packed and rolled up."""
    owner = DatabaseOwner(database_url(config.store))
    store = SampleStore(owner, config.store)
    try:
        batch: list[Sample] = []
        for t, ap, clients in USAGE.looks(ALL, start_ns, end_ns, HISTORY_STEP_S):
            batch.append(Sample("ap", {"ap": ap, "zone": zone_of(ap)},
                                {"up": 1, "clients": clients}, t))
            if len(batch) >= 5000:
                store.write(batch)
                batch = []
        store.write(batch)
        store.flush_and_wait()
        store.maintain(end_ns)
    finally:
        store.close()
        owner.close()


def learnt(config: NetmonConfig, now_ns: int) -> ClientBaseline:
    reader = DatabaseReader(database_url(config.store))
    try:
        service = config.alerts.service
        return learn_from_store(SampleReader(reader, config.store), PARIS,
                                service.history_weeks, service.min_weeks, now_ns)
    finally:
        reader.close()


@dataclass
class Live:
    """Who does what in the live days, besides the usual public."""

    silent: dict[str, tuple[str, str]]  # AP -> (from, to) with 0 clients
    radios_down: dict[str, tuple[str, str]]
    crowded: dict[str, tuple[str, str]]  # AP -> (from, to) with 80 clients
    usage: TownUsage = USAGE

    def reading(self, ap: str, t: int) -> ApObservation:
        def within(span: tuple[str, str] | None) -> bool:
            return span is not None and at(span[0]) <= t < at(span[1])

        clients = self.usage.clients(ap, t)
        if within(self.silent.get(ap)):
            clients = 0
        if within(self.crowded.get(ap)):
            clients = 80
        radios = ("SSID Aix-Wifi-Gratuit (5 GHz)",) if within(self.radios_down.get(ap)) else ()
        return ApObservation(ap, zone_of(ap), True, (), uptime_s=1000.0, clients=clients,
                             radios_down=radios)


def replay(tracker: CommittedTracker, live: Live, start: str, end: str) -> None:
    t, stop = at(start), at(end)
    while t < stop:
        tracker.observe([live.reading(ap, t) for ap in ALL], t)
        t += POLL_S * NS


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One store with five weeks of the whole town, copied by each test."""
    db = tmp_path_factory.mktemp("history") / "netmon.db"
    fill_history(town(db), at(HISTORY_FROM), at(f"{LIVE} 00:00"))
    yield db


def copy_of(history: Path, tmp_path: Path) -> NetmonConfig:
    db = tmp_path / "netmon.db"
    db.write_bytes(history.read_bytes())
    return town(db)


def pages(sent: list[Notice], *kinds: str) -> list[Notice]:
    return [n for n in sent if n.kind in kinds]


def test_baseline_expects_the_day_not_the_night_and_ignores_one_holiday(
        history: Path, tmp_path: Path) -> None:
    config = copy_of(history, tmp_path)
    baseline = learnt(config, at(f"{LIVE} 00:00"))
    busiest = max(CENTRE, key=USAGE.scale)
    noon, night = baseline.expected(busiest, at(f"{LIVE} 13:00")), \
        baseline.expected(busiest, at(f"{LIVE} 03:00"))
    assert noon is not None and night is not None and noon.weeks == night.weeks == 5
    assert noon.low >= config.alerts.service.min_expected_clients
    assert night.median < 1
    # The holiday Tuesday is one of five: Tuesday's lower quartile still expects clients.
    tuesday = baseline.expected(busiest, at("2026-11-10 13:00"))
    assert tuesday is not None and tuesday.low >= config.alerts.service.min_expected_clients
    assert min(tuesday.low, noon.low) > 3 * USAGE.scale(busiest) * 0.05


def test_silent_ap_paged_once_within_the_delay_and_never_at_night(
        history: Path, tmp_path: Path, tracker_for: MakeTracker) -> None:
    config = copy_of(history, tmp_path)
    busiest = max(CENTRE, key=USAGE.scale)
    crowded = next(a for a in CENTRE if a != busiest)
    radio = next(a for a in CENTRE if a not in (busiest, crowded))
    live = Live(silent={busiest: (f"{LIVE} 10:00", f"{LIVE} 15:00")},
                radios_down={radio: (f"{LIVE} 14:00", f"{LIVE} 14:30")},
                crowded={crowded: (f"{LIVE} 18:00", f"{LIVE} 18:40")})
    sent: list[Notice] = []
    tracker = tracker_for(config, sent)
    tracker.tracker.service.baseline = learnt(config, at(f"{LIVE} 00:00"))
    # Two days and two nights: 0 clients at night is normal and must never page.
    replay(tracker, live, f"{LIVE} 00:00", "2026-11-11 00:00")
    silent = pages(sent, "silent", "silent_end")
    assert [(n.kind, n.subject_id) for n in silent] == [
        ("silent", busiest), ("silent", radio), ("silent_end", radio),
        ("silent_end", busiest)]
    delay_s = (silent[0].time_ns - at(f"{LIVE} 10:00")) / NS
    after = config.alerts.service.silent_after_min * 60
    assert after <= delay_s <= after + POLL_S  # the documented delay
    assert silent[0].since_ns == at(f"{LIVE} 10:00") and silent[0].severity == "warning"
    assert silent[0].cause is not None and "expect clients" in silent[0].cause
    assert silent[3].time_ns == at(f"{LIVE} 15:00")
    # The radio out of service: two polls, named in the page, back when it is.
    assert silent[1].time_ns == at(f"{LIVE} 14:05") and silent[1].since_ns == at(f"{LIVE} 14:00")
    assert silent[1].cause is not None and "SSID Aix-Wifi-Gratuit (5 GHz)" in silent[1].cause
    assert silent[2].time_ns == at(f"{LIVE} 14:30")
    # Capacity: a notice (info, not a page by default) after 15 min, and its end.
    load = pages(sent, "overload", "overload_end")
    assert [(n.kind, n.subject_id, n.severity) for n in load] == [
        ("overload", crowded, "info"), ("overload_end", crowded, "info")]
    assert load[0].time_ns == at(f"{LIVE} 18:15")
    assert load[0].cause is not None and "80 clients" in load[0].cause
    assert not pages(sent, "zone_silent", "zone_overload")
    # Nothing else was said: no outage, no silent AP at night.
    assert {n.kind for n in sent} <= {"silent", "silent_end", "overload", "overload_end"}


def test_a_whole_zone_silent_is_one_zone_page(
        history: Path, tmp_path: Path, tracker_for: MakeTracker) -> None:
    config = copy_of(history, tmp_path)
    live = Live(silent={ap: (f"{LIVE} 11:00", f"{LIVE} 12:30") for ap in CENTRE},
                radios_down={}, crowded={})
    sent: list[Notice] = []
    tracker = tracker_for(config, sent)
    tracker.tracker.service.baseline = learnt(config, at(f"{LIVE} 00:00"))
    replay(tracker, live, f"{LIVE} 09:00", f"{LIVE} 14:00")
    assert [(n.kind, n.subject_id) for n in sent] == [
        ("zone_silent", "centre"), ("zone_silent_end", "centre")]
    assert sent[0].severity == "critical" and sent[0].down is not None and \
        sent[0].down * 2 >= len(CENTRE)


def test_too_little_history_judges_nothing(tmp_path: Path, tracker_for: MakeTracker) -> None:
    config = town(tmp_path / "netmon.db")
    fill_history(config, at("2026-10-26 00:00"), at(f"{LIVE} 00:00"))  # two weeks < min_weeks
    busiest = max(CENTRE, key=USAGE.scale)
    sent: list[Notice] = []
    tracker = tracker_for(config, sent)
    baseline = learnt(config, at(f"{LIVE} 00:00"))
    assert baseline.aps == len(ALL) and baseline.expected(busiest, at(f"{LIVE} 13:00")) is None
    tracker.tracker.service.baseline = baseline
    replay(tracker, Live({busiest: (f"{LIVE} 10:00", f"{LIVE} 15:00")}, {}, {}),
           f"{LIVE} 09:00", f"{LIVE} 16:00")
    assert not sent


def test_an_unannounced_holiday_pages_nobody_but_a_radio_still_does(
        history: Path, tmp_path: Path, tracker_for: MakeTracker) -> None:
    config = copy_of(history, tmp_path)
    holiday = TownUsage(PARIS, seed=7, holidays=frozenset({date(2026, 11, 11)}))
    radio = CENTRE[0]
    live = Live({}, {radio: ("2026-11-11 15:00", "2026-11-11 15:20")}, {}, holiday)
    sent: list[Notice] = []
    tracker = tracker_for(config, sent)
    tracker.tracker.service.baseline = learnt(config, at(f"{LIVE} 00:00"))
    # The whole town near 0 clients all day long, in hours its history expects many.
    replay(tracker, live, "2026-11-11 08:00", "2026-11-11 20:00")
    assert [(n.kind, n.subject_id) for n in sent] == [("silent", radio), ("silent_end", radio)]
    ratio = tracker.tracker.service.town_ratio
    assert ratio is not None and ratio < config.alerts.service.quiet_town_ratio


def test_the_status_page_and_api_show_the_silent_ap(
        history: Path, tmp_path: Path, tracker_for: MakeTracker) -> None:
    config = copy_of(history, tmp_path)
    busiest = max(CENTRE, key=USAGE.scale)
    live = Live({busiest: (f"{LIVE} 10:00", f"{LIVE} 12:00")}, {}, {})
    sent: list[Notice] = []
    tracker = tracker_for(config, sent)
    tracker.tracker.service.baseline = learnt(config, at(f"{LIVE} 00:00"))
    replay(tracker, live, f"{LIVE} 09:00", f"{LIVE} 11:00")
    last = at(f"{LIVE} 11:00") - POLL_S * NS
    owner = DatabaseOwner(database_url(config.store))
    store = SampleStore(owner, config.store)
    try:  # the newest poll of every AP, as the monitor writes it
        store.write([Sample("ap", {"ap": ap, "zone": zone_of(ap)},
                            {"up": 1, "clients": live.reading(ap, last).clients or 0}, last)
                     for ap in ALL])
        store.flush_and_wait()
    finally:
        store.close()
        owner.close()
    reader = DatabaseReader(database_url(config.store))
    try:
        status = StatusReader(config, reader, SampleReader(reader, config.store))
        aps = {a.id: a for a in status.aps(last + NS)}
        assert aps[busiest].status == "up" and aps[busiest].silent
        assert not any(a.silent for a in aps.values() if a.id != busiest)
        current = status.incidents(last + NS, open_only=True, limit=10)
        assert [(i.kind, i.subject) for i in current] == [("silent", busiest)]
    finally:
        reader.close()


def test_the_status_page_shows_usage_by_hour_of_week_in_both_languages(
        history: Path, tmp_path: Path) -> None:
    config = copy_of(history, tmp_path)
    reader = DatabaseReader(database_url(config.store))
    try:
        app = create_app(CollectorRegistry(), [status_router(
            config, reader, SampleReader(reader, config.store))])
        client = TestClient(app)
        assert 'href="usage?lang=' in client.get("/").text
        pages = {lang: client.get("/usage", params={"days": 91, "lang": lang})
                 for lang in ("fr", "en")}
    finally:
        reader.close()
    assert all(p.status_code == 200 for p in pages.values())
    fr, en = pages["fr"].text, pages["en"].text
    assert "Par heure de la semaine" in fr and "By hour of the week" in en
    assert "octobre 2026" in fr and "October 2026" in en
    # The centre's busiest hour of the week: a weekend lunchtime (the town's usage shape).
    grid = en.split('id="heatmap-centre"')[1].split("</table>")[0]
    rows = [r for r in grid.split("<tr>")[2:]]
    shades = [[float(c.split('"')[0]) for c in row.split('data-shade="')[1:]] for row in rows]
    day, hour = max(((d, h) for d in range(7) for h in range(24)),
                    key=lambda dh: shades[dh[0]][dh[1]])
    assert day in (5, 6) and hour in (12, 13) and shades[day][hour] == 1.0
    assert min(shades[0][2:5]) < 0.05  # Monday night: next to no one
    assert 'id="usage-top_aps"' in en and 'id="usage-months"' in en
