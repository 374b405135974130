"""An SNMP agent that answers every GET with integers no SNMP type can carry.

Buggy firmware or an attacker can send them; net-snmp and snmpsim (pyasn1's constraints)
cannot, so this agent writes its answers with netmon's own BER helpers. It decodes the
request with pysnmp, answers sysUpTime truthfully and every other OID with an INTEGER of
3,000 bytes, or a Counter64 just past 2^63 or 2^64, in turn; a walk of a table column finds
one row (index 1) holding such a value.
"""

from __future__ import annotations

import socket
import threading
from itertools import cycle
from typing import Final

from pyasn1.codec.ber import decoder
from pysnmp.proto import api

from collectors.snmp.ber import _integer, _tlv, encode_oid

SYS_UPTIME: Final = (1, 3, 6, 1, 2, 1, 1, 3, 0)
SEQUENCE, OCTET_STRING, TIME_TICKS, COUNTER64 = 0x30, 0x04, 0x43, 0x46
GET_RESPONSE, GET_REQUEST, END_OF_MIB_VIEW = 0xA2, 0xA0, 0x82
HUGE: Final = int.from_bytes(b"\x7f" + b"\xff" * 2999, "big")  # 3,000 bytes of INTEGER


def _counter64(value: int) -> bytes:
    return _tlv(COUNTER64, value.to_bytes((value.bit_length() + 8) // 8, "big"))


BAD_VALUES: Final = (_integer(HUGE), _counter64(2**63 + 1), _counter64(2**64 + 1))


class HostileAgent:
    """Serves on 127.0.0.1 from a thread until `stop`."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
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
            varbinds = b"".join(self._varbind(o, is_get) for o in oids)
            body = _integer(request_id) + _integer(0) + _integer(0) + _tlv(SEQUENCE, varbinds)
            community = bytes(module.apiMessage.get_community(message))
            answer = _tlv(SEQUENCE, _integer(1) + _tlv(OCTET_STRING, community)
                          + _tlv(GET_RESPONSE, body))
            self.sock.sendto(answer, peer)
            self.answered += 1

    def _varbind(self, oid: tuple[int, ...], is_get: bool) -> bytes:
        if is_get:
            value = _tlv(TIME_TICKS, (123_456).to_bytes(3, "big")) if oid == SYS_UPTIME \
                else next(self._bad)
            return _tlv(SEQUENCE, encode_oid(oid) + value)
        if oid in self._rows:  # the walk asks past the one row: the MIB ends
            return _tlv(SEQUENCE, encode_oid(oid) + bytes((END_OF_MIB_VIEW, 0)))
        row = (*oid, 1)
        self._rows.add(row)
        return _tlv(SEQUENCE, encode_oid(row) + next(self._bad))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()
