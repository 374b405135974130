"""Why an agent refused a v1/v2c GET: the error-status and error-index of its reply.

gufo-snmp 0.13 drops both (it only raises on authorizationError), so the poller keeps a
peek at each reply's datagram and, only when values are missing, decodes it with pysnmp.
SNMPv3 replies are encrypted: there the refusal cannot be read.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyasn1.codec.ber import decoder
from pysnmp.proto import api
from pysnmp.proto.rfc1905 import errorStatus

MODULES = {0: api.PROTOCOL_MODULES[api.SNMP_VERSION_1],
           1: api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]}


@dataclass(frozen=True, slots=True)
class Refusal:
    status: str  # as RFC 3416 names it: noSuchName, genErr, tooBig, …
    index: int  # 1-based position of the varbind at fault, 0 for none
    oid: str | None  # that varbind's OID, when the index names one


def refusal(datagram: bytes, asked: list[str]) -> tuple[bool, Refusal | None]:
    """Whether `datagram` is the v1/v2c reply to `asked` (it echoes those OIDs), and the
    refusal it carries (a non-zero error-status), if any."""
    try:
        module = MODULES[int(api.decodeMessageVersion(datagram))]
        message, _ = decoder.decode(datagram, asn1Spec=module.Message())
        pdu = module.apiMessage.get_pdu(message)
        status = int(module.apiPDU.get_error_status(pdu))
        index = int(module.apiPDU.get_error_index(pdu))
        echoed = [str(oid) for oid, _ in module.apiPDU.get_varbinds(pdu)]
    except Exception:  # any datagram at all may come here: unreadable is not ours
        return False, None
    if echoed != asked:
        return False, None  # a GET's reply echoes the OIDs asked, in order: another's
    if status == 0:
        return True, None
    name = errorStatus.namedValues.getName(status) or f"error-status {status}"
    return True, Refusal(str(name), index, asked[index - 1] if 0 < index <= len(asked)
                         else None)
