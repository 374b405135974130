"""The only code that talks SNMP: GET for scalars, GETBULK (GETNEXT on v1) for tables.

v1/v2c go through netmon's own codec (ber.py) on one shared socket (community.py): about
ten times less CPU than pysnmp's pyasn1 codec. SNMPv3 (USM keys, engine discovery,
ciphers) goes through pysnmp's v3arch engine.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pyasn1.type import univ
from pysnmp.entity.rfc3413 import cmdgen
from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
)
from pysnmp.hlapi.v3arch.asyncio import auth as usm
from pysnmp.hlapi.v3arch.asyncio.lcd import CommandGeneratorLcdConfigurator
from pysnmp.proto import rfc1902, rfc1905

from collectors.snmp import ber
from collectors.snmp.community import CommunityChannel, RequestTimeout
from collectors.snmp.settings import SnmpCredentials
from collectors.snmp.values import (
    END_OF_MIB_VIEW,
    NO_SUCH_INSTANCE,
    NO_SUCH_OBJECT,
    NULL,
    Absent,
    Counter64,
    IpAddress,
    ObjectName,
    WireValue,
)

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
TOO_BIG, NO_SUCH_NAME = 1, 2  # RFC 3416 error-status
# Encoded VarBindLists kept per OID list: a fleet asks a handful of different lists.
VARBIND_CACHE_MAX = 4096
OID_TEXT_CACHE_MAX = 4096

OidTuple = tuple[int, ...]
VarBind = tuple[OidTuple, WireValue]


class SnmpError(Exception):
    """A request that got no usable answer; the message says what happened, not where."""


@functools.lru_cache(maxsize=OID_TEXT_CACHE_MAX)
def parse_oid(text: str) -> OidTuple:
    """Dotted OID text to a tuple; profiles name a few hundred, asked on every poll."""
    return tuple(int(part) for part in text.strip(".").split("."))


def auth_data(credentials: SnmpCredentials) -> CommunityData | UsmUserData:
    """pysnmp credentials from the config; secrets leave their wrapper only here."""
    if credentials.version in ("1", "2c"):
        assert credentials.community is not None  # guaranteed by the config model
        community = credentials.community.get_secret_value()
        return CommunityData(community, mpModel=0 if credentials.version == "1" else 1)
    return UsmUserData(
        credentials.user,
        authKey=credentials.auth_key.get_secret_value() if credentials.auth_key else None,
        privKey=credentials.priv_key.get_secret_value() if credentials.priv_key else None,
        authProtocol=AUTH_PROTOCOLS[credentials.auth_protocol],
        privProtocol=PRIV_PROTOCOLS[credentials.priv_protocol],
    )


@dataclass(slots=True)
class Endpoint:
    """One agent, resolved once: its address and credentials, as the path that asks it needs."""

    address: tuple[Any, ...]
    family: int
    bulk: bool
    tries: int
    timeout_s: float
    # v1/v2c on netmon's codec: the community (None when pysnmp asks this agent).
    community: bytes | None = None
    version: int = 1
    # pysnmp (SNMPv3, or every version when the client is told to use pysnmp).
    transport: UdpTransportTarget | None = None
    auth: CommunityData | UsmUserData | None = None
    context: ContextData | None = None
    target_name: str = ""  # the engine's SNMP-TARGET-MIB entry, registered up front

    @property
    def uses_pysnmp(self) -> bool:
        return self.community is None


@dataclass(slots=True)
class Walk:
    """What a table walk read: cells per column, whether it was cut short, the anchor value."""

    cells: dict[OidTuple, dict[OidTuple, Any]]
    truncated: bool = False
    anchor: Any = None


@dataclass(slots=True)
class _Reply:
    status: int
    index: int
    varbinds: list[VarBind] = field(default_factory=list)


def wire_value(value: Any) -> WireValue:
    """A pysnmp value as the same plain value netmon's codec gives."""
    if isinstance(value, rfc1905.EndOfMibView):
        return END_OF_MIB_VIEW
    if isinstance(value, rfc1905.NoSuchInstance):
        return NO_SUCH_INSTANCE
    if isinstance(value, rfc1905.NoSuchObject):
        return NO_SUCH_OBJECT
    if isinstance(value, univ.Null):
        return NULL
    if isinstance(value, rfc1902.IpAddress):
        return IpAddress(value.asOctets())
    if isinstance(value, univ.OctetString):
        return bytes(value.asOctets())
    if isinstance(value, univ.ObjectIdentifier):
        return ObjectName(tuple(value))
    if isinstance(value, rfc1902.Counter64):
        return Counter64(int(value))
    if isinstance(value, univ.Integer):
        return int(value)
    return bytes(str(value), "utf-8")  # a type polling never asks for: converts to nothing


async def _resolve(host: str, port: int) -> tuple[int, tuple[Any, ...]]:
    """(address family, socket address): IPv6 for an IPv6 literal, else IPv4 as pysnmp does."""
    try:
        family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    except ValueError:
        family = socket.AF_INET
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, family=family,
                                                         type=socket.SOCK_DGRAM)
    if not infos:
        raise OSError(f"cannot resolve {host}")
    return family, infos[0][4]


class SnmpClient:
    """Asks every AP: v1/v2c on netmon's codec, v3 on one pysnmp engine.

    `pysnmp_communities=True` sends v1/v2c through pysnmp too (the path before netmon had
    its own codec; kept for comparison in bench/).
    """

    def __init__(self, pysnmp_communities: bool = False) -> None:
        self.pysnmp_communities = pysnmp_communities
        self.channel = CommunityChannel()
        self._engine: SnmpEngine | None = None
        self._varbinds: dict[tuple[OidTuple, ...], bytes] = {}
        self._pysnmp_varbinds: dict[tuple[OidTuple, ...], list[tuple[Any, Any]]] = {}
        self._generators = {ber.GET_REQUEST: cmdgen.GetCommandGenerator(),
                            ber.GET_NEXT_REQUEST: cmdgen.NextCommandGenerator(),
                            ber.GET_BULK_REQUEST: cmdgen.BulkCommandGenerator()}
        self.requests = 0

    @property
    def engine(self) -> SnmpEngine:
        if self._engine is None:
            self._engine = SnmpEngine()
        return self._engine

    async def endpoint(self, host: str, port: int, credentials: SnmpCredentials,
                       timeout_s: float, retries: int) -> Endpoint:
        bulk, tries = credentials.version != "1", retries + 1
        if credentials.version in ("1", "2c") and not self.pysnmp_communities:
            assert credentials.community is not None  # guaranteed by the config model
            family, address = await _resolve(host, port)
            return Endpoint(address, family, bulk, tries, timeout_s,
                            community=credentials.community.get_secret_value().encode(),
                            version=0 if credentials.version == "1" else 1)
        transport = await UdpTransportTarget.create((host, port), timeout=timeout_s,
                                                    retries=retries)
        auth = auth_data(credentials)
        context = ContextData(contextName=credentials.context)
        # Registering while replies arrive is quadratically slow in pysnmp: do it up front.
        target_name, _ = CommandGeneratorLcdConfigurator().configure(
            self.engine, auth, transport, credentials.context)
        return Endpoint((host, port), socket.AF_INET, bulk, tries, timeout_s,
                        transport=transport, auth=auth, context=context,
                        target_name=target_name)

    def _encoded(self, oids: Sequence[OidTuple]) -> bytes:
        key = tuple(oids)
        encoded = self._varbinds.get(key)
        if encoded is None:
            if len(self._varbinds) >= VARBIND_CACHE_MAX:
                self._varbinds.clear()
            encoded = self._varbinds[key] = ber.encode_varbinds(key)
        return encoded

    async def _ask(self, endpoint: Endpoint, pdu_tag: int, oids: Sequence[OidTuple],
                   non_repeaters: int = 0, max_repetitions: int = 0) -> _Reply:
        """One request and its reply; SnmpError when none came or it could not be read."""
        self.requests += 1
        if endpoint.community is not None:
            try:
                response = await self.channel.request(
                    endpoint.address, endpoint.family, endpoint.version, endpoint.community,
                    pdu_tag, self._encoded(oids), endpoint.timeout_s, endpoint.tries,
                    non_repeaters, max_repetitions)
            except RequestTimeout:
                raise SnmpError(f"timeout after {endpoint.tries} tries") from None
            return _Reply(response.error_status, response.error_index, response.varbinds)
        err, status, index, varbinds = await self._pysnmp_request(
            endpoint, pdu_tag, oids, non_repeaters, max_repetitions)
        if err:
            text = str(err)
            if "timeout" in text.lower() or "no snmp response" in text.lower():
                raise SnmpError(f"timeout after {endpoint.tries} tries")
            raise SnmpError(text)
        return _Reply(int(status or 0), int(index or 0),
                      [(tuple(oid), wire_value(value)) for oid, value in varbinds])

    async def _pysnmp_request(self, endpoint: Endpoint, pdu_tag: int, oids: Sequence[OidTuple],
                              non_repeaters: int, max_repetitions: int) -> tuple[Any, ...]:
        """pysnmp's command generator driven directly: what its hlapi does per request
        (register the target, resolve each OID) was done once, up front."""
        assert endpoint.context is not None
        key = tuple(oids)
        varbinds = self._pysnmp_varbinds.get(key)
        if varbinds is None:
            if len(self._pysnmp_varbinds) >= VARBIND_CACHE_MAX:
                self._pysnmp_varbinds.clear()
            varbinds = self._pysnmp_varbinds[key] = [
                (rfc1902.ObjectName(oid), rfc1902.Null("")) for oid in key]
        future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

        def done(_engine: Any, _handle: Any, err: Any, status: Any, index: Any, answer: Any,
                 _context: Any) -> None:
            if not future.done():
                future.set_result((err, status, index, answer))

        generator = self._generators[pdu_tag]
        context = (endpoint.context.contextEngineId, endpoint.context.contextName)
        if pdu_tag == ber.GET_BULK_REQUEST:
            generator.send_varbinds(self.engine, endpoint.target_name, *context, non_repeaters,
                                    max_repetitions, varbinds, done, None)
        else:
            generator.send_varbinds(self.engine, endpoint.target_name, *context, varbinds,
                                    done, None)
        return await future

    @staticmethod
    def _check(reply: _Reply) -> None:
        if reply.status:
            raise SnmpError(f"agent error {ber.error_status_name(reply.status)} "
                            f"at index {reply.index}")

    async def get(self, endpoint: Endpoint, oids: Sequence[OidTuple],
                  prepared: Sequence[ObjectType] | None = None) -> dict[OidTuple, Any]:
        """GET scalars; absent ones (noSuchObject/noSuchInstance) are left out.

        `prepared` is no longer needed (both paths cache their encoded OIDs); kept so
        callers and subclasses written for it still work.
        """
        reply = await self._ask(endpoint, ber.GET_REQUEST, oids)
        self._check(reply)
        return {oid: value for oid, value in reply.varbinds if not isinstance(value, Absent)}

    async def walk_columns(self, endpoint: Endpoint, columns: Sequence[OidTuple],
                           max_repetitions: int, max_rows: int,
                           anchor: OidTuple | None = None) -> Walk:
        """Walk several columns of one table together, as {column: {index: value}}.

        `anchor` (a scalar such as sysUpTime.0) is read in the same PDU as the first rows,
        so counters can be timed by the agent's own clock.
        """
        walk = Walk({c: {} for c in columns})
        cursors = {c: c for c in columns}
        pending = list(columns)
        repetitions = max_repetitions
        anchor_pending = anchor is not None
        while pending:
            asked = [cursors[c] for c in pending]
            leading = 0
            if anchor_pending and anchor is not None:
                asked, leading = [anchor[:-1], *asked], 1  # GETNEXT of the parent is the instance
            if endpoint.bulk:
                reply = await self._ask(endpoint, ber.GET_BULK_REQUEST, asked,
                                        non_repeaters=leading, max_repetitions=repetitions)
            else:
                reply = await self._ask(endpoint, ber.GET_NEXT_REQUEST, asked)
            if reply.status == TOO_BIG and repetitions > 1:
                repetitions = max(1, repetitions // 2)  # the reply did not fit: ask for less
                continue
            if reply.status == NO_SUCH_NAME and not endpoint.bulk:
                # SNMPv1 says "end of MIB" this way: that column is done, ask for the rest.
                position = max(reply.index - 1, 0) - leading
                if position < 0:
                    anchor_pending = False
                else:
                    del pending[position]
                continue
            self._check(reply)
            varbinds = reply.varbinds
            if not varbinds:
                break
            if leading:
                anchor_oid, anchor_value = varbinds[0]
                if anchor_oid == anchor and not isinstance(anchor_value, Absent):
                    walk.anchor = anchor_value
                varbinds, anchor_pending = varbinds[1:], False
            finished: set[OidTuple] = set()
            width = len(pending)
            for position, (oid, value) in enumerate(varbinds):
                column = pending[position % width]
                if column in finished:
                    continue
                if (value is END_OF_MIB_VIEW or oid[: len(column)] != column
                        or oid <= cursors[column]):
                    finished.add(column)  # left the column, end of MIB, or a non-increasing OID
                    continue
                walk.cells[column][oid[len(column):]] = value
                cursors[column] = oid
            pending = [c for c in pending if c not in finished]
            if any(len(rows) >= max_rows for rows in walk.cells.values()):
                walk.truncated = True
                return walk
        return walk

    async def close(self) -> None:
        self.channel.close()
        if self._engine is not None:
            self._engine.close_dispatcher()
        await asyncio.sleep(0)
