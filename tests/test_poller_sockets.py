"""The poller's sockets: within the fd budget, closed when over it, never on the wildcard."""

from __future__ import annotations

import os
import resource
from pathlib import Path

from collectors.snmp.poller import ApPoller, PollTarget
from collectors.snmp.profile import default_catalog
from collectors.snmp.settings import PollSettings
from collectors.snmp.sockets import SessionPool
from netmon.config.models import AccessPoint
from tests.support.agents import COMMUNITY, Snmpd, credentials

CREDENTIALS = credentials(version="2c", community=COMMUNITY)
LOOPBACK_HEX = "0100007F"  # 127.0.0.1 as /proc/net/udp writes it


def _targets(port: int, count: int) -> list[PollTarget]:
    aps = [AccessPoint(id=f"ap-{i}", name=f"AP {i}", zone="centre", lat=45.69, lon=5.91,
                       host="127.0.0.1", port=port, credentials=CREDENTIALS)
           for i in range(count)]
    return [PollTarget(ap.id, "127.0.0.1", port, CREDENTIALS, "generic", [ap]) for ap in aps]


def udp_sockets() -> dict[str, str]:
    """This process's UDP sockets: inode -> local address (hex, as /proc/net/udp has it)."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            link = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    local = {}
    for line in Path("/proc/net/udp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[9] in inodes:
            local[fields[9]] = fields[1]
    return local


async def test_sockets_stay_within_the_pool_and_bind_to_the_route(snmpd: Snmpd) -> None:
    before = udp_sockets()
    targets = _targets(snmpd.port, 8)
    poller = ApPoller(PollSettings(timeout_s=1, retries=0, concurrency=2), default_catalog(),
                      targets, SessionPool(3))
    try:
        for _ in range(2):  # the second poll reopens the sockets the first one closed
            cycle = await poller.poll()
            assert all(o.up for o in cycle.observations)
            ours = {i: a for i, a in udp_sockets().items() if i not in before}
            assert len(ours) <= 3  # the pool's capacity, once the cycle is over
            assert ours and all(a.startswith(LOOPBACK_HEX + ":") for a in ours.values())
        assert poller.sessions.closed >= 8 - 3
    finally:
        await poller.close()
    assert not {i for i in udp_sockets() if i not in before}  # closed when the poller is


def test_fd_budget_raises_the_soft_limit_to_the_hard_one() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
        pool = SessionPool.for_fleet(10_000, concurrency=50)
        assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == hard
        assert pool.capacity == min(10_000, hard - 512 - 50)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
