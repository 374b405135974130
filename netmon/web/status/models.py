"""What the JSON API answers (and the page shows): counts only, never a client's identity."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

ApState = Literal["up", "down", "unknown", "maintenance", "disabled"]
IncidentKind = Literal["ap_down", "zone_down", "flapping", "silent", "zone_silent"]


class ApStatus(BaseModel):
    """One AP as its newest poll saw it."""

    id: str
    name: str
    zone: str
    zone_name: str
    site: str | None
    status: ApState = Field(description="The fleet state netmon's tracker committed (tolerance "
                            "applied); `unknown`: not watched now (never polled, not for "
                            "several intervals, or netmon not running)")
    flapping: bool = Field(False, description="Its answers change too often to page on")
    degraded: bool = Field(False, description="Up, but its last poll lacked the uptime, "
                           "clients or traffic its profile reads (wrong profile, MIB missing)")
    silent: bool = Field(False, description="Up, but serving no one: 0 clients while its "
                         "own history expects some, or a radio/SSID out of service")
    clients: int | None = Field(description="Wi-Fi clients associated now (a count)")
    uptime_s: float | None = Field(description="Seconds since the AP last booted")
    availability_24h_pct: float | None = Field(
        description="Share of the watched part of the last 24 h it was up (maintenance "
                    "excluded); null when netmon watched none of it")
    observed_24h_pct: float | None = Field(
        None, description="Share of the last 24 h netmon was watching")
    last_seen: datetime | None = Field(description="The last poll it answered")
    last_poll: datetime | None
    open_incident: int | None = Field(description="Id of its open outage, if any")
    lat: float
    lon: float


class ZoneStatus(BaseModel):
    id: str
    name: str
    aps: int
    aps_up: int
    aps_down: int
    aps_unknown: int
    aps_maintenance: int = 0
    clients: int
    availability_24h_pct: float | None
    observed_24h_pct: float | None = None
    fibre_connectable_pct: float | None = Field(description="Newest fibre figure, if any")


class IncidentView(BaseModel):
    id: int
    kind: str
    subject: str = Field(description="The AP id (ap_down, flapping) or zone id (zone_down)")
    zone: str
    start: datetime
    end: datetime | None
    open: bool
    duration_s: float = Field(description="Until now while open")
    cause: str | None
    severity: str
    planned: bool


class FibreZoneView(BaseModel):
    zone: str
    label: str
    day: date
    pct_connectable: float | None
    planned_pct: float | None
    projection: str
