"""An SNMPv3 agent that answers engine discovery without an engine id, on 127.0.0.1.

Its Report (usmStatsUnknownEngineIDs) is what discovery expects, but with an empty
msgAuthoritativeEngineID: no authenticated request can follow. Written with pysnmp's
message types; served from a thread until `stop`.
"""

from __future__ import annotations

import socket
import threading

from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto.api import v2c
from pysnmp.proto.mpmod.rfc3412 import SNMPv3Message
from pysnmp.proto.secmod.rfc3414.service import UsmSecurityParameters

USM_STATS_UNKNOWN_ENGINE_IDS = (1, 3, 6, 1, 6, 3, 15, 1, 1, 4, 0)


class EnginelessAgent:
    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(65535)
                message, _ = decoder.decode(data, asn1Spec=SNMPv3Message())
            except TimeoutError:
                continue
            except Exception:
                continue  # not a plaintext SNMPv3 request: a real agent would drop it too
            self.sock.sendto(self._report(message), peer)

    @staticmethod
    def _report(message: SNMPv3Message) -> bytes:
        request = message["msgData"]["plaintext"]["data"].getComponent()
        report = v2c.ReportPDU()
        v2c.apiPDU.set_defaults(report)
        v2c.apiPDU.set_request_id(report, int(request["request-id"]))
        v2c.apiPDU.set_varbinds(report, [(USM_STATS_UNKNOWN_ENGINE_IDS, v2c.Counter32(1))])
        usm = UsmSecurityParameters()
        for field, value in (("msgAuthoritativeEngineId", b""),
                             ("msgAuthoritativeEngineBoots", 0),
                             ("msgAuthoritativeEngineTime", 0), ("msgUserName", b""),
                             ("msgAuthenticationParameters", b""),
                             ("msgPrivacyParameters", b"")):
            usm[field] = value
        message["msgGlobalData"]["msgFlags"] = b"\x00"  # a Report: no auth, no privacy
        message["msgSecurityParameters"] = encoder.encode(usm)
        message["msgData"]["plaintext"]["data"].setComponentByName("report", report)
        return bytes(encoder.encode(message))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()
