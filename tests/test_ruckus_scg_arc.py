"""ruckus-sz reads a SmartZone on either arc: RUCKUS-SZ-WLAN-MIB (25053.1.4) or, on SCG
firmware, RUCKUS-SCG-WLAN-MIB (25053.1.3), whose columns are numbered alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from collectors.snmp.poller import ApPoller
from collectors.snmp.profile import ProfileCatalog
from netmon.sim.probe import snmp_answers
from netmon.sim.snmpsim_process import SnmpsimProcess, free_udp_ports
from tests.support.wait import wait_until
from tests.test_profile_cases import (
    CASES_DIR,
    HOST,
    READY_TIMEOUT_S,
    SETTINGS,
    RecordingSession,
    build_target,
    by_series,
    load_case,
)

# No open recording of an SCG-arc agent exists (LibreNMS has none): the SZ-arc case's rows
# are served on the SCG arc instead, and must read the same.
SZ_CASE = "ruckus-sz-100"
SZ_ARC, SCG_ARC = "1.3.6.1.4.1.25053.1.4.", "1.3.6.1.4.1.25053.1.3."
SZ_COMMUNITY = "sz-arc"  # the same recording, left on the SZ arc


def on_scg_arc(recording: str) -> str:
    lines = [line.replace(SZ_ARC, SCG_ARC, 1) if line.startswith(SZ_ARC) else line
             for line in recording.splitlines()]
    return "\n".join(sorted(lines, key=lambda row: [int(p) for p in row.split("|")[0].split(".")]))


@pytest.fixture(scope="module")
def scg_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    root = tmp_path_factory.mktemp("scg-arc")
    data = root / "data"
    data.mkdir()
    recording = (CASES_DIR / SZ_CASE / "agent.snmprec").read_text(encoding="utf-8")
    assert SCG_ARC not in recording
    (data / f"{SZ_CASE}.snmprec").write_text(on_scg_arc(recording) + "\n", encoding="utf-8")
    (data / f"{SZ_COMMUNITY}.snmprec").write_text(recording, encoding="utf-8")
    port = free_udp_ports(1)[0]
    sim = SnmpsimProcess(data, [port], root / "work").start()
    try:
        wait_until(lambda: snmp_answers(HOST, port, community=SZ_CASE), READY_TIMEOUT_S,
                   "snmpsim to answer", poll_s=0.2)
        yield port
    finally:
        sim.stop()


async def test_scg_arc_reads_as_the_sz_arc(scg_port: int) -> None:
    doc = load_case(SZ_CASE)
    target = build_target(SZ_CASE, doc, scg_port, "ruckus-sz")
    poller = ApPoller(SETTINGS, ProfileCatalog.load(), [target])
    try:
        polls = [await poller.poll() for _ in range(2)]  # a walk poll, then a GET poll
    finally:
        await poller.close()
    want = {(e["measurement"], tuple(sorted((k, str(v)) for k, v in e["tags"].items()))):
            e["fields"] for e in doc["expected"]}
    for report in polls:
        got = {key: {k: v for k, v in s.fields.items() if k != "poll_ms"}
               for key, s in by_series(report.samples).items()}
        assert got == want


async def asked(community: str, port: int, polls: int) -> list[list[str]]:
    """The OIDs each poll asked (walked columns and GET varbinds) of the SZ case's agent."""
    target = build_target(community, load_case(SZ_CASE), port, "ruckus-sz")
    target.session = session = RecordingSession(target)
    poller = ApPoller(SETTINGS, ProfileCatalog.load(), [target])
    out = []
    try:
        for _ in range(polls):
            walks, gets = len(session.walks), len(session.gets)
            await poller.poll()
            out.append(session.walks[walks:] + [o for g in session.gets[gets:] for o in g])
    finally:
        await poller.close()
    return out


async def test_an_sz_arc_agent_is_never_asked_the_scg_arc(scg_port: int) -> None:
    for oids in await asked(SZ_COMMUNITY, scg_port, polls=2):
        assert oids and not [o for o in oids if o.startswith(SCG_ARC)]


async def test_an_scg_arc_agent_is_read_on_its_arc_between_walks(scg_port: int) -> None:
    walk_poll, switch_poll, get_poll = await asked(SZ_CASE, scg_port, polls=3)
    # The walk finds the SZ arc empty and reads the SCG arc: nothing is asked twice.
    assert [o for o in walk_poll if o.startswith(SZ_ARC)]
    walked = [o for o in walk_poll if o.startswith(SCG_ARC)]
    assert walked and not [o for o in walk_poll for c in walked if o.startswith(c + ".")]
    # The first GET poll asks the SZ arc, finds nothing and switches at once; then SCG only.
    assert [o for o in switch_poll if o.startswith(SZ_ARC)]
    assert get_poll and not [o for o in get_poll if o.startswith(SZ_ARC)]
