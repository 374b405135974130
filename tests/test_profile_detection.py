"""`profile: auto` tells neighbouring vendors apart by sysObjectID (longest prefix wins)."""

from __future__ import annotations

import pytest

from collectors.snmp.profile import ProfileCatalog

# sysObjectIDs as real devices report them (LibreNMS tests/snmpsim recordings).
AIRMAX_AIROS6 = "1.3.6.1.4.1.41112.1.4"  # airos_1.snmprec
UNIFI_ROOT = "1.3.6.1.4.1.41112"  # unifi_560.snmprec, UAP-nanoHD 5.60
FROGFOOT = "1.3.6.1.4.1.10002.1"  # airos_airos8.snmprec (airOS 8), unifi.snmprec (old UniFi)


@pytest.mark.parametrize(("sys_object_id", "profile"), [
    (AIRMAX_AIROS6, "airmax"),
    (AIRMAX_AIROS6 + ".9", "airmax"),
    (UNIFI_ROOT, "unifi"),
    (FROGFOOT, "generic"),
])
def test_airmax_is_not_taken_for_unifi(sys_object_id: str, profile: str) -> None:
    assert ProfileCatalog.load().detect(sys_object_id).name == profile


def test_a_prefix_matches_whole_arcs_only() -> None:
    # 41112.1.40 is no airMAX device: the prefix ends at a dot, so the bare root's unifi wins.
    assert ProfileCatalog.load().detect("1.3.6.1.4.1.41112.1.40").name == "unifi"
