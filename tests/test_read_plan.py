"""The GETs of one poll: every page carries sysUpTime, fallbacks are chosen row by row."""

from __future__ import annotations

from collectors.snmp.plan import MAX_VARBINDS, Index, build_plan
from collectors.snmp.profile import default_catalog

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
IF_HC_IN, IF_IN32 = "1.3.6.1.2.1.31.1.1.1.6", "1.3.6.1.2.1.2.2.1.10"


def test_every_page_carries_the_agents_clock() -> None:
    generic = default_catalog().get("generic")
    rows: dict[str, list[Index]] = {"iface": [(i,) for i in range(1, 101)]}
    plan = build_plan(generic, rows, set(), walked=False, v1=False)
    assert plan.clock_oid == SYS_UPTIME
    assert len(plan.pages) > 5
    for oids, slots in plan.pages:
        assert len(oids) <= MAX_VARBINDS and oids.count(SYS_UPTIME) == 1
        assert len(oids) == len(slots)
    cells = [s for _, slots in plan.pages for s in slots if s is not None and s[0]]
    assert len(cells) == len(set(cells)) == 100 * 4  # name, oper_status, in and out octets


def test_a_row_on_its_fallback_and_snmpv1_counters() -> None:
    generic = default_catalog().get("generic")
    rows: dict[str, list[Index]] = {"iface": [(1,), (2,)]}
    plan = build_plan(generic, rows, {("iface", "in_octets", (2,))}, walked=True, v1=False)
    asked = [oid for oids, _ in plan.pages for oid in oids]
    assert f"{IF_HC_IN}.1" in asked and f"{IF_IN32}.2" in asked
    assert f"{IF_HC_IN}.2" not in asked and f"{IF_IN32}.1" not in asked
    # SNMPv1 cannot carry a Counter64: its agents are asked the 32-bit counters directly.
    v1 = build_plan(generic, rows, set(), walked=True, v1=True)
    asked = [oid for oids, _ in v1.pages for oid in oids]
    assert f"{IF_IN32}.1" in asked and not any(o.startswith(IF_HC_IN) for o in asked)
