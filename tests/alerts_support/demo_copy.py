"""A temporary copy of the demo config: free ports, its own store, a short interval, alerts."""

from __future__ import annotations

import re
from pathlib import Path

from netmon import demo_town
from netmon.sim.snmpsim_process import free_udp_ports

PORT_LINE = re.compile(r"^(\s*-?\s*port:\s*)(\d+)", re.MULTILINE)


def demo_copy(folder: Path, interval_s: int, alerts_yaml: str) -> Path:
    """The demo town copied into `folder`, every port moved to a free one; the entry file."""
    entry = demo_town.prepare(folder)
    files = sorted(entry.parent.glob("*.yaml"))
    count = sum(len(PORT_LINE.findall(f.read_text())) for f in files)
    ports = iter(free_udp_ports(count))
    for file in files:
        file.write_text(PORT_LINE.sub(lambda m: f"{m[1]}{next(ports)}", file.read_text()))
    text = entry.read_text()
    text = re.sub(r"interval_s: \d+", f"interval_s: {interval_s}", text, count=1)
    text = re.sub(r"path: \S+", f"path: {folder / 'netmon.db'}", text, count=1)
    entry.write_text(text + "\n" + alerts_yaml)
    return entry
