"""The only code that talks SNMP: GET for scalars, GETBULK (GETNEXT on v1) for tables."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
    bulk_cmd,
    get_cmd,
    next_cmd,
)
from pysnmp.hlapi.v3arch.asyncio import auth as usm
from pysnmp.hlapi.v3arch.asyncio.lcd import CommandGeneratorLcdConfigurator
from pysnmp.proto.rfc1905 import EndOfMibView

from collectors.snmp.values import is_absent
from netmon.config.models import SnmpCredentials

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
OPTIONS = {"lookupMib": False}

OidTuple = tuple[int, ...]


class SnmpError(Exception):
    """A request that got no usable answer; the message says what happened, not where."""


def parse_oid(text: str) -> OidTuple:
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
    """One agent as pysnmp sees it: transport, credentials and context, built once."""

    transport: UdpTransportTarget
    auth: CommunityData | UsmUserData
    context: ContextData
    bulk: bool
    tries: int


@dataclass(slots=True)
class Walk:
    """What a table walk read: cells per column, whether it was cut short, the anchor value."""

    cells: dict[OidTuple, dict[OidTuple, Any]]
    truncated: bool = False
    anchor: Any = None


def _object_types(oids: Sequence[OidTuple]) -> list[ObjectType]:
    return [ObjectType(ObjectIdentity(oid)) for oid in oids]


class SnmpClient:
    """One pysnmp engine shared by every AP; endpoints are registered before traffic."""

    def __init__(self) -> None:
        self.engine = SnmpEngine()
        self.requests = 0

    async def endpoint(self, host: str, port: int, credentials: SnmpCredentials,
                       timeout_s: float, retries: int) -> Endpoint:
        transport = await UdpTransportTarget.create((host, port), timeout=timeout_s,
                                                    retries=retries)
        auth = auth_data(credentials)
        context = ContextData(contextName=credentials.context)
        # Registering while replies arrive is quadratically slow in pysnmp: do it up front.
        CommandGeneratorLcdConfigurator().configure(self.engine, auth, transport,
                                                    credentials.context)
        return Endpoint(transport, auth, context, bulk=credentials.version != "1",
                        tries=retries + 1)

    def _check(self, endpoint: Endpoint, error_indication: Any, error_status: Any,
               error_index: Any) -> None:
        if error_indication:
            text = str(error_indication)
            if "timeout" in text.lower() or "no snmp response" in text.lower():
                raise SnmpError(f"timeout after {endpoint.tries} tries")
            raise SnmpError(text)
        if error_status:
            raise SnmpError(f"agent error {error_status.prettyPrint()} at index {error_index}")

    async def get(self, endpoint: Endpoint, oids: Sequence[OidTuple],
                  prepared: Sequence[ObjectType] | None = None) -> dict[OidTuple, Any]:
        """GET scalars; absent ones (noSuchObject/noSuchInstance) are left out."""
        self.requests += 1
        err, status, index, varbinds = await get_cmd(
            self.engine, endpoint.auth, endpoint.transport, endpoint.context,
            *(prepared or _object_types(oids)), **OPTIONS)
        self._check(endpoint, err, status, index)
        return {tuple(oid): value for oid, value in varbinds if not is_absent(value)}

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
            self.requests += 1
            asked = [cursors[c] for c in pending]
            leading = 0
            if anchor_pending and anchor is not None:
                asked, leading = [anchor[:-1], *asked], 1  # GETNEXT of the parent is the instance
            if endpoint.bulk:
                err, status, index, varbinds = await bulk_cmd(
                    self.engine, endpoint.auth, endpoint.transport, endpoint.context,
                    leading, repetitions, *_object_types(asked), **OPTIONS)
            else:
                err, status, index, varbinds = await next_cmd(
                    self.engine, endpoint.auth, endpoint.transport, endpoint.context,
                    *_object_types(asked), **OPTIONS)
            if status and status.prettyPrint() == "tooBig" and repetitions > 1:
                repetitions = max(1, repetitions // 2)  # the reply did not fit: ask for less
                continue
            if status and status.prettyPrint() == "noSuchName" and not endpoint.bulk:
                # SNMPv1 says "end of MIB" this way: that column is done, ask for the rest.
                position = max(int(index) - 1, 0) - leading
                if position < 0:
                    anchor_pending = False
                else:
                    del pending[position]
                continue
            self._check(endpoint, err, status, index)
            if not varbinds:
                break
            if leading:
                anchor_oid, anchor_value = varbinds[0]
                if tuple(anchor_oid) == anchor and not is_absent(anchor_value):
                    walk.anchor = anchor_value
                varbinds, anchor_pending = varbinds[1:], False
            finished: set[OidTuple] = set()
            width = len(pending)
            for position, (oid_obj, value) in enumerate(varbinds):
                column = pending[position % width]
                if column in finished:
                    continue
                oid = tuple(oid_obj)
                if (isinstance(value, EndOfMibView) or oid[: len(column)] != column
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
        self.engine.close_dispatcher()
        await asyncio.sleep(0)

