"""Service health inside the tracker: silent APs and capacity, each one incident, paged once.

An AP that answers SNMP is not an AP that serves the public. Per AP, from its observations:

- **silent**: 0 clients for `silent_after_min` minutes counted only in hours whose own
  history expects clients (netmon/service/baseline.py), or a radio/SSID seen in service
  that is out of service for `down_after_polls` polls. A `warning` by default; it ends when
  clients are back and every radio is in service again, for `up_after_polls` polls.
- **overload**: clients or channel utilisation at or over the threshold for `for_min`
  minutes; it ends below `clear_ratio` of it. `info` by default: a capacity notice, not a page.

A quiet town is no AP's fault: while all the APs looked at hold less than `quiet_town_ratio`
of the clients their history expects (a holiday nobody told netmon of, a storm), silence is
not counted. Per zone, like outages: when `zone_down_ratio` of a zone's APs are silent at
once (a captive portal or DHCP server behind them all), one `zone_silent` incident
(critical) replaces their pages; a zone whose APs together hold `overload.zone_clients`
clients is one capacity notice.
Pure: it writes nothing; the tracker's draft carries its changes to the one commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from netmon.alerts.notice import Notice, NoticeKind
from netmon.alerts.service_settings import ServiceSettings
from netmon.fleet.states import DOWN
from netmon.observation import ApObservation
from netmon.service.baseline import ClientBaseline, Expectation

if TYPE_CHECKING:
    from netmon.alerts.tracker import OutageTracker, _Draft

NS_PER_S: Final = 1_000_000_000
# A gap between two looks longer than this (netmon stopped) does not count as silence.
MAX_STEP_S: Final = 600.0
DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(slots=True)
class ServiceCounters:
    """What the watch counts about one AP between its decisions (memory only)."""

    last_ns: int | None = None
    silent_s: float = 0.0
    silent_since_ns: int | None = None
    expected: Expectation | None = None
    radio_polls: int = 0
    radios_since_ns: int | None = None
    radios: tuple[str, ...] = ()
    serving_polls: int = 0
    over_since_ns: int | None = None
    clients: int | None = None


@dataclass(slots=True)
class ZoneLoad:
    over_since_ns: int | None = None


@dataclass(slots=True)
class ServiceWatch:
    settings: ServiceSettings
    down_after_polls: int
    up_after_polls: int
    tz: ZoneInfo
    baseline: ClientBaseline | None = None
    counters: dict[str, ServiceCounters] = field(default_factory=dict)
    zones: dict[str, ZoneLoad] = field(default_factory=dict)
    # The town's clients as a share of what its history expects now (None: nothing expected).
    town_ratio: float | None = None

    def begin(self, observations: Sequence[ApObservation], now_ns: int) -> None:
        """How busy the whole town is compared with its history, before any AP is judged."""
        if self.baseline is None:
            self.town_ratio = None
            return
        expected = seen = 0.0
        for observation in observations:
            if observation.up and observation.clients is not None:
                found = self.baseline.expected(observation.ap_id, now_ns)
                if found is not None:
                    expected += found.median
                    seen += observation.clients
        self.town_ratio = seen / expected if expected >= self.settings.min_expected_clients \
            else None

    @property
    def town_quiet(self) -> bool:
        return self.town_ratio is not None and self.town_ratio < self.settings.quiet_town_ratio

    def counters_of(self, ap_id: str) -> ServiceCounters:
        found = self.counters.get(ap_id)
        if found is None:
            found = self.counters[ap_id] = ServiceCounters()
        return found

    def forget(self, ap_id: str) -> None:
        self.counters.pop(ap_id, None)

    # -- per AP ---------------------------------------------------------------------------------

    def observe(self, tracker: OutageTracker, draft: _Draft, ap_id: str, zone: str,
                observation: ApObservation, now_ns: int) -> None:
        """One answered look at an AP (not called for a failed poll: that is an outage)."""
        s = self.counters_of(ap_id)
        step_s = 0.0 if s.last_ns is None else min(MAX_STEP_S, (now_ns - s.last_ns) / NS_PER_S)
        s.last_ns = now_ns
        s.clients = observation.clients
        if observation.degraded or observation.clients is None:
            return  # no figures: "degraded" says so, silence cannot be judged
        self._silence(s, ap_id, observation, now_ns, step_s)
        durable = draft.ap(ap_id)
        if durable.service_incident is None and self._silent(s):
            cause = self._silent_cause(s)
            start = min((t for t in (s.silent_since_ns, s.radios_since_ns) if t is not None),
                        default=now_ns)
            planned = tracker._muted(tracker.counters[ap_id], now_ns)
            opened = draft.open("silent", ap_id, zone, start, cause, self.settings.severity,
                                planned)
            draft.set_ap(ap_id, service_incident=opened)
        elif durable.service_incident is not None and s.serving_polls >= self.up_after_polls:
            self._close(draft, durable.service_incident, "silent_end", "ap", ap_id, zone,
                        now_ns)
            draft.set_ap(ap_id, service_incident=None)
        self._overload(tracker, draft, s, ap_id, zone, observation, now_ns)

    def _silence(self, s: ServiceCounters, ap_id: str, observation: ApObservation,
                 now_ns: int, step_s: float) -> None:
        s.radios = observation.radios_down
        s.radio_polls = s.radio_polls + 1 if observation.radios_down else 0
        s.radios_since_ns = (s.radios_since_ns or now_ns) if observation.radios_down else None
        if observation.clients:
            s.silent_s, s.silent_since_ns, s.expected = 0.0, None, None
        else:
            expected = self.baseline.expected(ap_id, now_ns) if self.baseline else None
            if expected is not None and expected.low >= self.settings.min_expected_clients \
                    and not self.town_quiet:
                # Silence is counted from the first look that saw it, not the one before.
                if s.silent_since_ns is None:
                    s.silent_since_ns = now_ns
                else:
                    s.silent_s += step_s
                s.expected = expected
        serving = bool(observation.clients) and not observation.radios_down
        s.serving_polls = s.serving_polls + 1 if serving else 0

    def _silent(self, s: ServiceCounters) -> bool:
        return s.radio_polls >= self.down_after_polls or \
            s.silent_s >= self.settings.silent_after_min * 60

    def _silent_cause(self, s: ServiceCounters) -> str:
        parts = []
        if s.radio_polls >= self.down_after_polls:
            parts.append("out of service: " + ", ".join(s.radios))
        if s.silent_s >= self.settings.silent_after_min * 60 and s.expected is not None \
                and s.silent_since_ns is not None:
            since = datetime.fromtimestamp(s.silent_since_ns / NS_PER_S, self.tz)
            parts.append(
                f"0 clients for {s.silent_s / 60:.0f} min of hours that expect clients "
                f"(from {DAYS[since.weekday()]} {since:%H:%M}: at least "
                f"{s.expected.low:.1f}, usually {s.expected.median:.1f}, over "
                f"{s.expected.weeks} weeks)")
        return "; ".join(parts)

    def _overload(self, tracker: OutageTracker, draft: _Draft, s: ServiceCounters,
                  ap_id: str, zone: str, observation: ApObservation, now_ns: int) -> None:
        o = self.settings.overload
        ratio = _load_ratio(observation.clients, o.clients) or 0.0
        ratio = max(ratio, _load_ratio(observation.utilization_pct, o.utilization_pct) or 0.0)
        durable = draft.ap(ap_id)
        if ratio >= 1.0:
            s.over_since_ns = s.over_since_ns or now_ns
        elif ratio < o.clear_ratio:
            s.over_since_ns = None
        if durable.capacity_incident is None and s.over_since_ns is not None and \
                now_ns - s.over_since_ns >= o.for_min * 60 * NS_PER_S:
            cause = _load_cause(observation.clients, o.clients, observation.utilization_pct,
                                o.utilization_pct)
            planned = tracker._muted(tracker.counters[ap_id], now_ns)
            opened = draft.open("overload", ap_id, zone, s.over_since_ns, cause, o.severity,
                                planned)
            draft.set_ap(ap_id, capacity_incident=opened)
            if not planned:
                self._notify(draft, "overload", opened, "ap", ap_id, zone, now_ns)
        elif durable.capacity_incident is not None and s.over_since_ns is None:
            self._close(draft, durable.capacity_incident, "overload_end", "ap", ap_id, zone,
                        now_ns)
            draft.set_ap(ap_id, capacity_incident=None)

    # -- per zone -------------------------------------------------------------------------------

    def judge_zone(self, tracker: OutageTracker, draft: _Draft, zone_id: str,
                   now_ns: int) -> None:
        members = tracker.members[zone_id]
        silent = [a for a in members if draft.ap(a).service_incident is not None
                  and draft.ap(a).state != DOWN]
        a = tracker.settings
        is_silent = len(members) >= a.zone_min_aps and len(silent) / len(members) >= \
            a.zone_down_ratio
        zone = draft.zone(zone_id)
        if is_silent and zone.service_incident is None:
            starts = [draft.incident(i).start_ns for m in silent
                      if (i := draft.ap(m).service_incident) is not None]
            planned = tracker.calendar.active(None, zone_id, now_ns) is not None
            cause = f"{len(silent)} of {len(members)} APs answer but serve no one — " \
                    "likely the captive portal, DHCP or the uplink behind them"
            opened = draft.open("zone_silent", zone_id, zone_id, max(starts, default=now_ns),
                                cause, "critical", planned)
            draft.set_zone(zone_id, service_incident=opened)
            if not planned:
                self._notify(draft, "zone_silent", opened, "zone", zone_id, zone_id, now_ns,
                             down=len(silent), total=len(members))
        elif not is_silent and zone.service_incident is not None:
            self._close(draft, zone.service_incident, "zone_silent_end", "zone", zone_id,
                        zone_id, now_ns, down=len(silent), total=len(members))
            draft.set_zone(zone_id, service_incident=None)
        self._zone_load(tracker, draft, zone_id, now_ns)

    def _zone_load(self, tracker: OutageTracker, draft: _Draft, zone_id: str,
                   now_ns: int) -> None:
        o = self.settings.overload
        if o.zone_clients is None:
            return
        load = self.zones.setdefault(zone_id, ZoneLoad())
        # The clients of the zone's APs this poller looks at (all of them when alone).
        clients = sum(c.clients or 0 for a in tracker.members[zone_id]
                      if (c := self.counters.get(a)) is not None)
        if clients >= o.zone_clients:
            load.over_since_ns = load.over_since_ns or now_ns
        elif clients < o.zone_clients * o.clear_ratio:
            load.over_since_ns = None
        zone = draft.zone(zone_id)
        if zone.capacity_incident is None and load.over_since_ns is not None and \
                now_ns - load.over_since_ns >= o.for_min * 60 * NS_PER_S:
            opened = draft.open("zone_overload", zone_id, zone_id, load.over_since_ns,
                                f"{clients} clients at once (threshold {o.zone_clients})",
                                o.severity, False)
            draft.set_zone(zone_id, capacity_incident=opened)
            self._notify(draft, "zone_overload", opened, "zone", zone_id, zone_id, now_ns)
        elif zone.capacity_incident is not None and load.over_since_ns is None:
            self._close(draft, zone.capacity_incident, "zone_overload_end", "zone", zone_id,
                        zone_id, now_ns)
            draft.set_zone(zone_id, capacity_incident=None)

    # -- paging ---------------------------------------------------------------------------------

    def page_silent(self, tracker: OutageTracker, draft: _Draft, now_ns: int) -> None:
        """Page each silent AP not paged yet, unless its zone's incident speaks for it."""
        for ap_id in tracker.counters:
            if not tracker._mine(ap_id):
                continue
            durable = draft.ap(ap_id)
            zone_id = tracker.counters[ap_id].zone
            if durable.service_incident is None or durable.state == DOWN or \
                    draft.zone(zone_id).service_incident is not None or \
                    draft.zone(zone_id).down:
                continue
            incident = draft.incident(durable.service_incident)
            if incident.paged or tracker._muted(tracker.counters[ap_id], now_ns):
                continue
            self._notify(draft, "silent", incident.id, "ap", ap_id, zone_id, now_ns)

    @staticmethod
    def _notify(draft: _Draft, kind: NoticeKind, incident_id: int, subject: str,
                subject_id: str, zone: str, now_ns: int, down: int | None = None,
                total: int | None = None) -> None:
        incident = draft.noticed(incident_id, now_ns)
        draft.d.notices.append(Notice(
            kind, incident.severity, "firing", subject, subject_id,  # type: ignore[arg-type]
            zone, now_ns, since_ns=incident.start_ns, incident_id=incident.id,
            cause=incident.cause, down=down, total=total))

    @staticmethod
    def _close(draft: _Draft, incident_id: int, kind: NoticeKind, subject: str,
               subject_id: str, zone: str, now_ns: int, down: int | None = None,
               total: int | None = None) -> None:
        incident = draft.change(incident_id, end_ns=now_ns)
        if incident.paged:
            draft.d.notices.append(Notice(
                kind, incident.severity, "resolved", subject, subject_id,  # type: ignore[arg-type]
                zone, now_ns, since_ns=incident.start_ns, ended_ns=now_ns,
                incident_id=incident.id, cause=incident.cause, down=down, total=total))


def _load_ratio(value: float | None, threshold: float | None) -> float | None:
    return None if value is None or threshold is None else value / threshold


def _load_cause(clients: int | None, max_clients: int | None, utilization: float | None,
                max_utilization: float | None) -> str:
    parts = []
    if clients is not None and max_clients is not None and clients >= max_clients:
        parts.append(f"{clients} clients (threshold {max_clients})")
    if utilization is not None and max_utilization is not None and \
            utilization >= max_utilization:
        parts.append(f"channel {utilization:.0f} % busy (threshold {max_utilization:.0f} %)")
    return ", ".join(parts) or "busy"
