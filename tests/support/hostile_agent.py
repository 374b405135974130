"""SNMP agents that answer as buggy firmware or an attacker would, on 127.0.0.1.

net-snmp and snmpsim cannot send malformed replies, so this agent writes its own bytes: the
request is decoded with pysnmp, the answer is BER put together by hand (no library writes
an INTEGER of 500 bytes or a 4 GiB length on purpose). Each `Mode` is one way to be wrong.
"""

from __future__ import annotations

import enum
import os
import socket
import threading
import time
from itertools import cycle
from typing import Final

from pyasn1.codec.ber import decoder
from pysnmp.proto import api

SYS_UPTIME: Final = (1, 3, 6, 1, 2, 1, 1, 3, 0)
SEQUENCE, INTEGER, OCTET_STRING, OID, TIME_TICKS, COUNTER64 = 0x30, 0x02, 0x04, 0x06, 0x43, 0x46
GET_RESPONSE, GET_REQUEST, END_OF_MIB_VIEW, NULL = 0xA2, 0xA0, 0x82, 0x05
GEN_ERR = 5  # RFC 3416 error-status
HUGE: Final = int.from_bytes(b"\x7f" + b"\xff" * 499, "big")  # 500 bytes of INTEGER (gufo-snmp
# reads replies of up to 4 kB: a few of these fit)
FLOOD: Final = 100  # stray datagrams before each true reply (more would overflow the
# socket buffer, 208 kB by default, and drop the true reply with them: the kernel's limit)


class Mode(enum.Enum):
    # GETs get a 500-byte INTEGER; walks, that and Counter64s past 2^63 and 2^64, in turn.
    OVERSIZED_INTEGERS = "oversized-integers"
    GARBAGE = "garbage"  # random bytes
    TRUNCATED = "truncated"  # a true reply cut in half
    WRONG_REQUEST_ID = "wrong-request-id"
    OTHER_PORT = "other-port"  # a true reply, sent from another port
    HUGE_LENGTH = "huge-length"  # a SEQUENCE claiming 4 GiB
    OVERSIZED_OID = "oversized-oid"  # a 1,000-arc OID with arcs past 2^64
    GEN_ERR = "gen-err"  # every request refused: genErr at index 1, the varbinds echoed
    LATE_STRAYS = "late-strays"  # a true reply, then 20 copies when nobody waits any more
    FLOOD = "flood"  # 100 stray datagrams (wrong id, and from another port), then the reply


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes((size,))
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes((tag,)) + _length(len(body)) + body


def _integer(value: int, tag: int = INTEGER) -> bytes:
    return _tlv(tag, value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True))


def _arc(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def _oid(oid: tuple[int, ...]) -> bytes:
    return _tlv(OID, bytes((oid[0] * 40 + oid[1],)) + b"".join(_arc(a) for a in oid[2:]))


BAD_VALUES: Final = (_integer(HUGE), _tlv(COUNTER64, (2**63 + 1).to_bytes(9, "big")),
                     _tlv(COUNTER64, (2**64 + 1).to_bytes(9, "big")))


class HostileAgent:
    """Serves one `Mode` on 127.0.0.1 from a thread until `stop`."""

    def __init__(self, mode: Mode = Mode.OVERSIZED_INTEGERS) -> None:
        self.mode = mode
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.stranger.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.asked = 0  # requests received (counted before the answer, which may sleep)
        self.answered = 0
        self._bad = cycle(BAD_VALUES)
        self._rows: set[tuple[int, ...]] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        module = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(65535)
            except TimeoutError:
                continue
            try:
                message, _ = decoder.decode(data, asn1Spec=module.Message())
            except Exception:
                continue  # not SNMP v2c: a real agent would drop it too
            pdu = module.apiMessage.get_pdu(message)
            request_id = int(module.apiPDU.get_request_id(pdu))
            oids = [tuple(o) for o, _ in module.apiPDU.get_varbinds(pdu)]
            is_get = pdu.tagSet[0][2] == GET_REQUEST & 0x1F
            community = bytes(module.apiMessage.get_community(message))
            self.asked += 1
            self._answer(peer, community, request_id, oids, is_get)
            self.answered += 1

    def _reply(self, community: bytes, request_id: int, varbinds: bytes, status: int = 0,
               index: int = 0) -> bytes:
        body = _integer(request_id) + _integer(status) + _integer(index) + \
            _tlv(SEQUENCE, varbinds)
        return _tlv(SEQUENCE, _integer(1) + _tlv(OCTET_STRING, community)
                    + _tlv(GET_RESPONSE, body))

    def _answer(self, peer: tuple[str, int], community: bytes, request_id: int,
                oids: list[tuple[int, ...]], is_get: bool) -> None:
        mode = self.mode
        if mode is Mode.OVERSIZED_INTEGERS:
            varbinds = b"".join(self._bad_varbind(o, is_get) for o in oids)
            self.sock.sendto(self._reply(community, request_id, varbinds), peer)
            return
        # Late copies carry an older uptime than the next reply: a stale copy taken for
        # the reply would show.
        ticks = 123_456 + (100 * (self.asked - 1) if mode is Mode.LATE_STRAYS else 0)
        truth = b"".join(_tlv(SEQUENCE, _oid(o) + _integer(ticks, TIME_TICKS)) for o in oids)
        reply = self._reply(community, request_id, truth)
        if mode is Mode.GARBAGE:
            self.sock.sendto(b"\x30" + os.urandom(60), peer)
        elif mode is Mode.TRUNCATED:
            self.sock.sendto(reply[: len(reply) // 2], peer)
        elif mode is Mode.WRONG_REQUEST_ID:
            self.sock.sendto(self._reply(community, request_id + 1, truth), peer)
        elif mode is Mode.OTHER_PORT:
            self.stranger.sendto(reply, peer)
        elif mode is Mode.HUGE_LENGTH:
            self.sock.sendto(b"\x30\x84\xff\xff\xff\xff" + reply[2:], peer)
        elif mode is Mode.OVERSIZED_OID:
            arcs = (1, 3, *([2**70] * 1000))
            varbinds = b"".join(_tlv(SEQUENCE, _oid(arcs) + _integer(1)) for _ in oids)
            self.sock.sendto(self._reply(community, request_id, varbinds), peer)
        elif mode is Mode.GEN_ERR:
            echoed = b"".join(_tlv(SEQUENCE, _oid(o) + bytes((NULL, 0))) for o in oids)
            self.sock.sendto(self._reply(community, request_id, echoed, GEN_ERR, 1), peer)
        elif mode is Mode.LATE_STRAYS:
            self.sock.sendto(reply, peer)
            time.sleep(0.05)
            for _ in range(20):
                self.sock.sendto(reply, peer)
        elif mode is Mode.FLOOD:
            stray = self._reply(community, request_id + 7, truth)
            for _ in range(FLOOD):
                self.sock.sendto(stray, peer)
                self.stranger.sendto(reply, peer)
            self.sock.sendto(reply, peer)

    def _bad_varbind(self, oid: tuple[int, ...], is_get: bool) -> bytes:
        if is_get:  # every value but the uptime is the 500-byte INTEGER
            value = _integer(123_456, TIME_TICKS) if oid == SYS_UPTIME else BAD_VALUES[0]
            return _tlv(SEQUENCE, _oid(oid) + value)
        if oid in self._rows:  # the walk asks past the one row: the MIB ends
            return _tlv(SEQUENCE, _oid(oid) + bytes((END_OF_MIB_VIEW, 0)))
        row = (*oid, 1)
        self._rows.add(row)
        return _tlv(SEQUENCE, _oid(row) + next(self._bad))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()
        self.stranger.close()
