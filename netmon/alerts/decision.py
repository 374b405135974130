"""A Decision: what one look at the fleet changes, to be committed before it is believed.

The tracker proposes it (pure: observations in, a Decision out); the database owner writes
it in one transaction (incidents, events, fleet state, queued notices); only then does the
tracker adopt it. Incidents opened by a decision carry provisional (negative) ids until the
commit gives them real ones.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from netmon.alerts.incidents import AlertEvent, Incident
from netmon.alerts.notice import Notice
from netmon.fleet.states import ApDurable, ZoneDurable


@dataclass(slots=True)
class Decision:
    now_ns: int
    aps: dict[str, ApDurable] = field(default_factory=dict)
    zones: dict[str, ZoneDurable] = field(default_factory=dict)
    incidents: dict[int, Incident] = field(default_factory=dict)  # new or changed
    events: list[AlertEvent] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    # [start, end) this look stands for: netmon was watching then (None: a one-off check).
    observed: tuple[int, int] | None = None

    @property
    def changes_state(self) -> bool:
        return bool(self.aps or self.zones or self.incidents or self.events or self.notices)

    def with_ids(self, first_id: int) -> Decision:
        """The same decision with provisional incident ids -1, -2, ... as first_id, first_id+1."""
        def real(ident: int | None) -> int | None:
            return first_id - ident - 1 if ident is not None and ident < 0 else ident

        def real_id(ident: int) -> int:
            return first_id - ident - 1 if ident < 0 else ident

        return Decision(
            self.now_ns,
            {k: dataclasses.replace(v, incident=real(v.incident),
                                    flap_incident=real(v.flap_incident),
                                    degraded_incident=real(v.degraded_incident),
                                    service_incident=real(v.service_incident),
                                    capacity_incident=real(v.capacity_incident))
             for k, v in self.aps.items()},
            {k: dataclasses.replace(v, incident=real(v.incident),
                                    service_incident=real(v.service_incident),
                                    capacity_incident=real(v.capacity_incident))
             for k, v in self.zones.items()},
            {real_id(k): dataclasses.replace(v, id=real_id(v.id), parent_id=real(v.parent_id))
             for k, v in self.incidents.items()},
            list(self.events),
            [dataclasses.replace(n, incident_id=real(n.incident_id)) for n in self.notices],
            self.observed)
