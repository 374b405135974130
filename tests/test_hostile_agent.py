"""One AP answering integers no SNMP type can carry never blinds the fleet.

Beside 50 healthy APs (a real net-snmp agent), a hostile agent answers a 500-byte INTEGER
and Counter64s just past 2^63 and 2^64. A real `netmon run` keeps every healthy AP in the
store's newest values, /metrics keeps answering 200, and the bad fields are reported.
"""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

from netmon.config import load_config
from netmon.sample import FieldValue
from tests.alerts_support.process import NETMON, NetmonRun
from tests.support.agents import COMMUNITY, Snmpd
from tests.support.hostile_agent import HostileAgent
from tests.support.store import samples_of
from tests.support.tsdb import free_tcp_port
from tests.support.wait import wait_until

HEALTHY = 50
# The store's newest values per AP, then the status and text of /metrics.
Look = tuple[dict[str, dict[str, FieldValue]], int, str]


def town(folder: Path, good_port: int, bad_port: int, http: int) -> Path:
    aps = [f"  - {{id: ap-{i:02d}, name: AP {i}, zone: centre, lat: 45.69, lon: 5.91, "
           f"host: 127.0.0.1, port: {good_port}}}" for i in range(HEALTHY)]
    aps.append(f"  - {{id: hostile, name: Hostile, zone: centre, lat: 45.69, lon: 5.91, "
               f"host: 127.0.0.1, port: {bad_port}}}")
    entry = folder / "town.yaml"
    entry.write_text(
        "site: Test town\n"
        "poll: {interval_s: 5, timeout_s: 1, retries: 0, jitter_s: 0}\n"
        f"store: {{path: {folder / 'n.db'}}}\n"
        f'http: {{listen: "127.0.0.1:{http}"}}\n'
        f"defaults: {{credentials: {{version: 2c, community: {COMMUNITY}}}, "
        "profile: generic}\n"
        "zones:\n  - {id: centre, name: Centre, polygon: "
        "[[5.90, 45.68], [5.92, 45.68], [5.92, 45.70]]}\n"
        "aps:\n" + "\n".join(aps) + "\n")
    return entry


def metrics(port: int) -> tuple[int, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        return answer.status, answer.read().decode()


def partial_answers(text: str) -> float:
    """netmon_poll_errors_total{kind="partial_answer"} in a /metrics text (0 before any)."""
    series = 'netmon_poll_errors_total{kind="partial_answer"}'
    values = [line.split()[-1] for line in text.splitlines() if line.startswith(series)]
    return float(values[0]) if values else 0.0


def test_an_agent_answering_oversized_integers_blinds_nothing(tmp_path: Path,
                                                              snmpd: Snmpd) -> None:
    hostile = HostileAgent()
    http = free_tcp_port()
    entry = town(tmp_path, snmpd.port, hostile.port, http)
    config = load_config(entry)
    run = NetmonRun(entry)
    try:
        run.wait_for(f"polling {HEALTHY + 1} APs")

        def look() -> Look:
            with samples_of(config.store) as samples:
                seen = {s.tags["ap"]: s.fields for s in samples.latest("ap")}
            return (seen, *metrics(http))

        def two_cycles_seen() -> Look | None:
            seen, _, text = now = look()
            return now if len(seen) == HEALTHY + 1 and partial_answers(text) >= 2 else None

        def progress() -> str:
            seen, _, text = look()
            return (f"every AP stored and two partial answers counted ({len(seen)} APs stored, "
                    f"{partial_answers(text):g} partial answers)")

        seen, status, text = wait_until(two_cycles_seen, 60, progress, poll_s=0.5)
        assert status == 200
        assert all(seen[f"ap-{i:02d}"]["up"] == 1 and "uptime_s" in seen[f"ap-{i:02d}"]
                   for i in range(HEALTHY))
        assert seen["hostile"]["up"] == 1  # it answered: its sane fields are kept
        assert 'netmon_ap_up{ap="ap-49"' in text and 'netmon_ap_up{ap="hostile"' in text
        assert hostile.answered > 0
        assert run.stop() == 0
        # The bad fields are named in the AP's error, as operators see it.
        polled = subprocess.run([NETMON, "poll", "--once", "--json", "--rate-window", "0",
                                 "-c", str(entry)], capture_output=True, text=True, timeout=60,
                                check=False)
        rows = {r["ap"]: r for r in map(json.loads, polled.stdout.splitlines())}
        assert rows["hostile"]["up"] == 1 and "is out of range for" in rows["hostile"]["error"]
        assert rows["ap-00"]["error"] is None
    finally:
        run.stop()
        hostile.stop()

