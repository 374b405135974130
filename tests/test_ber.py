"""netmon's SNMP v1/v2c codec against pysnmp's (pyasn1): same bytes in, same values out."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api, rfc1902, rfc1905
from pysnmp.proto.api import v1, v2c

from collectors.snmp import ber
from collectors.snmp.session import wire_value
from collectors.snmp.values import (
    END_OF_MIB_VIEW,
    NO_SUCH_INSTANCE,
    NO_SUCH_OBJECT,
    NULL,
    Counter64,
    IpAddress,
    ObjectName,
    convert,
    counter_width,
    is_absent,
)

SYS_UPTIME = (1, 3, 6, 1, 2, 1, 1, 3, 0)
oids = st.tuples(st.integers(0, 2), st.integers(0, 39),
                 st.lists(st.integers(0, 2**32 - 1), max_size=12)).map(
    lambda t: (t[0], t[1], *t[2]))


def pysnmp_response(varbinds: list[tuple[tuple[int, ...], Any]], request_id: int = 7,
                    status: int = 0, index: int = 0, proto: Any = v2c,
                    community: str = "public") -> bytes:
    pdu = proto.GetResponsePDU() if proto is v1 else proto.ResponsePDU()
    proto.apiPDU.set_defaults(pdu)
    proto.apiPDU.set_request_id(pdu, request_id)
    proto.apiPDU.set_error_status(pdu, status)
    proto.apiPDU.set_error_index(pdu, index)
    proto.apiPDU.set_varbinds(pdu, varbinds)
    message = proto.Message()
    proto.apiMessage.set_defaults(message)
    proto.apiMessage.set_community(message, community)
    proto.apiMessage.set_pdu(message, pdu)
    return bytes(encoder.encode(message))


def test_request_reads_back_in_pysnmp() -> None:
    asked = [SYS_UPTIME, (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 4)]
    data = ber.encode_request(1, b"bench", ber.GET_BULK_REQUEST, 123456,
                              ber.encode_varbinds(asked), non_repeaters=1, max_repetitions=25)
    message, rest = decoder.decode(data, asn1Spec=v2c.Message())
    assert rest == b""
    assert int(message["version"]) == 1 and bytes(message["community"]) == b"bench"
    pdu = v2c.apiMessage.get_pdu(message)
    assert isinstance(pdu, v2c.GetBulkRequestPDU)
    assert int(v2c.apiPDU.get_request_id(pdu)) == 123456
    assert int(pdu["non-repeaters"]) == 1 and int(pdu["max-repetitions"]) == 25
    assert [tuple(oid) for oid, _ in v2c.apiPDU.get_varbinds(pdu)] == asked


def test_v1_get_reads_back_in_pysnmp() -> None:
    data = ber.encode_request(0, b"public", ber.GET_REQUEST, 2**31 - 2,
                              ber.encode_varbinds([SYS_UPTIME]))
    assert api.decodeMessageVersion(data) == api.SNMP_VERSION_1
    message, _ = decoder.decode(data, asn1Spec=v1.Message())
    assert isinstance(v1.apiMessage.get_pdu(message), v1.GetRequestPDU)


def test_every_value_type_decodes_as_pysnmp_sees_it() -> None:
    sent: list[tuple[tuple[int, ...], Any]] = [
        ((1, 3, 6, 1, 2, 1, 1, 3, 0), rfc1902.TimeTicks(4294967295)),
        ((1, 3, 6, 1, 1), rfc1902.Integer32(-2147483648)),
        ((1, 3, 6, 1, 2), rfc1902.Counter32(4294967295)),
        ((1, 3, 6, 1, 3), rfc1902.Gauge32(0)),
        ((1, 3, 6, 1, 4), rfc1902.Counter64(2**64 - 1)),
        ((1, 3, 6, 1, 5), rfc1902.OctetString(b"\x00AP\xff")),
        ((1, 3, 6, 1, 6), rfc1902.IpAddress("192.168.1.20")),
        ((1, 3, 6, 1, 7), rfc1902.ObjectIdentifier((1, 3, 6, 1, 4, 1, 41112, 1, 6))),
        ((1, 3, 6, 1, 8), rfc1902.Opaque(b"\x9f\x78\x04")),
        ((1, 3, 6, 1, 9), rfc1905.NoSuchObject("")),
        ((1, 3, 6, 1, 10), rfc1905.NoSuchInstance("")),
        ((1, 3, 6, 1, 11), rfc1905.EndOfMibView("")),
        ((1, 3, 6, 1, 12), rfc1902.Unsigned32(128)),
    ]
    reply = ber.decode_response(pysnmp_response(sent))
    assert (reply.version, reply.community, reply.request_id) == (1, b"public", 7)
    values = [value for _, value in reply.varbinds]
    assert [oid for oid, _ in reply.varbinds] == [oid for oid, _ in sent]
    assert values[:4] == [4294967295, -2147483648, 4294967295, 0]
    assert isinstance(values[4], Counter64) and values[4] == 2**64 - 1
    assert values[5] == b"\x00AP\xff" and values[8] == b"\x9f\x78\x04"
    assert isinstance(values[6], IpAddress) and str(values[6]) == "192.168.1.20"
    assert isinstance(values[7], ObjectName) and str(values[7]) == "1.3.6.1.4.1.41112.1.6"
    assert values[9:12] == [NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW]
    assert values[12] == 128
    # pysnmp's own path gives the same wire values (SNMPv3 replies go that way).
    assert [wire_value(v) for _, v in sent] == values


def test_v1_error_status_and_null() -> None:
    data = pysnmp_response([(SYS_UPTIME, rfc1902.Null(""))], status=2, index=1, proto=v1)
    reply = ber.decode_response(data)
    assert (reply.version, reply.error_status, reply.error_index) == (0, 2, 1)
    assert ber.error_status_name(reply.error_status) == "noSuchName"
    assert reply.varbinds == [(SYS_UPTIME, NULL)]


@given(st.lists(st.tuples(oids, st.integers(-2**31, 2**31 - 1)), max_size=20),
       st.integers(0, 2**31 - 1))
def test_oids_and_integers_match_pyasn1(varbinds: list[tuple[tuple[int, ...], int]],
                                        request_id: int) -> None:
    data = pysnmp_response([(o, rfc1902.Integer32(v)) for o, v in varbinds], request_id)
    reply = ber.decode_response(data)
    assert reply.request_id == request_id
    assert reply.varbinds == varbinds


@given(st.lists(oids, min_size=1, max_size=20))
def test_encoded_oids_match_pyasn1(asked: list[tuple[int, ...]]) -> None:
    varbinds = ber.encode_varbinds(asked)
    pdu = v2c.GetRequestPDU()
    v2c.apiPDU.set_defaults(pdu)
    v2c.apiPDU.set_varbinds(pdu, [(o, v2c.null) for o in asked])
    assert varbinds == bytes(encoder.encode(v2c.apiPDU.get_varbind_list(pdu)))


VALID = pysnmp_response([(SYS_UPTIME, rfc1902.TimeTicks(100)),
                         ((1, 3, 6, 1, 5), rfc1902.OctetString(b"eth0")),
                         ((1, 3, 6, 1, 4), rfc1902.Counter64(2**40))])


@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=6),
       st.binary(max_size=40))
def test_garbage_is_a_ber_error_never_a_crash(flips: list[tuple[int, int]],
                                              tail: bytes) -> None:
    data = bytearray(VALID)
    for position, byte in flips:
        data[position] = byte
    with contextlib.suppress(ber.BerError):
        ber.decode_response(bytes(data) + tail)


def test_truncated_reply_is_refused() -> None:
    data = pysnmp_response([(SYS_UPTIME, rfc1902.TimeTicks(100))])
    for cut in range(len(data)):
        with pytest.raises(ber.BerError):
            ber.decode_response(data[:cut])


@pytest.mark.parametrize(("value", "kind", "expected"), [
    (Counter64(5), "counter", 5),
    (42, "ticks", 42),
    (b"eth0\x00", "str", "eth0"),
    (b"\x00\x1a\x2b\x3c\x4d\x5e", "mac", "00:1a:2b:3c:4d:5e"),
    (b"\x01\xff", "hex", "01ff"),
    (ObjectName((1, 3, 6, 1, 4, 1, 9)), "oid", "1.3.6.1.4.1.9"),
    (ObjectName((1, 3, 6)), "int", None),
    (b"garbage", "int", None),
    (IpAddress(b"\x0a\x00\x00\x01"), "str", "10.0.0.1"),
    (IpAddress(b"\x0a\x00\x00\x01"), "int", None),
    (7, "str", "7"),
    (7, "oid", None),
    (NO_SUCH_INSTANCE, "int", None),
    (NULL, "str", None),
])
def test_convert_wire_values(value: object, kind: str, expected: object) -> None:
    assert convert(value, kind) == expected


def test_absent_and_counter_width() -> None:
    assert all(is_absent(v) for v in (NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW, NULL))
    assert not is_absent(0) and not is_absent(b"")
    assert counter_width(Counter64(1)) == 64 and counter_width(1) == 32
