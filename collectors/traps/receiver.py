"""TrapReceiver: SNMP v1/v2c/v3 traps and informs on the running asyncio loop (pysnmp).

Traps with a wrong community, an unknown user, a bad digest or an undecryptable body are
dropped by pysnmp; the receiver counts them (from pysnmp's own MIB counters, read around each
datagram so the sender's address is known) and logs each one, never acting on it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pysnmp.carrier.asyncio.dgram import udp
from pysnmp.entity import config as snmp_config
from pysnmp.entity import engine
from pysnmp.entity.rfc3413 import ntfrcv
from pysnmp.hlapi.v3arch.asyncio import auth as usm
from pysnmp.proto.api import v2c

from collectors.traps.catalog import SNMP_TRAP_OID
from collectors.traps.settings import TrapSettings

log = logging.getLogger(__name__)
AUTH_PROTOCOLS = {
    "none": usm.USM_AUTH_NONE,
    "md5": usm.USM_AUTH_HMAC96_MD5,
    "sha": usm.USM_AUTH_HMAC96_SHA,
    "sha224": usm.USM_AUTH_HMAC128_SHA224,
    "sha256": usm.USM_AUTH_HMAC192_SHA256,
    "sha384": usm.USM_AUTH_HMAC256_SHA384,
    "sha512": usm.USM_AUTH_HMAC384_SHA512,
}
PRIV_PROTOCOLS = {
    "none": usm.USM_PRIV_NONE,
    "des": usm.USM_PRIV_CBC56_DES,
    "aes": usm.USM_PRIV_CFB128_AES,
    "aes128": usm.USM_PRIV_CFB128_AES,
    "aes192": usm.USM_PRIV_CFB192_AES,
    "aes256": usm.USM_PRIV_CFB256_AES,
}
# pysnmp's counters of messages it refused: (MIB module, symbol).
REJECTION_COUNTERS = (
    ("__SNMPv2-MIB", "snmpInBadCommunityNames"),
    ("__SNMP-USER-BASED-SM-MIB", "usmStatsUnknownUserNames"),
    ("__SNMP-USER-BASED-SM-MIB", "usmStatsWrongDigests"),
    ("__SNMP-USER-BASED-SM-MIB", "usmStatsUnknownEngineIDs"),
    ("__SNMP-USER-BASED-SM-MIB", "usmStatsDecryptionErrors"),
    ("__SNMP-USER-BASED-SM-MIB", "usmStatsNotInTimeWindows"),
    ("__SNMP-USER-BASED-SM-MIB", "usmStatsUnsupportedSecLevels"),
)


@dataclass(frozen=True, slots=True)
class Trap:
    """One accepted notification."""

    source: str  # sender's IP address
    port: int
    security: str  # community index or v3 user
    trap_oid: str
    varbinds: dict[str, str]
    time_ns: int


@dataclass(slots=True)
class TrapCounters:
    received: int = 0
    accepted: int = 0
    rejected: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)


class _CountingTransport(udp.UdpAsyncioTransport):  # type: ignore[misc]
    """Remembers who sent the datagram pysnmp is processing, and what pysnmp refused."""

    def __init__(self, receiver: TrapReceiver) -> None:
        super().__init__()
        self.receiver = receiver

    def datagram_received(self, datagram: bytes, address: Any) -> None:
        callback = self._callback_function
        if callback is None:
            return
        self.loop.call_soon(self.receiver._process, callback, self, address, datagram)


class TrapReceiver:
    """Listens where `traps.listen` says; `on_trap` gets every accepted trap, on the loop."""

    def __init__(self, settings: TrapSettings, on_trap: Callable[[Trap], None]) -> None:
        self.settings = settings
        self.on_trap = on_trap
        self.counters = TrapCounters()
        self.engine: Any = None
        self._receiver: Any = None
        self._security_names: dict[str, str] = {}

    async def start(self) -> None:
        snmp_engine = engine.SnmpEngine()
        transport = _CountingTransport(self).open_server_mode(self.settings.address)
        snmp_config.add_transport(snmp_engine, udp.DOMAIN_NAME, transport)
        await transport._lport  # bound now, or the error (port in use) is raised here
        for i, community in enumerate(self.settings.communities):
            index = f"community-{i + 1}"
            snmp_config.add_v1_system(snmp_engine, index, community.get_secret_value())
        for user in self.settings.v3_users:
            snmp_config.add_v3_user(
                snmp_engine, user.user, AUTH_PROTOCOLS[user.auth_protocol],
                user.auth_key.get_secret_value() if user.auth_key else None,
                PRIV_PROTOCOLS[user.priv_protocol],
                user.priv_key.get_secret_value() if user.priv_key else None,
                securityEngineId=v2c.OctetString(hexValue=user.engine_id))
        self._receiver = ntfrcv.NotificationReceiver(snmp_engine, self._received)
        self.engine = snmp_engine
        log.info("trap receiver listening on udp %s", self.settings.listen)

    async def stop(self) -> None:
        if self.engine is not None:
            self._receiver.close(self.engine)
            self.engine.transport_dispatcher.close_dispatcher()
            self.engine = None

    def _rejections(self) -> dict[str, int]:
        builder = self.engine.get_mib_builder()
        return {symbol: int(builder.import_symbols(module, symbol)[0].syntax)
                for module, symbol in REJECTION_COUNTERS}

    def _process(self, callback: Callable[..., None], transport: Any, address: Any,
                 datagram: bytes) -> None:
        self.counters.received += 1
        before = self._rejections()
        try:
            callback(transport, address, datagram)
        except Exception:  # a malformed datagram must not stop the receiver
            log.exception("trap from %s: could not be processed", address[0])
        after = self._rejections()
        for reason, count in after.items():
            if count > before[reason]:
                self.counters.rejected += 1
                self.counters.by_reason[reason] = self.counters.by_reason.get(reason, 0) + 1
                log.warning("trap from %s:%s rejected: %s (%d rejected so far)", address[0],
                            address[1], reason, self.counters.rejected)

    def _received(self, snmp_engine: Any, state_reference: Any, context_engine_id: Any,
                  context_name: Any, varbinds: Any, cb_ctx: Any) -> None:
        context = snmp_engine.observer.get_execution_context("rfc3412.receiveMessage:request")
        address = context["transportAddress"]
        security = str(context.get("securityName", ""))
        values = {str(oid): value.prettyPrint() for oid, value in varbinds}
        trap = Trap(str(address[0]), int(address[1]), security,
                    values.get(SNMP_TRAP_OID, ""), values, time.time_ns())
        self.counters.accepted += 1
        try:
            self.on_trap(trap)
        except Exception:
            log.exception("trap from %s: handler failed", trap.source)
