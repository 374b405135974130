"""A private copy of the demo config: free ports, its own store, a short interval."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path
from typing import Any

import yaml

from netmon import demo_town
from netmon.sim.snmpsim_process import free_udp_ports

REPO = Path(__file__).resolve().parents[2]
# The shipped files: read them, load a private copy (their secrets file is world-readable).
DEMO = demo_town.FOLDER / demo_town.ENTRY


def demo_secrets(folder: Path) -> Path:
    """A private copy of the demo's secrets file (mode 0600)."""
    return demo_town.prepare(folder).parent / demo_town.SECRETS


def demo_config_copy(tmp_path: Path, interval_s: int = 5, zones: tuple[str, ...] = (),
                     extra: dict[str, Any] | None = None, timeout_s: float = 3.0) -> Path:
    """Flatten the demo town and its includes into tmp_path/netmon.yaml with free ports.

    `zones` keeps only the APs of those zones (and the controllers they use), for speed.
    """
    entry = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    doc = {k: v for k, v in entry.items() if k not in ("include",)}
    for rel in entry.get("include", []):
        part = yaml.safe_load((DEMO.parent / rel).read_text(encoding="utf-8"))
        for key in ("zones", "controllers", "aps"):
            doc.setdefault(key, []).extend(part.get(key) or [])
    if zones:
        doc["zones"] = [z for z in doc["zones"] if z["id"] in zones]
        doc["aps"] = [ap for ap in doc["aps"] if ap["zone"] in zones]
        used = {ap.get("controller") for ap in doc["aps"]}
        doc["controllers"] = [c for c in doc.get("controllers", []) if c["id"] in used]
    agents = [ap for ap in doc["aps"] if "port" in ap] + doc.get("controllers", [])
    for item, port in zip(agents, free_udp_ports(len(agents)), strict=True):
        item["port"] = port
    doc["secrets_file"] = str(demo_secrets(tmp_path))
    doc["store"] = {**entry.get("store", {}), "path": str(tmp_path / "netmon.db")}
    # A generous timeout: snmpsim serving 30+ agents answers slowly on a busy 2-core machine.
    doc["poll"] = {**entry.get("poll", {}), "interval_s": interval_s, "jitter_s": 0,
                   "timeout_s": timeout_s}
    with socket.socket() as probe:  # the status page and /metrics on a free TCP port
        probe.bind(("127.0.0.1", 0))
        doc["http"] = {"listen": f"127.0.0.1:{probe.getsockname()[1]}"}
    doc.update(extra or {})
    # The demo's other files (water layer, fibre milestones) are named relative to it.
    for name in ("fibre-milestones.csv", "lac-du-bourget.geojson"):
        shutil.copy(DEMO.parent / name, tmp_path / name)
    path = tmp_path / "netmon.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
