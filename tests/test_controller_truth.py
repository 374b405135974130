"""Never "up" without data, never "down" without cause: controllers and APs that answer but do
not say what their profile promises, served by a real snmpsim from altered recordings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from collectors.snmp.poller import ApPoller, PollTarget
from collectors.snmp.profile import default_catalog
from collectors.snmp.settings import PollSettings, SnmpCredentials
from netmon.config.models import AccessPoint
from netmon.observation import ApObservation, Cycle
from tests.support.recordings import case_recording, serving

WLC = case_recording("cisco-wlc-5508")
OPENWRT = case_recording("generic-openwrt-ap")
BSN_AP_NAME = "1.3.6.1.4.1.14179.2.2.1.1.3."
BSN_AP = "1.3.6.1.4.1.14179.2.2.1.1."
SETTINGS = PollSettings(timeout_s=5.0, retries=1)
HDV_MAC, HALLES_MAC = "00:3a:7d:11:22:01", "00:3a:7d:11:22:02"


def _renamed(text: str, old: str, new: str) -> str:
    return "\n".join(line.replace(f"|4|{old}", f"|4|{new}") if line.startswith(BSN_AP_NAME)
                     else line for line in text.splitlines()) + "\n"


RECORDINGS = {
    "wlc": WLC,
    # Two joined APs share one name (it happens: a copied config, a reset AP).
    "wlc-dup": _renamed(WLC, "ap-halles-02", "ap-hdv-01"),
    # The controller answers, but its AP table is gone (a MIB view, a firmware bug).
    "wlc-no-table": "".join(line + "\n" for line in WLC.splitlines()
                            if not line.startswith(BSN_AP)),
    # A controller without CISCO-LWAPP-AP-MIB uptimes or the radio table (older firmware).
    "wlc-bare": "".join(line + "\n" for line in WLC.splitlines() if not line.startswith(
        ("1.3.6.1.4.1.9.9.513.", "1.3.6.1.4.1.14179.2.2.2."))),
    "openwrt": OPENWRT,
}


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with serving(RECORDINGS, tmp_path_factory.mktemp("controllers")) as udp:
        yield udp


def _credentials(community: str) -> SnmpCredentials:
    return SnmpCredentials(version="2c", community=SecretStr(community))


def _ap(ap_id: str, **keys: str) -> AccessPoint:
    return AccessPoint.model_validate({"id": ap_id, "name": ap_id, "zone": "centre",
                                       "lat": 45.69, "lon": 5.92, "controller": "wlc", **keys})


async def _poll(target: PollTarget, settings: PollSettings = SETTINGS) -> Cycle:
    poller = ApPoller(settings, default_catalog(), [target])
    try:
        return await poller.poll()
    finally:
        await poller.close()


def _wlc(community: str, port: int, aps: list[AccessPoint],
         profile: str = "cisco-wlc") -> PollTarget:
    return PollTarget("wlc", "127.0.0.1", port, _credentials(community), profile, aps,
                      controller=True)


def _by_id(cycle: Cycle) -> dict[str, ApObservation]:
    return {o.ap_id: o for o in cycle.observations}


async def test_a_mac_or_serial_finds_the_ap_whatever_its_name(port: int) -> None:
    aps = [_ap("hdv", mac="00-3A-7D-11-22-01", name="renamed on the controller"),
           _ap("halles", mac="003a.7d11.2202"),
           _ap("gone", mac="00:3a:7d:11:22:99")]
    seen = _by_id(await _poll(_wlc("wlc", port, aps)))
    assert seen["hdv"].up and seen["hdv"].clients == 13
    assert seen["halles"].up and seen["halles"].clients == 17
    assert not seen["gone"].up and seen["gone"].error is not None
    assert "no AP with mac '00:3a:7d:11:22:99'" in seen["gone"].error


async def test_a_name_two_aps_share_is_never_matched_silently(port: int) -> None:
    aps = [_ap("hdv", controller_name="ap-hdv-01"), _ap("by-mac", mac=HALLES_MAC)]
    cycle = await _poll(_wlc("wlc-dup", port, aps))
    seen = _by_id(cycle)
    # The AP named twice is not judged (neither row is known to be it); the one given its
    # MAC is matched; the note names both rows and says how to fix it.
    assert "hdv" not in seen and seen["by-mac"].up and seen["by-mac"].clients == 17
    [note] = cycle.notes
    assert "name 'ap-hdv-01' of AP hdv names 2 APs" in note
    assert f"(MAC {HDV_MAC})" in note and f"(MAC {HALLES_MAC})" in note
    assert "give the AP its mac or serial" in note


async def test_a_missing_ap_table_leaves_the_aps_unknown_with_one_message(port: int) -> None:
    aps = [_ap("hdv", controller_name="ap-hdv-01"), _ap("halles", controller_name="ap-halles-02")]
    cycle = await _poll(_wlc("wlc-no-table", port, aps))
    assert cycle.observations == []  # unknown: neither up nor down
    assert cycle.notes == [f"controller wlc 127.0.0.1:{port}: its AP table (ap, "
                           "1.3.6.1.4.1.14179.2.2.1.1.3) is missing or empty: its 2 APs are "
                           "unknown"]


async def test_a_row_cap_leaves_the_unread_aps_unknown_not_down(port: int) -> None:
    aps = [_ap("hdv", controller_name="ap-hdv-01"),
           _ap("casino", controller_name="ap-casino-03")]
    settings = SETTINGS.model_copy(update={"max_table_rows": 1})
    cycle = await _poll(_wlc("wlc", port, aps), settings)
    seen = _by_id(cycle)
    assert seen["hdv"].up and "casino" not in seen
    assert any("cut at the row limit (poll.max_table_rows): 1 APs past it are unknown" in n
               for n in cycle.notes), cycle.notes
    assert all(o.error is None or "rows" not in o.error for o in cycle.observations)


async def test_an_ap_profile_on_a_controller_says_so_instead_of_crashing(port: int) -> None:
    cycle = await _poll(_wlc("wlc", port, [_ap("hdv", controller_name="ap-hdv-01")],
                             profile="unifi"))
    assert cycle.observations == []
    assert any("profile unifi is an AP profile" in note for note in cycle.notes)


async def test_an_ap_without_its_vendor_mib_is_degraded_not_up(port: int) -> None:
    ap = AccessPoint(id="bare", name="bare", zone="centre", lat=45.69, lon=5.92,
                     host="127.0.0.1", port=port, credentials=_credentials("openwrt"),
                     profile="unifi")
    target = PollTarget("bare", "127.0.0.1", port, _credentials("openwrt"), "unifi", [ap])
    [seen] = (await _poll(target)).observations
    assert seen.up and seen.degraded and seen.clients is None
    assert seen.error is not None and seen.error.startswith(
        "degraded: profile unifi got no clients from vap.stations "
        "(1.3.6.1.4.1.41112.1.6.1.2.1.8)")
    assert "is this a ubiquiti UniFi AP?" in seen.error
    [ap_sample] = [s for s in seen.samples if s.measurement == "ap"]
    assert ap_sample.fields["degraded"] == 1 and ap_sample.fields["up"] == 1
    # The same device with the profile that fits it is plainly up.
    fitting = PollTarget("bare", "127.0.0.1", port, _credentials("openwrt"), "generic", [ap])
    [plain] = (await _poll(fitting)).observations
    assert plain.up and not plain.degraded and plain.error is None


async def test_a_controller_without_uptime_or_radio_tables_is_degraded(port: int) -> None:
    seen = _by_id(await _poll(_wlc("wlc-bare", port, [_ap("hdv", mac=HDV_MAC)])))["hdv"]
    assert seen.up and seen.degraded and seen.uptime_s is None and seen.clients is None
    assert seen.error is not None and seen.error.startswith(
        "degraded: profile cisco-wlc got no uptime from ap.uptime (1.3.6.1.4.1.9.9.513.1.1.1.1.6)"
        ", no clients from radio.users (1.3.6.1.4.1.14179.2.2.2.1.15)")
    # The full recording: the same AP is plainly up.
    whole = _by_id(await _poll(_wlc("wlc", port, [_ap("hdv", mac=HDV_MAC)])))["hdv"]
    assert whole.up and not whole.degraded and whole.error is None


async def test_auto_on_a_controller_listed_as_an_ap_says_so(port: int) -> None:
    ap = AccessPoint(id="wlc-as-ap", name="wlc", zone="centre", lat=45.69, lon=5.92,
                     host="127.0.0.1", port=port, credentials=_credentials("wlc"))
    target = PollTarget(ap.id, "127.0.0.1", port, _credentials("wlc"), "auto", [ap])
    [seen] = (await _poll(target)).observations
    # Read as the AP profile its sysObjectID fits (none: generic), never with a controller's
    # total as its own clients, and told why.
    assert target.profile is not None and target.profile.name == "generic"
    assert seen.up and seen.clients is None
    assert seen.error is not None and "sysObjectID 1.3.6.1.4.1.9.1.1069 is a cisco AireOS WLC " \
        "controller's (profile cisco-wlc): list it under controllers:" in seen.error


async def test_auto_on_a_controller_picks_its_controller_profile(port: int) -> None:
    target = _wlc("wlc", port, [_ap("hdv", mac=HDV_MAC)], profile="auto")
    seen = _by_id(await _poll(target))["hdv"]
    assert target.profile is not None and target.profile.name == "cisco-wlc"
    assert seen.up and seen.clients == 13
