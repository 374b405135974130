"""The poller against a real net-snmp snmpd: v1, v2c, v3, timeouts, errors."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from pathlib import Path

import pytest

from collectors.snmp.poller import ApPoller, PollTarget
from collectors.snmp.profile import PROFILE_DIR, ProfileCatalog, default_catalog
from collectors.snmp.settings import PollSettings, SnmpCredentials
from netmon.config.models import AccessPoint
from netmon.observation import ApObservation
from netmon.sim.snmpsim_process import free_udp_ports
from tests.support.agents import COMMUNITY, V3_USERS, Snmpd, credentials, start_snmpd
from tests.support.engineless_agent import EnginelessAgent

FAST = PollSettings(timeout_s=0.5, retries=1)


def _ap(ap_id: str, port: int, credentials: SnmpCredentials) -> AccessPoint:
    return AccessPoint(id=ap_id, name=f"AP {ap_id}", zone="centre", lat=45.69, lon=5.91,
                       host="127.0.0.1", port=port, credentials=credentials)


def _poller(*aps: AccessPoint, settings: PollSettings = FAST, profile: str = "generic",
            ) -> ApPoller:
    targets = [PollTarget(a.id, a.host or "", a.port, a.credentials, profile, [a])  # type: ignore[arg-type]
               for a in aps]
    return ApPoller(settings, default_catalog(), targets)


def _v3(name: str, **changes: str) -> SnmpCredentials:
    auth, auth_key, priv, priv_key = V3_USERS[name]
    fields = {"version": "3", "user": name, "auth_protocol": auth.lower().replace("-", ""),
              "auth_key": auth_key, "priv_protocol": (priv or "none").lower().replace("-", ""),
              "priv_key": priv_key}
    return credentials(**{**fields, **changes})


def _snmpget_uptime_s(port: int) -> float:
    out = subprocess.run(["snmpget", "-v2c", "-c", COMMUNITY, "-Ovt", f"127.0.0.1:{port}",
                          "1.3.6.1.2.1.1.3.0"], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 100


@pytest.mark.parametrize("credentials", [
    credentials(version="2c", community=COMMUNITY),
    credentials(version="1", community=COMMUNITY),
    _v3("authpriv"),
    _v3("authnopriv"),
    _v3("md5des"),
    _v3("md5aes"),
    _v3("sha224aes192"),
    _v3("sha384aes256"),
    _v3("sha512aes256"),
    _v3("sha512nopriv"),
    _v3("sha1aes256", key_expansion="blumenthal"),
], ids=["v2c", "v1", "v3-sha-aes", "v3-sha256-authnopriv", "v3-md5-des", "v3-md5-aes",
        "v3-sha224-aes192", "v3-sha384-aes256", "v3-sha512-aes256", "v3-sha512-authnopriv",
        "v3-sha1-aes256-blumenthal"])
async def test_polls_real_snmpd(snmpd: Snmpd, credentials: SnmpCredentials) -> None:
    poller = _poller(_ap("ap-1", snmpd.port, credentials))
    first = (await poller.poll()).observations[0]
    reference = _snmpget_uptime_s(snmpd.port)
    assert first.up and first.error is None
    assert first.uptime_s is not None and abs(first.uptime_s - reference) < 5
    ifaces = [s for s in first.samples if s.measurement == "ap_iface"]
    assert "lo" in {s.tags["ifname"] for s in ifaces}
    assert all(s.fields["oper_up"] == 1 for s in ifaces if s.tags["ifname"] == "lo")
    # Rates need two polls (their values are checked against snmpsim's known rates elsewhere:
    # net-snmp caches interface counters for a few seconds).
    time.sleep(1.1)
    second = (await poller.poll()).observations[0]
    lo = next(s for s in second.samples if s.measurement == "ap_iface"
              and s.tags["ifname"] == "lo")
    assert float(lo.fields["rx_bps"]) >= 0 and float(lo.fields["tx_bps"]) >= 0
    assert second.uptime_s is not None and second.uptime_s >= first.uptime_s
    assert not second.rebooted
    await poller.close()


async def test_dead_ap_times_out_while_others_answer(snmpd: Snmpd) -> None:
    dead_port = free_udp_ports(1)[0]
    good = credentials(version="2c", community=COMMUNITY)
    poller = _poller(_ap("ap-good", snmpd.port, good), _ap("ap-dead", dead_port, good),
                     _ap("ap-wrong-community", snmpd.port,
                         credentials(version="2c", community="not-this-one")))
    report = await poller.poll()
    by_id = {r.ap_id: r for r in report.observations}
    assert by_id["ap-good"].up
    assert not by_id["ap-dead"].up
    assert by_id["ap-dead"].error == f"ap-dead 127.0.0.1:{dead_port}: timeout after 2 tries"
    assert not by_id["ap-wrong-community"].up
    down_sample = by_id["ap-dead"].samples[0]
    assert down_sample.measurement == "ap" and down_sample.fields["up"] == 0
    # The cycle lasts about one AP's own timeout budget (2 tries x 0.5 s), not the sum.
    assert report.duration_s < 2 * FAST.timeout_s * (FAST.retries + 1)
    await poller.close()


USM_REFUSAL = ("SNMPv3 authentication failed: the agent reported an unknown user, a wrong key "
               "or a wrong authentication protocol")


@pytest.mark.parametrize(("ap_credentials", "reason"), [
    (_v3("authpriv", auth_key="wrong-password"),
     USM_REFUSAL),
    (_v3("authpriv", user="nobody-here"),
     USM_REFUSAL),
    (_v3("authpriv", priv_key="wrong-privacy"),
     "SNMPv3 authentication failed: no reply could be decrypted after 2 tries (wrong AES "
     "privacy key or protocol?)"),
    (_v3("authpriv", auth_protocol="md5"),
     USM_REFUSAL),
], ids=["wrong-auth-key", "unknown-user", "wrong-priv-key", "wrong-auth-protocol"])
async def test_v3_refusals_are_named_and_leak_no_key(snmpd: Snmpd, ap_credentials: SnmpCredentials,
                                                    reason: str) -> None:
    poller = _poller(_ap("ap-v3", snmpd.port, ap_credentials))
    reading = (await poller.poll()).observations[0]
    await poller.close()
    assert not reading.up
    assert reading.error == f"ap-v3 127.0.0.1:{snmpd.port}: {reason}"


async def test_v3_engine_discovery_of_a_silent_agent_is_a_timeout() -> None:
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    port = silent.getsockname()[1]
    try:
        poller = _poller(_ap("ap-v3", port, _v3("authpriv")))
        reading = (await poller.poll()).observations[0]
        await poller.close()
    finally:
        silent.close()
    assert reading.error == (f"ap-v3 127.0.0.1:{port}: timeout after 2 tries "
                             "(SNMPv3 engine discovery)")


async def test_an_agent_named_by_host_name_is_resolved(snmpd: Snmpd) -> None:
    ap = _ap("ap-named", snmpd.port, credentials(version="2c", community=COMMUNITY))
    target = PollTarget(ap.id, "localhost", snmpd.port, ap.credentials, "generic", [ap])  # type: ignore[arg-type]
    poller = ApPoller(FAST, default_catalog(), [target])
    reading = (await poller.poll()).observations[0]
    await poller.close()
    assert reading.up and reading.error is None


async def test_snmpv1_reads_every_present_value_around_an_absent_one(snmpd: Snmpd,
                                                                   tmp_path: Path) -> None:
    # SNMPv1 fails a whole GET (noSuchName) when one OID is absent: netmon asks the halves.
    (tmp_path / "v1-test.yaml").write_text(
        "extends: generic\nvendor: test\nmodel: v1\ndescription: an absent scalar\n"
        "scalars:\n  users: {oid: 1.3.6.1.2.1.25.1.5.0}\n"
        "  absent: {oid: 1.3.6.1.4.1.99999.1.0}\n"
        "ap: {clients: users}\n")
    catalog = ProfileCatalog.load([PROFILE_DIR, tmp_path])
    ap = _ap("ap-v1", snmpd.port, credentials(version="1", community=COMMUNITY))
    target = PollTarget(ap.id, "127.0.0.1", snmpd.port, ap.credentials, "v1-test", [ap])  # type: ignore[arg-type]
    poller = ApPoller(FAST, catalog, [target])
    reading = (await poller.poll()).observations[0]
    await poller.close()
    assert reading.up and reading.error is None
    assert reading.uptime_s is not None and reading.clients is not None
    assert any(s.measurement == "ap_iface" for s in reading.samples)


def test_an_ipv6_agent_is_polled(tmp_path: Path) -> None:
    agent = start_snmpd(tmp_path, ipv6=True)
    try:
        ap = _ap("ap-v6", agent.port, credentials(version="2c", community=COMMUNITY))
        target = PollTarget(ap.id, "::1", agent.port, ap.credentials, "generic", [ap])  # type: ignore[arg-type]
        poller = ApPoller(FAST, default_catalog(), [target])

        async def poll() -> ApObservation:
            try:
                return (await poller.poll()).observations[0]
            finally:
                await poller.close()

        reading = asyncio.run(poll())
        assert reading.up and reading.error is None and reading.uptime_s is not None
    finally:
        agent.stop()


async def test_v3_discovery_without_an_engine_id_is_named() -> None:
    agent = EnginelessAgent()
    try:
        poller = _poller(_ap("ap-v3", agent.port, _v3("authpriv")))
        reading = (await poller.poll()).observations[0]
        await poller.close()
    finally:
        agent.stop()
    assert reading.error == (f"ap-v3 127.0.0.1:{agent.port}: SNMPv3 engine unknown: the "
                             "discovery reply carried no engine id")


def test_garbage_and_missing_values(tmp_path: Path) -> None:
    # The agent answers sysUpTime with a string: the AP is up, its uptime is left out.
    agent = start_snmpd(tmp_path, extra="override 1.3.6.1.2.1.1.3.0 octet_str garbage\n")
    try:
        poller = _poller(_ap("ap-odd", agent.port,
                             credentials(version="2c", community=COMMUNITY)))
        reading = asyncio.run(poller.poll()).observations[0]
        assert reading.up
        assert reading.uptime_s is None
        assert "uptime_s" not in reading.samples[0].fields
    finally:
        agent.stop()


async def test_huge_table_is_cut_at_the_limit(snmpd: Snmpd) -> None:
    settings = PollSettings(timeout_s=0.5, retries=1, max_table_rows=1, max_repetitions=1)
    poller = _poller(_ap("ap-big", snmpd.port, credentials(version="2c", community=COMMUNITY)),
                     settings=settings)
    reading = (await poller.poll()).observations[0]
    assert reading.up
    assert reading.error is not None and "more than 1 rows" in reading.error
    await poller.close()
