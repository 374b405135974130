"""A made-up fleet with a history: config, polls in the store, incidents and fibre figures.

Used by the map/report tests (small) and bench/bench_geo.py (200 APs x 60 days).
"""

from __future__ import annotations

import math
import random
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection

from netmon.alerts import incidents
from netmon.alerts.incidents import Incident
from netmon.config.models import NetmonConfig
from netmon.db.owner import DatabaseOwner
from netmon.db.url import database_url
from netmon.fibre import history
from netmon.fibre.milestone import Milestone
from netmon.fleet.record import extend_observed, save_states
from netmon.fleet.states import ApDurable
from netmon.sample import Sample
from netmon.store.session import write_session

NS = 1_000_000_000
# Two square districts near Aix-les-Bains city hall, 1 km apart (WGS84).
ZONE_ORIGINS = {"nord": (5.905, 45.690), "sud": (5.905, 45.678)}
ZONE_SIZE_DEG = (0.012, 0.008)


def fleet_config(folder: Path, aps: int, language: str = "fr",
                 extra: dict[str, Any] | None = None) -> Path:
    """netmon.yaml with two zones and `aps` APs on a grid inside them."""
    zones = []
    for zone_id, (lon, lat) in ZONE_ORIGINS.items():
        w, h = ZONE_SIZE_DEG
        zones.append({"id": zone_id, "name": f"Quartier {zone_id}", "polygon": [
            [lon, lat], [lon + w, lat], [lon + w, lat + h], [lon, lat + h]]})
    side = math.ceil(math.sqrt(max(aps // 2, 1)))
    ap_list = []
    for i in range(aps):
        zone_id = list(ZONE_ORIGINS)[i % 2]
        lon, lat = ZONE_ORIGINS[zone_id]
        k = i // 2
        ap_list.append({
            "id": f"ap-{i:05d}", "name": f"Borne {i}", "zone": zone_id,
            "lat": round(lat + ZONE_SIZE_DEG[1] * ((k // side) + 0.5) / side, 6),
            "lon": round(lon + ZONE_SIZE_DEG[0] * ((k % side) + 0.5) / side, 6),
            "host": "127.0.0.1", "port": 10000 + i % 50000,
            "placement": "indoor" if i % 5 == 0 else "outdoor"})
    doc: dict[str, Any] = {
        "site": "Ville test", "language": language, "timezone": "Europe/Paris",
        "store": {"path": "netmon.db"},
        "defaults": {"credentials": {"version": "2c", "community": "public"}},
        "fibre": {"communes": ["73008"],
                  "plan": [{"zone": "nord", "date": "2025-12-31", "connectable_pct": 100}]},
        "zones": zones, "aps": ap_list, **(extra or {})}
    path = folder / "netmon.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def clients_at(hour: float, rng: random.Random) -> int:
    """A day's shape: quiet at night, busy at lunch and in the early evening."""
    level = 1.0 + 6.0 * math.exp(-((hour - 12.5) / 2.0) ** 2) \
        + 9.0 * math.exp(-((hour - 18.0) / 2.0) ** 2)
    return max(0, int(rng.gauss(level, 1.0)))


def write_polls(config: NetmonConfig, start_ns: int, end_ns: int, step_s: int,
                down: dict[str, tuple[int, int]] | None = None, seed: int = 6) -> int:
    """`ap` samples (up, clients) every step_s for every AP; `down`: AP -> [start, end) ns.

    Also what the tracker would have committed: netmon watched [start, end), and each AP's
    state is the one of its last poll.
    """
    rng = random.Random(seed)
    down = down or {}
    written = 0
    last: dict[str, bool] = {}
    with write_session(config.store) as session:
        store = session.store
        tags = [{"ap": ap.id, "ap_name": ap.name, "zone": ap.zone, "site": ap.site or "",
                 "vendor": "test", "model": "test"} for ap in config.aps]
        for t in range(start_ns, end_ns, step_s * NS):
            hour = ((t // NS + 3600) % 86_400) / 3600.0  # Paris winter time is close enough
            batch = []
            for ap, ap_tags in zip(config.aps, tags, strict=True):
                window = down.get(ap.id)
                is_down = window is not None and window[0] <= t < window[1]
                fields: dict[str, float | int | bool | str] = {"up": 0} if is_down else \
                    {"up": 1, "clients": clients_at(hour, rng)}
                batch.append(Sample("ap", ap_tags, fields, t))
                last[ap.id] = not is_down
            store.write(batch)
            written += len(batch)
        store.flush()
        store.maintain(end_ns)

        def watched(conn: Connection) -> None:
            extend_observed(conn, "history", (start_ns, end_ns))
            save_states(conn, {a: ApDurable("up" if up else "down", start_ns)
                               for a, up in last.items()}, {}, end_ns)

        session.owner.run(watched)
    return written


def write_incidents(config: NetmonConfig, down: dict[str, tuple[int, int]]) -> None:
    """One ap_down incident per AP of `down`, as the tracker records them."""
    names = {ap.id: ap for ap in config.aps}

    def record(conn: Connection) -> None:
        for ap_id, (start, end) in down.items():
            incident = Incident(incidents.next_id(conn), "ap_down", ap_id, names[ap_id].zone,
                                start, end, f"{ap_id}: timeout", "warning", False, paged=True)
            incidents.save(conn, incident, new=True)

    owner = DatabaseOwner(database_url(config.store))
    try:
        owner.run(record)
    finally:
        owner.close()


def write_fibre(config: NetmonConfig) -> None:
    """Quarterly milestones 2020-2026 for both districts and the commune."""
    milestones = []
    for year in range(2020, 2027):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            when = date(year, month, day)
            if when > date(2026, 9, 30):
                break
            progress = min(1.0, 0.3 + 0.1 * (year - 2020) + 0.025 * (month // 3))
            for zone, total in (("nord", 3000), ("sud", 1200), ("73008", 24000)):
                share = progress if zone != "sud" else progress * 0.8
                milestones.append(Milestone(when, zone, "all", "milestones", total,
                                            int(total * min(share, 1.0))))
    owner = DatabaseOwner(database_url(config.store))
    try:
        owner.run(lambda conn: history.record(conn, milestones, "test", 0, None, "test"))
    finally:
        owner.close()
