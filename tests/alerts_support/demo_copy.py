"""A temporary copy of the demo config: free ports, its own store, a short interval, alerts."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from netmon.sim.snmpsim_process import free_udp_ports

REPO = Path(__file__).resolve().parents[2]
PORT_LINE = re.compile(r"^(\s*-?\s*port:\s*)(\d+)", re.MULTILINE)


def demo_copy(folder: Path, interval_s: int, alerts_yaml: str) -> Path:
    """config/ copied to `folder`, every port moved to a free one; returns the entry file."""
    shutil.copytree(REPO / "config", folder, dirs_exist_ok=True)
    files = [folder / "demo.yaml", *sorted((folder / "demo").glob("*.yaml"))]
    count = sum(len(PORT_LINE.findall(f.read_text())) for f in files)
    ports = iter(free_udp_ports(count))
    for file in files:
        file.write_text(PORT_LINE.sub(lambda m: f"{m[1]}{next(ports)}", file.read_text()))
    entry = folder / "demo.yaml"
    text = entry.read_text()
    text = re.sub(r"interval_s: \d+", f"interval_s: {interval_s}", text, count=1)
    text = re.sub(r"path: \S+", f"path: {folder / 'netmon.db'}", text, count=1)
    entry.write_text(text + "\n" + alerts_yaml)
    return entry
