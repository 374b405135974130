"""A blocking SNMP GET, enough to tell whether an agent is listening yet."""

from __future__ import annotations

import asyncio

from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    get_cmd,
)

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"


async def _ask(host: str, port: int, community: str, timeout_s: float) -> bool:
    engine = SnmpEngine()
    try:
        target = await UdpTransportTarget.create((host, port), timeout=timeout_s, retries=0)
        error, status, _, _ = await get_cmd(engine, CommunityData(community), target,
                                            ContextData(), ObjectType(ObjectIdentity(SYS_UPTIME)),
                                            lookupMib=False)
        return not error and not status
    finally:
        engine.close_dispatcher()


def snmp_answers(host: str, port: int, community: str = "public", timeout_s: float = 0.5) -> bool:
    """True when the agent at host:port answers a v2c GET (call it outside an event loop)."""
    return asyncio.run(_ask(host, port, community, timeout_s))
