"""The silent-AP detector on replayed weeks: how late it pages, how often it pages for nothing.

A town of APs (netmon/sim/usage_history.py: an hour-of-week shape, per-AP scale, quiet days,
Poisson looks) is learnt over HISTORY_WEEKS weeks, then LIVE_WEEKS weeks are replayed through
the real OutageTracker at a 5-minute interval. Every AP gets one 3-hour silence (0 clients) at
a random daytime hour; the live weeks hold a public holiday (11 November) nobody told netmon
about. The baseline is learnt with netmon.service.baseline.learn from the hourly means of the
history (the store's rollups give the same means; tests/test_service_replay.py learns through
a real store). Run from the repository root:

    .venv/bin/python -m bench.bench_silent
"""

from __future__ import annotations

import random
import statistics
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from netmon.alerts.maintenance import MaintenanceCalendar
from netmon.alerts.tracker import OutageTracker
from netmon.config.models import NetmonConfig
from netmon.observation import ApObservation
from netmon.service.baseline import NS_PER_HOUR, learn
from netmon.sim.usage_history import TownUsage

PARIS = ZoneInfo("Europe/Paris")
NS = 1_000_000_000
APS = 60
HISTORY_WEEKS, LIVE_WEEKS = 6, 4
POLL_S = 300
SILENCE_H = 3
HOLIDAY = date(2026, 11, 11)  # Armistice: a Wednesday of the live weeks
HISTORY_FROM = datetime(2026, 9, 21, tzinfo=PARIS)  # a Monday
SQUARE = [[5.90, 45.68], [5.92, 45.68], [5.92, 45.70], [5.90, 45.70]]


def _config() -> NetmonConfig:
    return NetmonConfig.model_validate({
        "site": "bench", "timezone": "Europe/Paris", "store": {"path": "/nonexistent/db"},
        "zones": [{"id": f"z{z}", "name": f"Zone {z}", "polygon": SQUARE} for z in range(6)],
        "aps": [{"id": f"ap-{i:03d}", "name": f"AP {i}", "zone": f"z{i % 6}", "lat": 45.69,
                 "lon": 5.91, "host": "127.0.0.1", "port": 20000 + i,
                 "credentials": {"version": "2c", "community": "public"}}
                for i in range(APS)]})


def run(swing: float) -> list[str]:
    """The figures of one replay, days up to `swing` quieter than usual."""
    config = _config()
    aps = [ap.id for ap in config.aps]
    start = int(HISTORY_FROM.timestamp()) * NS
    # Local midnights: the weeks cross the end of summer time.
    live_day = HISTORY_FROM + timedelta(weeks=HISTORY_WEEKS)
    live_from = int(live_day.timestamp()) * NS
    live_to = int((live_day + timedelta(weeks=LIVE_WEEKS)).timestamp()) * NS
    usage = TownUsage(PARIS, seed=11, holidays=frozenset({HOLIDAY}), weather_swing=swing)
    hours = []
    for hour in range(start, live_from, NS_PER_HOUR):
        for ap in aps:  # the hour's mean, as the 1 h rollup of 10-minute looks gives it
            counts = [usage.clients(ap, hour + k * 600 * NS) for k in range(6)]
            hours.append((ap, hour, sum(counts) / 6))
    baseline = learn(hours, PARIS, config.alerts.service.min_weeks, live_from)
    rng = random.Random(5)
    silences = {}
    for ap in aps:
        day = live_day + timedelta(days=rng.randrange(LIVE_WEEKS * 7))
        local = day.replace(hour=rng.randrange(9, 17))
        begin = int(local.timestamp()) * NS
        silences[ap] = (begin, begin + SILENCE_H * NS_PER_HOUR)
    tracker = OutageTracker(config, MaintenanceCalendar([], config.timezone))
    tracker.service.baseline = baseline
    pages: list[tuple[str, int]] = []
    next_id = 1
    t = live_from
    while t < live_to:
        looks = []
        for ap in aps:
            silent = silences[ap][0] <= t < silences[ap][1]
            looks.append(ApObservation(ap, f"z{int(ap[3:]) % 6}", True, (), uptime_s=1e3,
                                       clients=0 if silent else usage.clients(ap, t)))
        decision = tracker.decide(looks, t)
        opened = sum(1 for i in decision.incidents if i < 0)
        decision = decision.with_ids(next_id)  # as the commit numbers them
        next_id += opened
        tracker.adopt(decision)
        pages += [(n.subject_id, n.time_ns) for n in decision.notices if n.kind == "silent"]
        t += POLL_S * NS
    delays, false_alarms, holiday_alarms = [], 0, 0
    for ap, when in pages:
        begin, end = silences[ap]
        if begin <= when <= end:
            delays.append((when - begin) / NS / 60)
        else:
            false_alarms += 1
            holiday_alarms += int(datetime.fromtimestamp(when / NS, PARIS).date() == HOLIDAY)
    paged = {ap for ap, when in pages if silences[ap][0] <= when <= silences[ap][1]}
    missed = [(ap, datetime.fromtimestamp(silences[ap][0] / NS, PARIS)) for ap in aps
              if ap not in paged]
    floor = config.alerts.service.min_expected_clients
    judged = sum(1 for ap in aps
                 if (e := baseline.expected(ap, silences[ap][0])) is not None and e.low >= floor)
    ap_weeks = APS * LIVE_WEEKS
    return [
        f"| {swing:.0%} | {len(silences)} | {judged} | {len(delays)} | "
        f"{min(delays, default=0):.0f} / {statistics.median(delays) if delays else 0:.0f} / "
        f"{max(delays, default=0):.0f} | {false_alarms} | {false_alarms / ap_weeks:.4f} | "
        f"{holiday_alarms} | " + ", ".join(f"{ap} {when:%a %d/%m %H:%M}" for ap, when in missed)
        + " |"]


def main() -> None:
    service = _config().alerts.service
    lines = [
        "# Silent-AP detector on replayed weeks (bench/bench_silent.py)", "",
        f"{APS} APs in 6 zones, {HISTORY_WEEKS} weeks learnt, {LIVE_WEEKS} weeks replayed at a "
        f"{POLL_S // 60}-minute interval, one {SILENCE_H} h silence (0 clients) per AP at a "
        f"daytime hour, an unannounced holiday ({HOLIDAY}) in the live weeks, each day up to "
        "the swing quieter than usual (weather). Defaults: silent after "
        f"{service.silent_after_min:g} min of hours whose lower quartile expects at least "
        f"{service.min_expected_clients:g} clients; no silence counted while the town holds "
        f"less than {service.quiet_town_ratio:.0%} of what it expects.", "",
        "| quieter days, up to | silences | in an hour expecting clients | paged | "
        "delay min / median / max (min) | false alarms | per AP-week | on the holiday | "
        "not paged (all on the holiday: a quiet town pauses the count, by design) |",
        "|---:|---:|---:|---:|---|---:|---:|---:|---|",
        *run(0.5), *run(0.8)]
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(__file__).with_name("results") / f"{date.today()}-silent.md"
    out.write_text(text)


if __name__ == "__main__":
    main()
