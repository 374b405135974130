"""The Notifier contract: `send(message)` delivers or raises DeliveryError."""

from __future__ import annotations

from typing import Protocol

from netmon.alerts.messages import Message
from netmon.alerts.settings import SEVERITY_RANK, Route


class DeliveryError(Exception):
    """A channel did not take a message; the text says why, without secrets."""


class Notifier(Protocol):
    name: str
    route: Route

    async def send(self, message: Message) -> None: ...

    async def close(self) -> None: ...


def wants(route: Route, zone: str, severity: str) -> bool:
    """Does a channel with this route take a notice about `zone` at `severity`?"""
    if route.zones and zone not in route.zones:
        return False
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[route.min_severity]
