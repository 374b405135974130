"""The simulated APs that misbehave in service, polled for real through snmpsim: one whose
radios go silent while SNMP answers, one saturated behind a controller."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from collectors.snmp.poller import ApPoller, build_targets
from collectors.snmp.profile import default_catalog
from netmon.alerts.maintenance import MaintenanceCalendar
from netmon.alerts.tracker import OutageTracker
from netmon.config.models import NetmonConfig
from netmon.observation import ApObservation
from netmon.sim.fleet import SimulatedFleet, plan_fleet
from netmon.sim.snmpsim_process import free_udp_ports
from tests.alerts_support.fleet import SQUARE
from tests.support.wait import wait_until

EVENT_AFTER_S = 4.0
CREDS = {"version": "2c", "community": "public"}


def config(tmp: Path) -> NetmonConfig:
    ap_port, other_port, wlc_port = free_udp_ports(3)
    direct = {"zone": "centre", "lat": 45.69, "lon": 5.91, "host": "127.0.0.1",
              "credentials": CREDS, "profile": "unifi"}
    return NetmonConfig.model_validate({
        "site": "Aix-les-Bains", "timezone": "Europe/Paris", "store": {"path": str(tmp / "db")},
        "poll": {"interval_s": 5, "timeout_s": 1.0, "retries": 1},
        "zones": [{"id": "centre", "name": "Centre", "polygon": SQUARE},
                  {"id": "grand-port", "name": "Grand Port", "polygon": SQUARE}],
        "controllers": [{"id": "wlc-port", "name": "WLC", "host": "127.0.0.1",
                         "port": wlc_port, "profile": "cisco-wlc", "credentials": CREDS}],
        "aps": [{"id": "centre-05", "name": "Mairie", "port": ap_port, "sim": "silent",
                 **direct},
                {"id": "centre-06", "name": "Casino", "port": other_port, **direct},
                {"id": "port-04", "name": "Esplanade", "zone": "grand-port", "lat": 45.69,
                 "lon": 5.88, "controller": "wlc-port", "sim": "saturating"},
                {"id": "port-05", "name": "Capitainerie", "zone": "grand-port", "lat": 45.69,
                 "lon": 5.88, "controller": "wlc-port"}]})


@pytest.fixture
def town(tmp_path: Path) -> Iterator[NetmonConfig]:
    made = config(tmp_path)
    fleet = SimulatedFleet(plan_fleet(made, default_catalog(), EVENT_AFTER_S), tmp_path / "sim")
    fleet.start()
    yield made
    fleet.stop()


async def test_silent_and_saturating_aps_as_polled(town: NetmonConfig) -> None:
    poller = ApPoller(town.poll, default_catalog(), build_targets(town))
    tracker = OutageTracker(town, MaintenanceCalendar([], town.timezone))
    looks: list[dict[str, ApObservation]] = []

    async def look() -> dict[str, ApObservation]:
        cycle = await poller.poll()
        seen = {o.ap_id: o for o in cycle.observations}
        looks.append(seen)
        decision = tracker.decide(cycle.observations, cycle.started_ns)
        tracker.adopt(decision)
        notices.extend(decision.notices)
        return seen

    notices: list[object] = []
    try:
        first = await look()
        assert all(o.up for o in first.values()), [o.error for o in first.values()]
        assert first["centre-05"].clients and not first["centre-05"].radios_down
        assert first["port-04"].clients is not None and first["port-04"].clients < 60

        def changed() -> bool:
            seen = asyncio.run_coroutine_threadsafe(look(), loop).result()
            return bool(seen["centre-05"].radios_down) and seen["port-04"].clients is not None \
                and seen["port-04"].clients >= 60

        loop = asyncio.get_running_loop()
        await asyncio.to_thread(wait_until, changed, 30, "the sim's event", 0.5)
        await look()  # the second poll with its radios out of service
    finally:
        await poller.close()
    silent, busy, calm = looks[-1]["centre-05"], looks[-1]["port-04"], looks[-1]["centre-06"]
    # SNMP still answers: up, not degraded, 0 clients, every VAP named as out of service.
    assert silent.up and not silent.degraded and silent.clients == 0
    assert "SSID Aix-Wifi-Gratuit radio ng (2.4 GHz)" in silent.radios_down
    assert len(silent.radios_down) == 4
    assert busy.up and busy.clients is not None and busy.clients >= 60
    assert busy.utilization_pct == 92
    assert calm.up and calm.clients and not calm.radios_down
    kinds = [(n.kind, n.subject_id) for n in notices]  # type: ignore[attr-defined]
    assert kinds == [("silent", "centre-05")]
