"""A small two-zone town for alert tests, and synthetic poll results over simulated time."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from netmon.config.models import NetmonConfig
from netmon.observation import ApObservation

PARIS = ZoneInfo("Europe/Paris")
NS = 1_000_000_000
CENTRE = [f"centre-{i:02d}" for i in range(1, 11)]
PORT = [f"port-{i:02d}" for i in range(1, 7)]
SQUARE = [[5.90, 45.68], [5.92, 45.68], [5.92, 45.70], [5.90, 45.70]]


def town(db: Path, **extra: Any) -> NetmonConfig:
    """10 APs in the centre (direct), 6 at the Grand Port (through controller wlc-port)."""
    return NetmonConfig.model_validate(town_doc(db, **extra))


def town_doc(db: Path, **extra: Any) -> dict[str, Any]:
    """The document of `town()`, to write as a YAML file."""
    creds = {"version": "2c", "community": "public"}
    aps: list[dict[str, Any]] = [
        {"id": a, "name": f"Centre {a[-2:]}", "zone": "centre", "lat": 45.69, "lon": 5.91,
         "host": "127.0.0.1", "port": 20000 + i, "credentials": creds,
         "address": "Place Carnot, 73100 Aix-les-Bains"}
        for i, a in enumerate(CENTRE, 1)]
    aps += [{"id": a, "name": f"Grand Port {a[-2:]}", "zone": "grand-port", "lat": 45.699,
             "lon": 5.888, "controller": "wlc-port"} for a in PORT]
    doc: dict[str, Any] = {
        "site": "Aix-les-Bains", "timezone": "Europe/Paris", "store": {"path": str(db)},
        "zones": [{"id": "centre", "name": "Centre-ville", "polygon": SQUARE},
                  {"id": "grand-port", "name": "Grand Port", "polygon": SQUARE}],
        "controllers": [{"id": "wlc-port", "name": "WLC", "host": "127.0.0.1", "port": 20100,
                         "profile": "cisco-wlc", "credentials": creds}],
        "aps": aps, **extra}
    return doc


def at(text: str) -> int:
    """'2026-11-03 06:10' in Paris -> ns since the epoch."""
    return int(datetime.fromisoformat(text).replace(tzinfo=PARIS).timestamp()) * NS


def reading(ap: str, up: bool, rebooted: bool = False, error: str | None = None) -> ApObservation:
    zone = "centre" if ap.startswith("centre") else "grand-port"
    if not up and error is None:
        error = f"{ap} 127.0.0.1:161: no answer" if zone == "centre" else \
            "wlc-port 127.0.0.1:20100: no complete answer within 8 s"
    return ApObservation(ap, zone, up, (), error=error, rebooted=rebooted,
                     uptime_s=5.0 if rebooted else 1000.0)
