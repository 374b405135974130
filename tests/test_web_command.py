"""`netmon web` (real processes) serves what `netmon run` committed, from the database alone.

One scenario as a town runs it: a web process starts before any poller has created the
database ("no data yet"); `netmon run` polls a small simulated fleet (one AP dead); a second
web process joins; both answer exactly what the poller's own API answers; one stops (by PID)
and the other keeps serving.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from collectors.snmp.profile import default_catalog
from netmon.config.loader import load_config
from netmon.sim.fleet import SimulatedFleet, plan_fleet
from tests.support.demo import REPO, demo_config_copy
from tests.support.tsdb import ServerProcess, free_tcp_port, http_get
from tests.support.wait import wait_until

pytestmark = pytest.mark.slow
# Direct APs of the demo's centre: centre-07 is simulated dead.
CHOSEN_APS = tuple(f"centre-0{n}" for n in range(1, 9))
DEAD_AP = "centre-07"
WAIT_S = 60.0
NETMON = [sys.executable, "-m", "netmon", "--log-level", "info"]


def small_fleet(tmp_path: Path, store_url: str | None = None) -> Path:
    """The demo config cut to CHOSEN_APS, polled every 5 s, its store in tmp_path (or at
    `store_url`)."""
    path = demo_config_copy(tmp_path, interval_s=5, zones=("centre",))
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if store_url is not None:
        doc["store"]["url"] = store_url
    doc["aps"] = [ap for ap in doc["aps"] if ap["id"] in CHOSEN_APS]
    doc["controllers"] = []
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def http_listen(config_path: Path) -> str:
    return str(yaml.safe_load(config_path.read_text(encoding="utf-8"))["http"]["listen"])


def web_process(config_path: Path, log: Path) -> tuple[ServerProcess, str]:
    address = f"127.0.0.1:{free_tcp_port()}"
    args = [*NETMON, "web", "-c", str(config_path), "--listen", address]
    return ServerProcess(args, log, f"http://{address}/healthz"), f"http://{address}"


def get_json(url: str) -> Any:
    status, body = http_get(url)
    assert status == 200, (url, status, body[:300])
    return json.loads(body)


def fleet_state(base: str) -> dict[str, Any]:
    """What must be the same wherever it is read: per AP and zone, and the open outages."""
    aps = {a["id"]: (a["status"], a["open_incident"], a["last_poll"], a["clients"])
           for a in get_json(f"{base}/api/aps")}
    zones = {z["id"]: (z["aps_up"], z["aps_down"], z["aps_unknown"], z["clients"])
             for z in get_json(f"{base}/api/zones")}
    incidents = sorted((i["id"], i["subject"], i["start"])
                       for i in get_json(f"{base}/api/incidents?state=open"))
    return {"aps": aps, "zones": zones, "incidents": incidents}


def sample_names(base: str) -> set[str]:
    status, body = http_get(f"{base}/metrics")
    assert status == 200
    return {line.split("{")[0].split(" ")[0] for line in body.decode().splitlines()
            if line and not line.startswith("#")}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_web_serves_the_pollers_fleet_from_the_database_several_at_once(
        tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> None:
    store_url = request.getfixturevalue("postgres").new_database() \
        if backend == "postgresql" else None
    config_path = small_fleet(tmp_path, store_url)
    config = load_config(config_path, default_catalog().names())
    poller_url = f"http://{http_listen(config_path)}"
    first, first_url = web_process(config_path, tmp_path / "web-1.log")
    second, second_url = web_process(config_path, tmp_path / "web-2.log")
    poller = ServerProcess([*NETMON, "run", "-c", str(config_path)], tmp_path / "run.log",
                           f"{poller_url}/metrics")
    fleet = SimulatedFleet(plan_fleet(config, default_catalog()),
                           Path(tempfile.mkdtemp(dir=tmp_path)))
    try:
        # 1. Before any poller: it serves, healthy, and says there is no data yet (no file,
        # or an empty PostgreSQL database).
        first.start()
        assert get_json(f"{first_url}/healthz") == {"status": "ok", "database": "empty"}
        status, page = http_get(f"{first_url}/?lang=en")
        assert status == 200 and b'id="no-data"' in page and b"No data yet" in page
        assert {a["status"] for a in get_json(f"{first_url}/api/aps")} == {"unknown"}
        assert get_json(f"{first_url}/api/incidents") == []
        if store_url is None:
            assert not config.store.path.exists(), "netmon web must never create the database"

        # 2. The poller starts on the fleet; a second web process joins.
        fleet.start()
        poller.start()
        second.start()
        wait_until(lambda: fleet_state(poller_url)["aps"][DEAD_AP][0] == "down"
                   and fleet_state(poller_url)["incidents"], WAIT_S,
                   lambda: f"{DEAD_AP} down with an open incident:\n"
                           f"{(tmp_path / 'run.log').read_text()}")

        # 3. Both web processes show exactly the poller's state (read while it writes).
        def same_everywhere() -> bool:
            seen = [fleet_state(url) for url in (poller_url, first_url, second_url)]
            return seen[0] == seen[1] == seen[2]

        wait_until(same_everywhere, WAIT_S, "the same fleet state from the poller and both webs")
        state = fleet_state(second_url)
        assert {ap: s[0] for ap, s in state["aps"].items()} == \
            {ap: "down" if ap == DEAD_AP else "up" for ap in CHOSEN_APS}
        assert [i[1] for i in state["incidents"]] == [DEAD_AP]
        assert get_json(f"{first_url}/healthz") == {"status": "ok", "database": "ready"}
        status, page = http_get(f"{first_url}/?lang=en")
        assert status == 200 and b'id="no-data"' not in page

        # 4. Each serves its own process's metrics; the fleet's stay with the poller.
        web_names = sample_names(first_url)
        assert "netmon_web_http_requests_total" in web_names
        assert "process_cpu_seconds_total" in web_names
        assert not {n for n in web_names if n.startswith("netmon_ap")}
        assert "netmon_ap_up" in sample_names(poller_url)

        # 5. The coverage map of the page, and the committee report as a download.
        status, page = http_get(f"{second_url}/map")
        assert status == 200 and DEAD_AP.encode() in page
        status, pdf = http_get(f"{second_url}/report.pdf", 60.0)
        assert status == 200 and pdf.startswith(b"%PDF-")
        status, body = http_get(f"{second_url}/report.pdf?period=yesterday")
        assert status == 400 and b"period" in body

        # 6. One web process stops (by PID); the other serves on, unaffected.
        stopped = first.process
        assert stopped is not None
        first.stop()
        assert stopped.returncode == 0
        wait_until(lambda: fleet_state(poller_url) == fleet_state(second_url), WAIT_S,
                   "the remaining web process to match the poller")
    finally:
        for process in (first, second, poller):
            process.stop()
        fleet.stop()
    assert "Traceback" not in (tmp_path / "web-1.log").read_text()
    assert "Traceback" not in (tmp_path / "web-2.log").read_text()


def test_listen_errors_are_clear(tmp_path: Path) -> None:
    config_path = small_fleet(tmp_path)
    bad = subprocess.run([*NETMON, "web", "-c", str(config_path), "--listen", "nowhere"],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert bad.returncode == 2 and "--listen nowhere" in bad.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        busy = subprocess.run([*NETMON, "web", "-c", str(config_path), "--listen", address],
                              capture_output=True, text=True, cwd=REPO, timeout=60)
    assert busy.returncode == 1 and f"cannot start: http.listen {address}" in busy.stderr
    assert not (tmp_path / "netmon.db").exists()


def test_an_unreadable_database_answers_503_and_is_left_alone(tmp_path: Path) -> None:
    config_path = small_fleet(tmp_path)
    store = tmp_path / "netmon.db"
    store.write_bytes(b"not a database, and it must stay so" * 200)
    before = store.read_bytes()
    web, url = web_process(config_path, tmp_path / "web.log")
    # Not ready by /healthz: started by hand, ready once it answers at all.
    web.ready_url = f"{url}/openapi.json"
    try:
        web.start()
        status, body = http_get(f"{url}/healthz")
        assert status == 503 and json.loads(body)["status"] == "unavailable"
        for path in ("/", "/api/aps", "/api/incidents"):
            status, body = http_get(f"{url}{path}")
            assert status == 503, (path, status, body[:200])
            assert json.loads(body)["detail"] == "the database cannot be read now"
    finally:
        web.stop()
    assert store.read_bytes() == before
    log = (tmp_path / "web.log").read_text()
    assert log.count(" unreadable: ") == 2 and "Traceback" not in log  # once: health, pages
