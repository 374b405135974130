"""Real traps from net-snmp `snmptrap` (v2c and v3) reach the receiver; a poll confirms them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from collectors.snmp.confirm import SnmpConfirmer
from collectors.snmp.poller import ApPoller, build_targets
from collectors.snmp.profile import default_catalog
from collectors.traps.catalog import default_trap_catalog
from collectors.traps.collector import TrapCollector
from collectors.traps.intake import TrapIntake
from collectors.traps.receiver import Trap
from netmon.alerts import incidents
from netmon.alerts.desk import AlertDesk
from netmon.alerts.incidents import AlertEvent
from netmon.config.models import NetmonConfig
from netmon.db.owner import DatabaseOwner
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.observation import Cycle
from netmon.pipeline import Pipeline
from netmon.sim.snmpsim_process import free_udp_ports
from tests.alerts_support.fleet import reading
from tests.alerts_support.servers import WebhookSink
from tests.support.agents import Snmpd
from tests.support.wait import async_holds_for, async_wait_until

ENGINE_ID = "0x80001f8880aabbccdd"
V3 = ("-v3", "-e", ENGINE_ID, "-u", "traps-v3", "-l", "authPriv", "-a", "SHA", "-A",
      "trap-auth-key", "-x", "AES", "-X", "trap-priv-key")
LINK_DOWN, COLD_START = "1.3.6.1.6.3.1.1.5.3", "1.3.6.1.6.3.1.1.5.1"
DEAD_HOST = "127.0.0.5"  # nothing answers SNMP there


def trap_config(tmp_path: Path, snmpd_port: int, trap_port: int, hook: str) -> NetmonConfig:
    creds = {"version": "2c", "community": "public"}
    square = [[5.90, 45.68], [5.92, 45.68], [5.92, 45.70]]
    return NetmonConfig.model_validate({
        "store": {"path": str(tmp_path / "n.db")},
        "poll": {"timeout_s": 0.3, "retries": 0},
        "zones": [{"id": "centre", "name": "Centre-ville", "polygon": square}],
        "aps": [
            {"id": "centre-01", "name": "Hôtel de Ville", "zone": "centre", "lat": 45.69,
             "lon": 5.91, "host": "127.0.0.1", "port": snmpd_port, "profile": "generic",
             "credentials": creds},
            {"id": "centre-02", "name": "Place Carnot", "zone": "centre", "lat": 45.69,
             "lon": 5.91, "host": DEAD_HOST, "port": free_udp_ports(1)[0],
             "profile": "generic", "credentials": creds}],
        "alerts": {"webhooks": [{"url": hook}], "zone_min_aps": 3},
        "traps": {"listen": f"127.0.0.1:{trap_port}", "communities": ["trap-community"],
                  "v3_users": [{"user": "traps-v3", "auth_protocol": "sha",
                                "auth_key": "trap-auth-key", "priv_protocol": "aes",
                                "priv_key": "trap-priv-key", "engine_id": ENGINE_ID}]}})


@dataclass
class Rig:
    desk: AlertDesk
    traps: TrapCollector
    sink: WebhookSink
    port: int

    def events(self, kind: str) -> list[AlertEvent]:
        with self.desk.reader.snapshot() as conn:
            return incidents.recorded_events(conn, kind)


@pytest.fixture
async def rig(tmp_path: Path, snmpd: Snmpd) -> AsyncIterator[Rig]:
    sink = WebhookSink()
    port = free_udp_ports(1)[0]
    config = trap_config(tmp_path, snmpd.port, port, sink.url("/hook"))
    poller = ApPoller(config.poll, default_catalog(), build_targets(config))
    confirmer = SnmpConfirmer(config, poller)
    pipeline = Pipeline([], [])
    url = database_url(config.store)
    owner, reader = DatabaseOwner(url), DatabaseReader(url)
    desk = AlertDesk(config, owner, reader, confirmer, pipeline.publish)
    pipeline.consumers.append(desk)
    traps = TrapCollector(config, desk.on_trap)
    await poller.prepare()
    await desk.start()
    await traps.start()
    # Both APs were up until now.
    await desk.consume(Cycle(time.time_ns(), 0.0, [reading("centre-01", True),
                                                   reading("centre-02", True)]))
    yield Rig(desk, traps, sink, port)
    await traps.stop()
    await desk.stop()
    await confirmer.close()
    await poller.close()
    reader.close()
    await owner.aclose()
    sink.close()




async def send(port: int, auth: tuple[str, ...], oid: str, source: str = "127.0.0.1",
               *varbinds: str) -> None:
    process = await asyncio.create_subprocess_exec(
        "snmptrap", f"--clientaddr={source}", *auth, f"127.0.0.1:{port}", "", oid, *varbinds,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    _, err = await process.communicate()
    assert process.returncode == 0, err


async def test_v2c_link_down_confirmed_by_a_failed_poll_pages_at_once(rig: Rig) -> None:
    sent = time.monotonic()
    await send(rig.port, ("-v2c", "-c", "trap-community"), LINK_DOWN, DEAD_HOST,
               "1.3.6.1.2.1.2.2.1.1.1", "i", "1")
    await async_wait_until(lambda: rig.sink.received, 5.0, "the page")
    (hook,) = rig.sink.received
    assert hook.body["kind"] == "ap_down" and hook.body["subject"]["id"] == "centre-02"
    assert hook.at - sent < 2.0  # one trap, one 0.3 s confirming poll: no second poll cycle
    (event,) = rig.events("trap")
    assert (event.ap, event.detail["trap"], event.detail["source"]) == \
        ("centre-02", "linkDown", DEAD_HOST)


async def test_v3_trap_from_an_ap_that_answers_is_an_event_and_no_page(rig: Rig) -> None:
    await send(rig.port, V3, LINK_DOWN)
    # The trap is recorded with the decision of its confirming poll: that poll is done.
    await async_wait_until(lambda: rig.events("trap"), 5.0, "the trap's event")
    assert rig.desk.tracker.status("centre-01") == "up"
    assert rig.sink.received == []
    (event,) = rig.events("trap")
    assert (event.ap, event.detail["trap"]) == ("centre-01", "linkDown")


async def test_bad_credentials_and_unknown_sources_are_counted_not_acted_on(rig: Rig) -> None:
    counters = rig.traps.receiver.counters
    await send(rig.port, ("-v2c", "-c", "wrong-community"), LINK_DOWN, DEAD_HOST)
    await send(rig.port, (*V3[:-1], "not-the-priv-key"), LINK_DOWN)
    await send(rig.port, ("-v2c", "-c", "trap-community"), COLD_START, "127.0.0.9")
    await async_wait_until(lambda: counters.received == 3 and rig.desk.unknown_traps == 1, 5.0,
                           lambda: f"3 traps received, 1 unknown source: {counters}")
    assert counters.rejected == 2 and counters.accepted == 1
    assert counters.by_reason == {"snmpInBadCommunityNames": 1,
                                  "usmStatsDecryptionErrors": 1}
    # Nothing acts on them later either: no confirming poll, no event, no page.
    await async_holds_for(lambda: rig.events("trap") == [] and rig.sink.received == [], 0.5,
                          "no trap event and no page")
    assert rig.desk.tracker.status("centre-02") == "up"


def test_controller_traps_name_their_ap() -> None:
    config = NetmonConfig.model_validate({
        "zones": [{"id": "grand-port", "name": "Grand Port",
                   "polygon": [[5.88, 45.69], [5.89, 45.69], [5.89, 45.70]]}],
        "controllers": [{"id": "wlc-port", "name": "WLC", "host": "10.1.2.3",
                         "profile": "cisco-wlc",
                         "credentials": {"version": "2c", "community": "c"}}],
        "aps": [{"id": "port-03", "name": "Esplanade 1", "zone": "grand-port", "lat": 45.69,
                 "lon": 5.88, "controller": "wlc-port", "controller_name": "AP-ESPLANADE-1"}]})
    intake = TrapIntake(config, default_trap_catalog())
    name_oid = "1.3.6.1.4.1.14179.2.2.1.1.3.0.1.2.3.4.5"

    def trap(source: str, name: str) -> Trap:
        return Trap(source, 162, "community-1", "1.3.6.1.4.1.14179.2.6.3.8",
                    {name_oid: name}, 0)

    verdict = intake.judge(trap("10.1.2.3", "AP-ESPLANADE-1"))
    assert (verdict.kind.name, verdict.kind.meaning, verdict.aps, verdict.reporter) == \
        ("bsnAPDisassociated", "down", ["port-03"], "wlc-port")
    assert intake.judge(trap("10.1.2.3", "AP-SOMEWHERE-ELSE")).aps == []
    assert intake.judge(trap("10.9.9.9", "AP-ESPLANADE-1")).aps == []
