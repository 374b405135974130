"""Settings of `alerts.service:`: when an AP that answers is judged not to serve the public."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

ServiceSeverity = Literal["info", "warning", "critical"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OverloadSettings(_Strict):
    """An AP (or a zone) this busy for `for_min` minutes is a capacity notice, not a page."""

    clients: Annotated[int, Field(ge=1, le=100000)] | None = 60
    utilization_pct: Annotated[float, Field(gt=0, le=100)] | None = 80
    # Clients of a whole zone at once (None: zones are not judged for capacity).
    zone_clients: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    for_min: Annotated[float, Field(gt=0, le=1440)] = 15
    # It ends below this share of the threshold: a busy AP hovering at it is one notice.
    clear_ratio: Annotated[float, Field(gt=0, le=1)] = 0.9
    severity: ServiceSeverity = "info"


class ServiceSettings(_Strict):
    """A silent AP: reachable, but 0 clients while its own history for that hour of the week
    expects some, or a radio/SSID seen in service that went out of service."""

    enabled: bool = True
    # Minutes of 0 clients, counted only in hours whose history expects clients.
    silent_after_min: Annotated[float, Field(gt=0, le=1440)] = 30
    # An hour of the week expects clients when its lower quartile over the weeks learnt is at
    # least this (mean concurrent clients of that hour): one quiet week (a holiday) in four
    # does not lower it, two do.
    min_expected_clients: Annotated[float, Field(gt=0, le=10000)] = 3
    # What the baseline learns from, and how much history it needs before it judges.
    history_weeks: Annotated[int, Field(ge=1, le=104)] = 8
    min_weeks: Annotated[int, Field(ge=1, le=104)] = 3
    relearn_every_min: Annotated[float, Field(ge=1, le=10080)] = 60
    # A quiet town is no fault of one AP: while the APs looked at together hold less than
    # this share of the clients their history expects (a holiday, a storm), silence is not
    # counted. 0 turns the check off.
    quiet_town_ratio: Annotated[float, Field(ge=0, lt=1)] = 0.25
    severity: ServiceSeverity = "warning"
    overload: OverloadSettings = OverloadSettings()
