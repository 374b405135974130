"""Why an SNMP request got no usable answer: one type per cause, each says it in one line."""

from __future__ import annotations


class SnmpFailure(Exception):
    """A request that got no usable answer; the message says what happened, not where."""


class RequestTimeout(SnmpFailure):
    """No reply to any try."""

    def __init__(self, tries: int, during: str = "", stray: int = 0) -> None:
        self.tries = tries
        notes = [during] if during else []
        if stray:
            notes.append("datagrams came from the agent, but answered no request of ours")
        where = f" ({'; '.join(notes)})" if notes else ""
        super().__init__(f"timeout after {tries} {'try' if tries == 1 else 'tries'}{where}")


class AuthFailure(SnmpFailure):
    """SNMPv3: the agent refused our user or keys, or answered nothing we could decrypt."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"SNMPv3 authentication failed: {detail}")


class UnknownEngine(SnmpFailure):
    """SNMPv3: engine discovery answered, but gave no engine id to talk to."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"SNMPv3 engine unknown: {detail}")


class MalformedReply(SnmpFailure):
    """Datagrams came back from the agent's address, but none was a valid reply."""

    def __init__(self, count: int, detail: str) -> None:
        self.count = count
        super().__init__(f"malformed reply ({count} undecodable "
                         f"{'datagram' if count == 1 else 'datagrams'}, last: {detail})")



class Refused(SnmpFailure):
    """The agent answered with an error-status (v1/v2c): genErr, tooBig, noSuchName…"""

    def __init__(self, status: str, index: int, oid: str | None) -> None:
        self.status, self.index = status, index
        at = f" at index {index}" + (f" ({oid})" if oid else "") if index else ""
        super().__init__(f"request refused by the agent: {status}{at}")


class DeadlineReached(Exception):
    """The AP's time in this cycle ran out while waiting for a reply (not an SNMP failure:
    the poller says whose deadline it was)."""
