"""Settings of `alerts:` and `maintenance:`: strict, frozen, with the defaults operators expect."""

from __future__ import annotations

import re
from datetime import datetime, time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)

from netmon.alerts.service_settings import ServiceSettings

Severity = Literal["info", "warning", "critical"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "critical": 2}
ZoneId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "tuesday 06:00-07:00", "daily 02:00-02:30", "mon,thu 22:00-23:30" (ends may pass midnight)
RECURRENCE = re.compile(
    r"^\s*(?P<days>daily|[a-z]+(?:\s*,\s*[a-z]+)*)\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _zone_info(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (use an IANA name like Europe/Paris)") \
            from exc
    return name


class FlapSettings(_Strict):
    """An AP whose polls change up/down more than `changes` times in `window_min` is flapping."""

    changes: Annotated[int, Field(ge=2, le=1000)] = 5
    window_min: Annotated[float, Field(gt=0, le=1440)] = 20
    # Flapping ends after this long without a change.
    stable_min: Annotated[float, Field(gt=0, le=1440)] = 10


class Route(_Strict):
    """Which notices a channel takes: zones (all when empty) and the lowest severity."""

    zones: list[ZoneId] = []
    min_severity: Severity = "warning"


class EmailSettings(Route):
    host: str
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    starttls: bool = True
    # Implicit TLS (port 465); exclusive with starttls.
    tls: bool = False
    username: str | None = None
    password: SecretStr | None = None
    sender: str
    to: Annotated[list[str], Field(min_length=1)]
    # Extra CA bundle, e.g. for a relay with a private certificate authority.
    ca_file: Path | None = None
    timeout_s: Annotated[float, Field(gt=0, le=120)] = 10.0

    @field_validator("sender", "to")
    @classmethod
    def _addresses(cls, v: str | list[str]) -> str | list[str]:
        for address in [v] if isinstance(v, str) else v:
            if "@" not in address or any(c.isspace() for c in address.strip()):
                raise ValueError(f"not an e-mail address: {address!r}")
        return v

    @model_validator(mode="after")
    def _coherent(self) -> EmailSettings:
        if self.tls and self.starttls:
            raise ValueError("choose tls (implicit, port 465) or starttls, not both")
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together")
        return self


class WebhookSettings(Route):
    url: AnyHttpUrl
    format: Literal["generic", "slack", "teams"] = "generic"
    name: str | None = None
    timeout_s: Annotated[float, Field(gt=0, le=120)] = 10.0


class DeliverySettings(_Strict):
    """Failed deliveries are retried with exponential backoff, then given up and recorded."""

    retry_base_s: Annotated[float, Field(gt=0, le=3600)] = 5.0
    retry_max_s: Annotated[float, Field(gt=0, le=86400)] = 600.0
    give_up_after_h: Annotated[float, Field(gt=0, le=720)] = 24.0


class AlertSettings(_Strict):
    """`alerts:` the outage tracker's thresholds and where notices go."""

    down_after_polls: Annotated[int, Field(ge=1, le=100)] = 2
    up_after_polls: Annotated[int, Field(ge=1, le=100)] = 1
    # A first failed poll of an UP AP is re-checked right away instead of a whole interval later.
    recheck: bool = True
    flap: FlapSettings = FlapSettings()
    zone_down_ratio: Annotated[float, Field(gt=0, le=1)] = 0.5
    zone_min_aps: Annotated[int, Field(ge=1, le=100000)] = 3
    reminder_every_min: Annotated[float, Field(ge=0, le=10080)] = 240
    notify_reboots: bool = False
    status_url: AnyHttpUrl | None = None
    email: EmailSettings | None = None
    webhooks: list[WebhookSettings] = []
    delivery: DeliverySettings = DeliverySettings()
    # Wi-Fi service health: silent APs and capacity (netmon/alerts/service.py).
    service: ServiceSettings = ServiceSettings()

    @model_validator(mode="after")
    def _unique_names(self) -> AlertSettings:
        names = [w.name for w in self.webhooks if w.name]
        if len(names) != len(set(names)):
            raise ValueError("webhook names must be unique")
        return self


class MaintenanceWindow(_Strict):
    """Planned work on a zone or an AP: one-off (start, end) or recurring (every)."""

    zone: ZoneId | None = None
    ap: ZoneId | None = None
    start: datetime | None = None
    end: datetime | None = None
    every: str | None = None
    timezone: str | None = None
    reason: str | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str | None) -> str | None:
        return None if v is None else _zone_info(v)

    @field_validator("every")
    @classmethod
    def _recurrence(cls, v: str | None) -> str | None:
        if v is None:
            return v
        parse_recurrence(v)
        return v

    @model_validator(mode="after")
    def _shape(self) -> MaintenanceWindow:
        if (self.zone is None) == (self.ap is None):
            raise ValueError("a maintenance window names either a zone or an ap")
        one_off = self.start is not None or self.end is not None
        if one_off == (self.every is not None):
            raise ValueError("give start and end (one-off) or every (recurring), not both")
        if one_off:
            if self.start is None or self.end is None:
                raise ValueError("a one-off window needs both start and end")
            if (self.start.tzinfo is None) != (self.end.tzinfo is None):
                raise ValueError("start and end must both have a UTC offset, or neither")
            if _aware(self.start, self.timezone) >= _aware(self.end, self.timezone):
                raise ValueError("end must be after start")
        return self


def _aware(moment: datetime, timezone: str | None) -> datetime:
    if moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=ZoneInfo(timezone or "UTC"))


def parse_recurrence(text: str) -> tuple[frozenset[int], time, time]:
    """`"tuesday 06:00-07:00"` -> ({1}, 06:00, 07:00); weekdays as Monday=0."""
    match = RECURRENCE.match(text.lower())
    if match is None:
        raise ValueError(f"{text!r}: expected e.g. 'tuesday 06:00-07:00' or 'daily 02:00-03:00'")
    if match["days"] == "daily":
        days = frozenset(range(7))
    else:
        picked = set()
        for day in re.split(r"\s*,\s*", match["days"]):
            found = [i for i, name in enumerate(WEEKDAYS) if name.startswith(day) and
                     len(day) >= 3]
            if len(found) != 1:
                raise ValueError(f"{text!r}: {day!r} is not a day of the week")
            picked.add(found[0])
        days = frozenset(picked)
    try:
        start = time.fromisoformat(match["start"].zfill(5))
        end = time.fromisoformat(match["end"].zfill(5))
    except ValueError as exc:
        raise ValueError(f"{text!r}: {exc}") from exc
    if start == end:
        raise ValueError(f"{text!r}: the window is empty")
    return days, start, end

