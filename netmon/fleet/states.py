"""The states a subject of the fleet can be in, as committed by the tracker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

UNKNOWN: Final = "unknown"
UP: Final = "up"
DOWN: Final = "down"
# What every view shows (page, API, /metrics, maps, report, uptime): one vocabulary.
ShownState = Literal["up", "down", "unknown", "maintenance", "disabled"]


@dataclass(frozen=True, slots=True)
class ApDurable:
    """What is committed about one AP: its state and its open incidents."""

    state: str = UNKNOWN
    since_ns: int | None = None
    flapping: bool = False
    incident: int | None = None
    flap_incident: int | None = None
    # The open "degraded" notice: it answers without the figures its profile promises.
    degraded_incident: int | None = None
    # The open "silent" (serves no one) and "overload" incidents (netmon/alerts/service.py).
    service_incident: int | None = None
    capacity_incident: int | None = None


@dataclass(frozen=True, slots=True)
class ZoneDurable:
    down: bool = False
    since_ns: int | None = None
    incident: int | None = None
    service_incident: int | None = None
    capacity_incident: int | None = None


