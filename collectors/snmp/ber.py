"""BER for SNMP v1/v2c messages: requests out, responses in; only what a poller needs.

pysnmp decodes through pyasn1 (about 0.4 ms per varbind); this codec reads the same bytes
with a few slices and a cache of the OIDs already seen, which recur on every poll.
"""

from __future__ import annotations

from dataclasses import dataclass

from collectors.snmp.values import (
    END_OF_MIB_VIEW,
    NO_SUCH_INSTANCE,
    NO_SUCH_OBJECT,
    NULL,
    Counter64,
    IpAddress,
    ObjectName,
    WireValue,
)

OidTuple = tuple[int, ...]

SEQUENCE = 0x30
INTEGER = 0x02
OCTET_STRING = 0x04
NULL_TAG = 0x05
OBJECT_IDENTIFIER = 0x06
IP_ADDRESS = 0x40
COUNTER32 = 0x41
GAUGE32 = 0x42
TIME_TICKS = 0x43
OPAQUE = 0x44
COUNTER64 = 0x46
UNSIGNED32 = 0x47  # SNMPv1 UInteger32
GET_REQUEST = 0xA0
GET_NEXT_REQUEST = 0xA1
RESPONSE = 0xA2
GET_BULK_REQUEST = 0xA5
UNSIGNED_TAGS = frozenset((COUNTER32, GAUGE32, TIME_TICKS, UNSIGNED32))
EXCEPTIONS = {0x80: NO_SUCH_OBJECT, 0x81: NO_SUCH_INSTANCE, 0x82: END_OF_MIB_VIEW}
# Names as pysnmp prints them (RFC 3416 error-status), so messages read the same either way.
ERROR_STATUS_NAMES = (
    "noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess",
    "wrongType", "wrongLength", "wrongEncoding", "wrongValue", "noCreation",
    "inconsistentValue", "resourceUnavailable", "commitFailed", "undoFailed",
    "authorizationError", "notWritable", "inconsistentName")
# OIDs decoded so far, by their encoding: a fleet asks the same few hundred on every poll.
OID_CACHE_MAX = 200_000
_oid_cache: dict[bytes, OidTuple] = {}
_NULL_VALUE = b"\x05\x00"


class BerError(ValueError):
    """Bytes that are not an SNMP v1/v2c response this codec understands."""


@dataclass(frozen=True, slots=True)
class Response:
    """A decoded Response-PDU."""

    version: int
    community: bytes
    request_id: int
    error_status: int
    error_index: int
    varbinds: list[tuple[OidTuple, WireValue]]


def error_status_name(status: int) -> str:
    return ERROR_STATUS_NAMES[status] if 0 <= status < len(ERROR_STATUS_NAMES) else str(status)


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes((tag,)) + _length(len(body)) + body


def _integer(value: int) -> bytes:
    return _tlv(INTEGER, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def encode_oid(oid: OidTuple) -> bytes:
    """The OBJECT IDENTIFIER TLV of `oid` (at least two arcs)."""
    if len(oid) < 2 or oid[0] > 2 or (oid[0] < 2 and oid[1] >= 40):
        raise BerError(f"cannot encode OID {oid}")
    body = bytearray()
    for arc in (oid[0] * 40 + oid[1], *oid[2:]):
        if arc < 0:
            raise BerError(f"cannot encode OID {oid}")
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return _tlv(OBJECT_IDENTIFIER, bytes(body))


def encode_varbinds(oids: list[OidTuple] | tuple[OidTuple, ...]) -> bytes:
    """The VarBindList of a request: each OID with a NULL value."""
    return _tlv(SEQUENCE, b"".join(_tlv(SEQUENCE, encode_oid(o) + _NULL_VALUE) for o in oids))


def encode_request(version: int, community: bytes, pdu_tag: int, request_id: int,
                   varbinds: bytes, non_repeaters: int = 0, max_repetitions: int = 0) -> bytes:
    """A whole message; `varbinds` from encode_varbinds (callers cache it)."""
    pdu = _tlv(pdu_tag, _integer(request_id) + _integer(non_repeaters)
               + _integer(max_repetitions) + varbinds)
    return _tlv(SEQUENCE, _integer(version) + _tlv(OCTET_STRING, community) + pdu)


def _header(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, body start, body end) of the TLV at `pos`; never reads past `end`."""
    if pos + 2 > end:
        raise BerError("truncated")
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > end:
            raise BerError("bad length")
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    if pos + length > end:
        raise BerError("truncated")
    return tag, pos, pos + length


def _expect(data: bytes, pos: int, end: int, tag: int) -> tuple[int, int]:
    found, start, stop = _header(data, pos, end)
    if found != tag:
        raise BerError(f"expected tag {tag:#x}, found {found:#x}")
    return start, stop


def decode_oid(body: bytes) -> OidTuple:
    cached = _oid_cache.get(body)
    if cached is not None:
        return cached
    arcs: list[int] = []
    value = 0
    for byte in body:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    if not arcs or body[-1] & 0x80:
        raise BerError("bad OID")
    first = arcs[0]
    head = (first // 40, first % 40) if first < 80 else (2, first - 80)
    oid = (*head, *arcs[1:])
    if len(_oid_cache) >= OID_CACHE_MAX:
        _oid_cache.clear()
    _oid_cache[body] = oid
    return oid


def _value(tag: int, body: bytes) -> WireValue:
    if tag in UNSIGNED_TAGS:
        return int.from_bytes(body, "big")
    if tag == INTEGER:
        return int.from_bytes(body, "big", signed=True)
    if tag in (OCTET_STRING, OPAQUE):
        return body
    if tag == COUNTER64:
        return Counter64(int.from_bytes(body, "big"))
    if tag == OBJECT_IDENTIFIER:
        return ObjectName(decode_oid(body))
    if tag == IP_ADDRESS:
        return IpAddress(body)
    if tag == NULL_TAG:
        return NULL
    exception = EXCEPTIONS.get(tag)
    if exception is not None:
        return exception
    return body  # a type SNMP polling never asks for: kept as bytes, converts to nothing


def _small_int(data: bytes, pos: int, end: int) -> tuple[int, int]:
    start, stop = _expect(data, pos, end, INTEGER)
    if stop == start:
        raise BerError("empty INTEGER")
    return int.from_bytes(data[start:stop], "big", signed=True), stop


def decode_response(data: bytes) -> Response:
    """A Response-PDU (v1 GetResponse or v2c Response); BerError for anything else."""
    try:
        end = len(data)
        pos, end = _expect(data, 0, end, SEQUENCE)
        version, pos = _small_int(data, pos, end)
        start, pos = _expect(data, pos, end, OCTET_STRING)
        community = data[start:pos]
        pos, end = _expect(data, pos, end, RESPONSE)
        request_id, pos = _small_int(data, pos, end)
        error_status, pos = _small_int(data, pos, end)
        error_index, pos = _small_int(data, pos, end)
        pos, end = _expect(data, pos, end, SEQUENCE)
        varbinds: list[tuple[OidTuple, WireValue]] = []
        append = varbinds.append
        while pos < end:
            start, pos = _expect(data, pos, end, SEQUENCE)
            oid_start, oid_end = _expect(data, start, pos, OBJECT_IDENTIFIER)
            tag, value_start, value_end = _header(data, oid_end, pos)
            append((decode_oid(data[oid_start:oid_end]), _value(tag, data[value_start:value_end])))
    except IndexError as exc:
        raise BerError("truncated") from exc
    return Response(version, community, request_id, error_status, error_index, varbinds)
