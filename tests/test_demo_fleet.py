"""The done-when of the foundation: the simulated demo fleet, polled by the real CLI."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from collectors.snmp.profile import default_catalog
from netmon.config import load_config
from netmon.config.models import StoreSettings
from netmon.sim.fleet import SimulatedFleet, plan_fleet
from tests.support.demo import demo_config_copy
from tests.support.store import samples_of
from tests.support.wait import wait_until

SECRET = "c0mmunity-d3mo-7731"
NETMON = [sys.executable, "-m", "netmon"]
GENERIC_APS = {"centre-06", "centre-21"}  # MIB-II only: no client count to read


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, SimulatedFleet]]:
    """The demo config on free ports, served by a running simulated fleet."""
    tmp = tmp_path_factory.mktemp("demo")
    config_path = demo_config_copy(tmp, interval_s=5)
    os.environ["NETMON_SNMP_COMMUNITY"] = SECRET  # the environment wins over the secrets file
    config = load_config(config_path)
    fleet = SimulatedFleet(plan_fleet(config, default_catalog()), tmp / "sim")
    fleet.start()
    yield config_path, fleet
    fleet.stop()
    del os.environ["NETMON_SNMP_COMMUNITY"]


def _run(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*NETMON, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "COLUMNS": "200"})


def _recorded_rate_bps(fleet: SimulatedFleet, agent_id: str, ifname: str) -> tuple[float, float]:
    """(rx, tx) bits/s that the recording makes this AP's interface count at."""
    recording = next(a.recording for a in fleet.plan.agents if a.id == agent_id)
    index = next(line.split("|")[0].rsplit(".", 1)[1] for line in recording.splitlines()
                 if line.startswith("1.3.6.1.2.1.31.1.1.1.1.") and line.endswith(f"|{ifname}"))
    rates = []
    for column in ("1.3.6.1.2.1.31.1.1.1.6", "1.3.6.1.2.1.31.1.1.1.10"):
        line = next(x for x in recording.splitlines() if x.startswith(f"{column}.{index}|"))
        rates.append(float(re.search(r"rate=(\d+)", line).group(1)) * 8)  # type: ignore[union-attr]
    return rates[0], rates[1]


def _snmpwalk_sum(port: int, oid: str) -> int:
    out = subprocess.run(["snmpwalk", "-v2c", "-c", SECRET, "-Oqv", f"127.0.0.1:{port}", oid],
                         capture_output=True, text=True, check=True).stdout
    return sum(int(v) for v in out.split())


def test_poll_once_json_reports_every_demo_ap(demo: tuple[Path, SimulatedFleet]) -> None:
    config_path, fleet = demo
    config = load_config(config_path)
    # A 5 s window: snmpsim reads its clock once per varbind, so on a loaded machine the
    # counter and the sysUpTime of one reply are tens of ms apart (2 % of a 2 s window).
    result = _run("--log-level", "debug", "poll", "--once", "-c", str(config_path), "--json",
                  "--rate-window", "5")
    assert result.returncode == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    rows = {row["ap"]: row for row in map(json.loads, result.stdout.splitlines())}
    assert set(rows) == {ap.id for ap in config.aps}
    for key in ("ap", "zone", "up", "uptime_s", "clients", "rx_bps", "tx_bps", "poll_ms", "error"):
        assert all(key in row for row in rows.values())
    down = rows.pop("centre-07")
    assert down["up"] == 0 and down["clients"] is None
    assert down["error"] == f"centre-07 127.0.0.1:{config.aps[6].port}: timeout after 2 tries"
    assert all(row["up"] == 1 and row["error"] is None for row in rows.values()), rows
    for ap in config.aps:
        if ap.id == "centre-07":
            continue
        row = rows[ap.id]
        assert (row["clients"] is None) == (ap.id in GENERIC_APS), ap.id
        assert row["uptime_s"] > 0
        if ap.controller is None:
            assert row["rx_bps"] > 0 and row["tx_bps"] > 0, ap.id
        else:
            assert row["rx_bps"] is None  # a controller reports no per-AP traffic

    # Rates and clients agree with what the agents really serve.
    unifi = next(ap for ap in config.aps if ap.profile == "unifi" and ap.sim == "normal")
    rx, tx = _recorded_rate_bps(fleet, unifi.id, "eth0")
    assert rows[unifi.id]["rx_bps"] == pytest.approx(rx, rel=0.02)
    assert rows[unifi.id]["tx_bps"] == pytest.approx(tx, rel=0.02)
    walked = _snmpwalk_sum(unifi.port, "1.3.6.1.4.1.41112.1.6.1.2.1.8")  # unifiVapNumStations
    assert abs(rows[unifi.id]["clients"] - walked) <= 1
    mikrotik = next(ap for ap in config.aps if ap.profile == "mikrotik")
    walked = _snmpwalk_sum(mikrotik.port, "1.3.6.1.4.1.14988.1.1.1.3.1.6")  # ClientCount
    assert abs(rows[mikrotik.id]["clients"] - walked) <= 1


def _polls_of(store: StoreSettings, ap_id: str) -> int:
    """How many polls of one AP the store holds so far."""
    if not store.path.exists():
        return 0
    now_ns = time.time_ns()
    with samples_of(store) as samples:
        up = samples.series("ap", "up", tags={"ap": ap_id}, start_ns=now_ns - 600 * 10**9,
                            end_ns=now_ns + 10**9, resolution="raw")
    return len(up[0].points) if up else 0


def test_run_stops_cleanly_on_sigterm_and_keeps_every_cycle(
        demo: tuple[Path, SimulatedFleet]) -> None:
    config_path, _ = demo
    process = subprocess.Popen([*NETMON, "run", "-c", str(config_path)], text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    config = load_config(config_path)

    def two_cycles_stored() -> bool:
        # Counted on a healthy AP: a confirmation look at the down one has its own timestamp.
        assert process.poll() is None, process.communicate()[1]
        return _polls_of(config.store, "centre-01") >= 2

    try:
        wait_until(two_cycles_stored, 90, "two cycles in the store", poll_s=1.0)
    finally:
        process.send_signal(signal.SIGTERM)  # a no-op once it has exited
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "store flushed" in err
    with samples_of(config.store) as store:
        latest = {s.tags["ap"]: s for s in store.latest("ap")}
        assert set(latest) == {ap.id for ap in config.aps}
        assert latest["centre-07"].fields["up"] == 0
        now_ns = time.time_ns()
        up = store.series("ap", "up", tags={"ap": "centre-01"}, start_ns=now_ns - 600 * 10**9,
                          end_ns=now_ns + 10**9, resolution="raw")
        assert len(up) == 1 and len(up[0].points) >= 2


def test_demo_runs_for_a_duration_and_says_where_the_store_is(tmp_path: Path) -> None:
    config_path = demo_config_copy(tmp_path, interval_s=5, zones=("grand-port",))
    listen = load_config(config_path).http.listen
    process = subprocess.Popen([*NETMON, "demo", "-c", str(config_path), "--duration", "12"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "COLUMNS": "200"}, start_new_session=True)
    assert process.stdout is not None
    printed = []
    for line in process.stdout:  # a newcomer is told what to open, while it runs
        printed.append(line)
        if line.startswith("  When the demo stops: "):
            break
    guide = "".join(printed)
    assert f"Status page: http://{listen}/  (open it in a browser)\n" in guide, guide
    urls = re.findall(r"http://\S+", guide)
    assert {u.removeprefix(f"http://{listen}") for u in urls} == {
        "/", "/api/aps", "/api/zones", "/api/incidents", "/metrics"}
    answers = {}
    for url in urls:  # every URL it names answers while the demo runs
        with urllib.request.urlopen(url, timeout=10) as answer:
            answers[url.removeprefix(f"http://{listen}")] = (answer.status, answer.read())
    assert {status for status, _ in answers.values()} == {200}
    assert "Grand Port" in answers["/"][1].decode()
    assert {ap["zone"] for ap in json.loads(answers["/api/aps"][1])} == {"grand-port"}
    assert b"netmon_ap_up{" in answers["/metrics"][1]
    assert f"the map {tmp_path / 'maps' / 'map.html'}" in guide
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    stdout = guide + out
    assert str(tmp_path / "netmon.db") in stdout.replace("\n", "")
    config = load_config(config_path)
    with samples_of(config.store) as store:
        aps = {s.tags["ap"]: s.fields for s in store.latest("ap")}
    assert set(aps) == {ap.id for ap in config.aps}
    assert all(fields["up"] == 1 for fields in aps.values())
