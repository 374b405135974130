"""The poller's file descriptors: one UDP socket per agent while the budget allows, the
least recently used ones closed beyond it."""

from __future__ import annotations

import logging
import resource
from collections import OrderedDict

from collectors.snmp.session import AgentSession

log = logging.getLogger(__name__)
# Descriptors left for everything else: the database, HTTP clients and server, logs.
FD_RESERVE = 512


def raise_fd_limit() -> int:
    """Raise the soft RLIMIT_NOFILE to the hard one (a process may) and return it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError) as exc:
            log.warning("cannot raise the open-file limit from %d to %d: %s", soft, hard, exc)
    return soft


class SessionPool:
    """Keeps at most `capacity` idle sessions open (sessions in use are never closed)."""

    def __init__(self, capacity: int, agents: int | None = None) -> None:
        self.capacity = max(capacity, 0)
        # Room for every agent the pool will see: no socket ever needs closing.
        self.bounded = agents is None or agents > self.capacity
        self._open: OrderedDict[int, AgentSession] = OrderedDict()
        self._in_use: set[int] = set()
        self.closed = 0  # sessions closed to stay within the budget

    @classmethod
    def for_fleet(cls, agents: int, concurrency: int) -> SessionPool:
        """A pool as big as the fleet when the limit allows, else the limit's share."""
        budget = raise_fd_limit() - FD_RESERVE - concurrency
        if budget < agents:
            log.warning("open-file limit allows %d SNMP sockets for %d agents: the least "
                        "recently polled are closed and reopened (SNMPv3: one more round trip)",
                        max(budget, 0), agents)
        return cls(min(agents, budget) if budget > 0 else 0, agents)

    @property
    def open_sessions(self) -> int:
        return len(self._open)

    def acquire(self, session: AgentSession) -> None:
        """`session` is in use: it stays open until `release`."""
        if self.bounded:
            self._in_use.add(id(session))

    def release(self, session: AgentSession) -> None:
        if not self.bounded:
            return  # every agent keeps its socket: nothing to track
        key = id(session)
        self._in_use.discard(key)
        if session.is_open:
            self._open[key] = session
            self._open.move_to_end(key)
        else:
            self._open.pop(key, None)
        self._trim()

    def _trim(self) -> None:
        if len(self._open) <= self.capacity:
            return  # the usual case, in O(1)
        for key in list(self._open):  # least recently used first
            if len(self._open) <= self.capacity:
                return
            if key not in self._in_use:
                self._open.pop(key).close()
                self.closed += 1

    def close_all(self) -> None:
        for session in self._open.values():
            session.close()
        self._open.clear()
