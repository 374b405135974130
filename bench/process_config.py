"""The YAML config the whole-process benchmark gives `netmon run`, as an operator writes one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bench.agents import COMMUNITY

# Zones are squares on a grid around Aix-les-Bains' city hall, ZONE_SIDE_DEG wide.
ORIGIN_LON, ORIGIN_LAT = 5.90, 45.68
ZONE_SIDE_DEG = 0.005
ZONES_PER_ROW = 5
# The shipped profile an operator uses for a net-snmp agent: `netmon run` loads the shipped
# profiles only, so bench/profiles/bench-ap.yaml is out of its reach.
PROFILE = "generic"


def _zone(n: int) -> dict[str, Any]:
    lon = ORIGIN_LON + (n % ZONES_PER_ROW) * ZONE_SIDE_DEG
    lat = ORIGIN_LAT + (n // ZONES_PER_ROW) * ZONE_SIDE_DEG
    side = ZONE_SIDE_DEG
    return {"id": f"zone-{n:02d}", "name": f"Zone {n}",
            "polygon": [[lon, lat], [lon + side, lat], [lon + side, lat + side],
                        [lon, lat + side]]}


def _ap(ap_id: str, n: int, port: int, zones: int) -> dict[str, Any]:
    zone = n % zones
    # Spread over the zone's square so maps and coverage see distinct points.
    step = ZONE_SIDE_DEG / 100
    lon = ORIGIN_LON + (zone % ZONES_PER_ROW) * ZONE_SIDE_DEG + (n // zones % 100) * step
    lat = ORIGIN_LAT + (zone // ZONES_PER_ROW) * ZONE_SIDE_DEG + (n // zones // 100 % 100) * step
    return {"id": ap_id, "name": ap_id, "zone": f"zone-{zone:02d}", "lat": round(lat, 6),
            "lon": round(lon, 6), "host": "127.0.0.1", "port": port}


def process_config(ports: list[int], dead_ports: list[int], zones: int, interval_s: int,
                   store: Path, listen: str, hook_url: str) -> dict[str, Any]:
    """`ports`: APs with an agent; `dead_ports`: APs whose port no agent answers (they page)."""
    aps = [_ap(f"ap-{n:05d}", n, port, zones) for n, port in enumerate(ports)]
    # Dead APs spread over the zones, so no zone loses enough APs to be down itself.
    aps += [_ap(f"ap-dead-{n:03d}", n, port, zones) for n, port in enumerate(dead_ports)]
    return {
        "site": "netmon bench",
        "poll": {"interval_s": interval_s},
        "store": {"path": str(store)},
        "http": {"listen": listen},
        "status_page": {"enabled": True},
        "alerts": {"webhooks": [{"url": hook_url, "name": "bench"}]},
        "defaults": {"profile": PROFILE,
                     "credentials": {"version": "2c", "community": COMMUNITY}},
        "zones": [_zone(n) for n in range(zones)],
        "aps": aps,
    }


def write_config(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path
