"""Hostile replies: each hostile AP's error says what was wrong, and 50 healthy APs polled
beside them in the same cycle are all read, on time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from collectors.snmp.poller import ApPoller, PollTarget, cycle_budget_s
from collectors.snmp.profile import default_catalog
from collectors.snmp.settings import PollSettings
from netmon.config.models import AccessPoint
from tests.support.agents import COMMUNITY, Snmpd, credentials
from tests.support.hostile_agent import HostileAgent, Mode
from tests.support.wait import async_wait_until

HEALTHY = 50
SETTINGS = PollSettings(interval_s=5, timeout_s=0.5, retries=1)
CREDENTIALS = credentials(version="2c", community=COMMUNITY)
# What the poller can know of each: a reply it could not decode, replies that answered
# nothing it asked, or nothing at all (the kernel drops a reply from another port).
MALFORMED = "malformed reply (2 undecodable datagrams, last: "
EXPECTED_ERRORS = {
    Mode.GARBAGE: MALFORMED,
    Mode.TRUNCATED: MALFORMED,
    Mode.HUGE_LENGTH: MALFORMED,
    Mode.OVERSIZED_OID: MALFORMED,
    Mode.WRONG_REQUEST_ID: "timeout after 2 tries (datagrams came from the agent, but "
                           "answered no request of ours)",
    Mode.OTHER_PORT: "timeout after 2 tries",
    # gufo-snmp drops the error-status; netmon reads it from a peek at the datagram.
    Mode.GEN_ERR: "request refused by the agent: genErr at index 1 (1.3.6.1.2.1.1.3.0)",
}


def _target(ap_id: str, port: int) -> PollTarget:
    ap = AccessPoint(id=ap_id, name=ap_id, zone="centre", lat=45.69, lon=5.91,
                     host="127.0.0.1", port=port, credentials=CREDENTIALS)
    return PollTarget(ap_id, "127.0.0.1", port, CREDENTIALS, "generic", [ap], interval_s=5)


@pytest.fixture
def hostile() -> Iterator[dict[Mode, HostileAgent]]:
    agents = {mode: HostileAgent(mode) for mode in Mode}
    yield agents
    for agent in agents.values():
        agent.stop()


async def test_hostile_agents_are_named_and_blind_no_one(snmpd: Snmpd,
                                                         hostile: dict[Mode, HostileAgent]
                                                         ) -> None:
    targets = [_target(f"ap-{i:02d}", snmpd.port) for i in range(HEALTHY)]
    targets += [_target(mode.value, agent.port) for mode, agent in hostile.items()]
    poller = ApPoller(SETTINGS, default_catalog(), targets)
    try:
        for _ in range(2):  # the first poll walks, the second reads known rows
            cycle = await poller.poll()
            by_id = {o.ap_id: o for o in cycle.observations}
            assert cycle.duration_s < cycle_budget_s(SETTINGS.interval_s)
            assert all(by_id[f"ap-{i:02d}"].up and by_id[f"ap-{i:02d}"].error is None
                       for i in range(HEALTHY))
            for mode, expected in EXPECTED_ERRORS.items():
                seen = by_id[mode.value]
                prefix = f"{mode.value} 127.0.0.1:{hostile[mode].port}: "
                assert not seen.up and seen.error is not None, mode
                assert seen.error.startswith(prefix + expected), seen.error
            # The flood (stray replies from its port, a stranger's from another) is read
            # around: the true reply still counts; so are replies repeated too late.
            assert by_id[Mode.FLOOD.value].up and by_id[Mode.LATE_STRAYS.value].up
            oversized = by_id[Mode.OVERSIZED_INTEGERS.value]
            assert oversized.up and oversized.error is not None
            assert "is out of range for counter64, dropped" in oversized.error
        # Reads of stray datagrams are counted (at least one per try of the wrong-request-id
        # agent; gufo-snmp may discard several in one read); a stranger's never reach netmon.
        assert poller.dropped_datagrams() >= 2 * 2
    finally:
        await poller.close()


async def test_datagrams_nobody_waits_for_do_not_keep_the_loop_busy() -> None:
    agent = HostileAgent(Mode.LATE_STRAYS)
    target = _target("late", agent.port)
    poller = ApPoller(SETTINGS, default_catalog(), [target])
    try:
        assert (await poller.poll()).observations[0].up
        assert target.session is not None
        # The socket holds copies of a reply nobody waits for: it stops being watched (the
        # event loop would otherwise wake for them again and again), and the next poll
        # throws them away and gets its own reply (a newer uptime than the copies carry).
        # Whether netmon or gufo discards them depends on when the reply lands: not counted.
        session = target.session
        await async_wait_until(lambda: not session.watched, 5,
                               "the socket no longer watched")
        asked = agent.asked  # the next GET is the first request of the next poll
        later = (await poller.poll()).observations[0]
        assert later.up and later.uptime_s == pytest.approx(1234.56 + asked)
        await async_wait_until(lambda: not session.watched, 5,
                               "the socket no longer watched after the second poll")
    finally:
        await poller.close()
        agent.stop()
