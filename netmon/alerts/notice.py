"""A Notice: what the tracker decided operators must hear; channels render it their own way."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Literal

from netmon.alerts.settings import Severity

NoticeKind = Literal["ap_down", "ap_up", "zone_down", "zone_up", "flapping", "flapping_end",
                     "rebooted", "degraded", "degraded_end", "silent", "silent_end",
                     "zone_silent", "zone_silent_end", "overload", "overload_end",
                     "zone_overload", "zone_overload_end", "test"]
Status = Literal["firing", "resolved"]
Subject = Literal["ap", "zone", "site"]


@dataclass(frozen=True, slots=True)
class Notice:
    kind: NoticeKind
    severity: Severity
    status: Status
    subject: Subject
    subject_id: str
    zone: str
    time_ns: int
    since_ns: int | None = None
    ended_ns: int | None = None
    incident_id: int | None = None
    cause: str | None = None
    # A zone notice: how many of its APs are down.
    down: int | None = None
    total: int | None = None
    # 0 for the first notice of an incident, n for its n-th reminder.
    reminder: int = 0
    # Why a page comes late: "maintenance_over", "zone_recovered", "flapping_over".
    note: str | None = None

    @property
    def duration_s(self) -> float | None:
        if self.since_ns is None:
            return None
        end = self.ended_ns if self.ended_ns is not None else self.time_ns
        return max(0.0, (end - self.since_ns) / 1e9)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Notice:
        return cls(**json.loads(text))
