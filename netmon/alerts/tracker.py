"""OutageTracker: per-AP and per-zone outage state from observations; pure, committed first.

Per AP: UNKNOWN -> UP <-> DOWN, DOWN after `down_after_polls` failed polls (or one failed poll
that confirms a trap), UP after `up_after_polls` good ones. FLAPPING overlays the state when the
poll results change too often; it holds the AP's pages until it has been stable for a while.
Per zone: DOWN while at least `zone_down_ratio` of its APs are DOWN; the zone page replaces the
pages of its APs. Outages during maintenance windows are recorded as planned and not paged.
Times are the observations' own times, so a replayed day behaves exactly as the live one.

`decide()` writes nothing and changes no committed state: it returns a Decision. Once the
database owner has committed it, `adopt()` makes it the tracker's state. A decision that
could not be committed is simply decided again at the next look (the counters that lead to
it are kept), and its one-off facts (reboots) are carried into that next decision.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from netmon.alerts.decision import Decision
from netmon.alerts.incidents import AlertEvent, Incident
from netmon.alerts.maintenance import MaintenanceCalendar
from netmon.alerts.notice import Notice, NoticeKind
from netmon.alerts.service import ServiceWatch
from netmon.alerts.settings import AlertSettings, Severity
from netmon.config.models import NetmonConfig
from netmon.fleet.states import DOWN, UNKNOWN, UP, ApDurable, ZoneDurable
from netmon.logs import about
from netmon.observation import ApObservation

log = logging.getLogger(__name__)
NS_PER_S = 1_000_000_000
NS_PER_MIN = 60 * NS_PER_S


@dataclass(slots=True)
class ApCounters:
    """What the tracker counts about one AP between transitions (memory only, never written)."""

    ap: str
    zone: str
    fails: int = 0
    oks: int = 0
    first_fail_ns: int | None = None
    first_ok_ns: int | None = None
    last_up: bool | None = None
    last_error: str | None = None
    changes: list[int] = field(default_factory=list)
    suspect_until_ns: int | None = None
    degraded: int = 0  # answered polls in a row without the figures the profile promises
    first_degraded_ns: int | None = None


@dataclass(frozen=True, slots=True)
class CommittedFleet:
    """The committed state a tracker starts from (read from the database)."""

    aps: dict[str, ApDurable] = field(default_factory=dict)
    zones: dict[str, ZoneDurable] = field(default_factory=dict)
    open_incidents: dict[int, Incident] = field(default_factory=dict)


class _Draft:
    """The committed state with one decision's changes laid over it."""

    def __init__(self, tracker: OutageTracker, decision: Decision) -> None:
        self.t = tracker
        self.d = decision

    def ap(self, ap_id: str) -> ApDurable:
        return self.d.aps.get(ap_id) or self.t.aps[ap_id]

    def set_ap(self, ap_id: str, **changes: object) -> None:
        self.d.aps[ap_id] = dataclasses.replace(self.ap(ap_id), **changes)  # type: ignore[arg-type]

    def zone(self, zone_id: str) -> ZoneDurable:
        return self.d.zones.get(zone_id) or self.t.zones[zone_id]

    def set_zone(self, zone_id: str, **changes: object) -> None:
        self.d.zones[zone_id] = dataclasses.replace(self.zone(zone_id), **changes)  # type: ignore[arg-type]

    def incident(self, incident_id: int) -> Incident:
        return self.d.incidents.get(incident_id) or self.t.open_incidents[incident_id]

    def change(self, incident_id: int, **changes: object) -> Incident:
        updated = dataclasses.replace(self.incident(incident_id), **changes)  # type: ignore[arg-type]
        self.d.incidents[incident_id] = updated
        return updated

    def open(self, kind: str, subject: str, zone: str, start_ns: int, cause: str | None,
             severity: Severity, planned: bool) -> int:
        provisional = -1 - sum(1 for i in self.d.incidents if i < 0)
        self.d.incidents[provisional] = Incident(provisional, kind, subject, zone, start_ns,
                                                 None, cause, severity, planned)
        return provisional

    def noticed(self, incident_id: int, now_ns: int, reminder: bool = False) -> Incident:
        incident = self.incident(incident_id)
        return self.change(incident_id, paged=True, last_notice_ns=now_ns,
                           reminders=incident.reminders + int(reminder))


def incident_about(incident: Incident) -> dict[str, str]:
    """The AP and zone a log line about this incident concerns (a zone's: the zone only)."""
    if incident.kind.startswith("zone"):  # zone_down, zone_up: the subject is a zone
        return about(zone=incident.subject)
    return about(ap=incident.subject, zone=incident.zone)


def _notice_about(notice: Notice) -> dict[str, str]:
    if notice.subject == "ap":
        return about(notice.subject_id, notice.zone)
    return about(zone=notice.zone) if notice.subject == "zone" else {}


def _log_opened(incident: Incident) -> None:
    """Logged once it is committed: a line in the log is a fact in the record."""
    since = datetime.fromtimestamp(incident.start_ns / 1e9, UTC).isoformat(timespec="seconds")
    log.warning("%s %s since %s: %s%s", incident.kind, incident.subject, since, incident.cause,
                " (maintenance)" if incident.planned else "", extra=incident_about(incident))


class OutageTracker:
    """Observations in, Decisions out; adopts a decision once it is committed."""

    def __init__(self, config: NetmonConfig, calendar: MaintenanceCalendar,
                 committed: CommittedFleet | None = None) -> None:
        self.settings: AlertSettings = config.alerts
        self.calendar = calendar
        committed = committed or CommittedFleet()
        self.members: dict[str, list[str]] = {}
        self.counters: dict[str, ApCounters] = {}
        self.aps: dict[str, ApDurable] = {}
        for ap in config.aps:
            if ap.enabled:
                self.counters[ap.id] = ApCounters(ap.id, ap.zone)
                self.aps[ap.id] = committed.aps.get(ap.id, ApDurable())
                self.members.setdefault(ap.zone, []).append(ap.id)
        self.controller_of = {ap.id: ap.controller for ap in config.aps}
        self.zones = {z: committed.zones.get(z, ZoneDurable()) for z in self.members}
        self.open_incidents = dict(committed.open_incidents)
        # APs whose first failed poll should be confirmed at once (see AlertSettings.recheck).
        self.rechecks: set[str] = set()
        # Several pollers (netmon/cluster): the APs this one decides and the zones it judges
        # (None: all), and how long an AP page waits so a zone judged elsewhere can group it.
        self.owned: frozenset[str] | None = None
        self.judged: frozenset[str] | None = None
        self.page_hold_ns = 0
        self._stale: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
        # One-off facts (reboots) of decisions not committed yet: carried to the next one.
        self._carried: tuple[list[AlertEvent], list[Notice]] = ([], [])
        self._watched_from: int | None = None
        # Serving the public, not only answering: silent APs and capacity (service.py).
        self.service = ServiceWatch(self.settings.service, self.settings.down_after_polls,
                                    self.settings.up_after_polls, ZoneInfo(config.timezone))

    def reinventory(self, config: NetmonConfig, committed: CommittedFleet) -> None:
        """A reloaded inventory (SIGHUP): added APs start from their committed state, removed
        ones are forgotten; the others keep their counters. Open incidents stay as committed."""
        wanted = {ap.id: ap for ap in config.aps if ap.enabled}
        for ap_id, counters in list(self.counters.items()):
            ap = wanted.get(ap_id)
            if ap is None or ap.zone != counters.zone:  # gone, or moved: counted afresh
                del self.counters[ap_id]
                self.aps.pop(ap_id, None)
                self.service.forget(ap_id)
        self.members = {}
        for ap in wanted.values():
            if ap.id not in self.counters:
                self.counters[ap.id] = ApCounters(ap.id, ap.zone)
                self.aps[ap.id] = committed.aps.get(ap.id, ApDurable())
            self.members.setdefault(ap.zone, []).append(ap.id)
        # Inventory order, as at start.
        self.counters = {ap_id: self.counters[ap_id] for ap_id in wanted}
        self.controller_of = {ap.id: ap.controller for ap in config.aps}
        self.zones = {z: self.zones.get(z) or committed.zones.get(z, ZoneDurable())
                      for z in self.members}

    # -- several pollers ------------------------------------------------------------------------

    def _mine(self, ap_id: str) -> bool:
        return self.owned is None or ap_id in self.owned

    def _judges(self, zone_id: str) -> bool:
        return self.judged is None or zone_id in self.judged

    def _decides(self, incident: Incident) -> bool:
        return self._judges(incident.subject) if incident.kind.startswith("zone_") \
            else self._mine(incident.subject)

    def share(self, owned: frozenset[str], judged: frozenset[str], page_hold_ns: int) -> None:
        """From now on decide only `owned` APs and judge only `judged` zones."""
        gained = owned - (self.owned or frozenset())
        for ap_id in gained & self.counters.keys():
            self.counters[ap_id] = ApCounters(ap_id, self.counters[ap_id].zone)
            self.service.forget(ap_id)
        # What was gained is read back from the database before the next decision: its
        # last holder may have changed it since this poller last looked.
        self._stale = (self._stale[0] | gained,
                       self._stale[1] | (judged - (self.judged or frozenset())))
        self.owned, self.judged, self.page_hold_ns = owned, judged, page_hold_ns

    def overlay(self, committed: CommittedFleet) -> None:
        """What other pollers committed: the state of the APs and zones this one does not
        decide, and their open incidents (a zone is judged on the whole town's APs)."""
        stale_aps, stale_zones = self._stale
        for ap_id in self.aps:
            if not self._mine(ap_id) or ap_id in stale_aps:
                self.aps[ap_id] = committed.aps.get(ap_id, ApDurable())
        for zone_id in self.zones:
            if not self._judges(zone_id) or zone_id in stale_zones:
                self.zones[zone_id] = committed.zones.get(zone_id, ZoneDurable())

        def theirs(incident: Incident) -> bool:
            return not self._decides(incident) or incident.subject in (
                stale_zones if incident.kind.startswith("zone_") else stale_aps)

        self.open_incidents = {
            **{i: inc for i, inc in committed.open_incidents.items() if theirs(inc)},
            **{i: inc for i, inc in self.open_incidents.items() if not theirs(inc)}}
        self._stale = (frozenset(), frozenset())

    # -- inputs ---------------------------------------------------------------------------------

    def note_trap(self, ap_id: str, now_ns: int, window_s: float) -> None:
        """A trap said this AP is in trouble: its next failed poll confirms the outage."""
        counters = self.counters.get(ap_id)
        if counters is not None:
            counters.suspect_until_ns = now_ns + int(window_s * NS_PER_S)

    def decide(self, observations: Sequence[ApObservation], now_ns: int,
               observed: tuple[int, int] | None = None) -> Decision:
        """What these observations, taken at `now_ns`, change; nothing is believed yet."""
        # Carried one-off facts move into this decision; `rejected` hands them back. So does
        # the watched time of a look that could not be recorded: netmon did watch then.
        if observed is not None and self._watched_from is not None:
            observed = (min(self._watched_from, observed[0]), observed[1])
        decision = Decision(now_ns, events=self._carried[0], notices=self._carried[1],
                            observed=observed)
        self._carried = ([], [])
        self._watched_from = None
        draft = _Draft(self, decision)
        self.rechecks.clear()
        if self.settings.service.enabled:
            self.service.begin(observations, now_ns)
        for observation in observations:
            counters = self.counters.get(observation.ap_id)
            if counters is not None and self._mine(observation.ap_id):
                self._observe_ap(draft, counters, observation, now_ns)
        for zone_id in self.zones:
            if self._judges(zone_id):
                self._evaluate_zone(draft, zone_id, now_ns)
                if self.settings.service.enabled:
                    self.service.judge_zone(self, draft, zone_id, now_ns)
            self._link_members(draft, zone_id)
        self._page_held(draft, now_ns)
        self.service.page_silent(self, draft, now_ns)
        self._remind(draft, now_ns)
        return decision

    def adopt(self, decision: Decision) -> None:
        """The decision is committed (with real incident ids): it is now the state."""
        self.aps.update(decision.aps)
        self.zones.update(decision.zones)
        for incident in decision.incidents.values():
            if incident.end_ns is None:
                if incident.id not in self.open_incidents:
                    _log_opened(incident)
                self.open_incidents[incident.id] = incident
            elif self.open_incidents.pop(incident.id, None) is not None:
                log.info("%s %s ended after %.0f s", incident.kind, incident.subject,
                         incident.duration_s or 0, extra=incident_about(incident))
        for event in decision.events:
            log.info("%s %s: %s", event.kind, event.ap, event.detail, extra=about(ap=event.ap))
        for notice in decision.notices:
            log.info("notice %s %s %s", notice.kind, notice.subject_id, notice.status,
                     extra=_notice_about(notice))

    def rejected(self, decision: Decision) -> None:
        """The decision could not be committed: its one-off facts go into the next one."""
        self._carried = ([*decision.events, *self._carried[0]],
                         [*(n for n in decision.notices if n.kind == "rebooted"),
                          *self._carried[1]])
        if decision.observed is not None:
            start = decision.observed[0]
            self._watched_from = start if self._watched_from is None \
                else min(start, self._watched_from)

    def carry(self, event: AlertEvent) -> None:
        """Record this event with the next decision (a trap, between two looks)."""
        self._carried[0].append(event)

    # -- per AP ---------------------------------------------------------------------------------

    def _observe_ap(self, draft: _Draft, c: ApCounters, observation: ApObservation,
                    now_ns: int) -> None:
        s = self.settings
        if observation.rebooted:
            self._rebooted(draft, c, observation, now_ns)
        if c.last_up is not None and observation.up != c.last_up:
            c.changes.append(now_ns)
        c.last_up = observation.up
        if c.changes:
            horizon = now_ns - int(s.flap.window_min * NS_PER_MIN)
            if c.changes[0] <= horizon:
                c.changes = [t for t in c.changes if t > horizon]
        state = draft.ap(c.ap).state
        if observation.up:
            c.fails, c.first_fail_ns = 0, None
            c.oks += 1
            if c.oks == 1:
                c.first_ok_ns = now_ns
            if state != UP and (state == UNKNOWN or c.oks >= s.up_after_polls):
                self._went_up(draft, c, now_ns)
        else:
            c.oks, c.first_ok_ns = 0, None
            c.fails += 1
            c.last_error = observation.error
            if c.fails == 1:
                c.first_fail_ns = now_ns
            suspect = c.suspect_until_ns is not None and now_ns <= c.suspect_until_ns
            if state != DOWN and (c.fails >= s.down_after_polls or suspect):
                self._went_down(draft, c, now_ns)
            elif state != DOWN and s.recheck:
                self.rechecks.add(c.ap)
        if observation.up:
            self._degraded(draft, c, observation, now_ns)
            if self.settings.service.enabled:
                self.service.observe(self, draft, c.ap, c.zone, observation, now_ns)
        if not observation.up or draft.ap(c.ap).state == UP:
            c.suspect_until_ns = None
        if c.changes or draft.ap(c.ap).flapping:
            self._flap(draft, c, now_ns)

    def _degraded(self, draft: _Draft, c: ApCounters, observation: ApObservation,
                  now_ns: int) -> None:
        """Answers without data, polls in a row as for an outage: one low-severity notice
        (info: not a page), and one when its figures are back."""
        durable = draft.ap(c.ap)
        if not observation.degraded:
            c.degraded, c.first_degraded_ns = 0, None
            if durable.degraded_incident is not None:
                incident = draft.change(durable.degraded_incident, end_ns=now_ns)
                draft.set_ap(c.ap, degraded_incident=None)
                if incident.paged:
                    draft.d.notices.append(Notice(
                        "degraded_end", "info", "resolved", "ap", c.ap, c.zone, now_ns,
                        since_ns=incident.start_ns, ended_ns=now_ns, incident_id=incident.id,
                        cause=incident.cause))
            return
        c.degraded += 1
        if c.degraded == 1:
            c.first_degraded_ns = now_ns
        if durable.degraded_incident is not None or c.degraded < self.settings.down_after_polls:
            return
        start = c.first_degraded_ns or now_ns
        planned = self._muted(c, now_ns)
        opened = draft.open("degraded", c.ap, c.zone, start, observation.error, "info",
                            planned)
        draft.set_ap(c.ap, degraded_incident=opened)
        if not planned:
            draft.noticed(opened, now_ns)
            draft.d.notices.append(Notice("degraded", "info", "firing", "ap", c.ap, c.zone,
                                          now_ns, since_ns=start, incident_id=opened,
                                          cause=observation.error))

    def _rebooted(self, draft: _Draft, c: ApCounters, observation: ApObservation,
                  now_ns: int) -> None:
        draft.d.events.append(AlertEvent(now_ns, "rebooted", c.ap, c.zone,
                                         {"uptime_s": observation.uptime_s}))
        if self.settings.notify_reboots and not self._muted(c, now_ns):
            draft.d.notices.append(Notice("rebooted", "info", "firing", "ap", c.ap, c.zone,
                                          now_ns, since_ns=now_ns))

    def _went_down(self, draft: _Draft, c: ApCounters, now_ns: int) -> None:
        start = c.first_fail_ns or now_ns
        c.suspect_until_ns = None
        planned = self._muted(c, now_ns)
        opened = draft.open("ap_down", c.ap, c.zone, start, c.last_error, "warning", planned)
        draft.set_ap(c.ap, state=DOWN, since_ns=start, incident=opened)

    def _went_up(self, draft: _Draft, c: ApCounters, now_ns: int) -> None:
        durable = draft.ap(c.ap)
        end = c.first_ok_ns or now_ns
        draft.set_ap(c.ap, state=UP, since_ns=end, incident=None)
        if durable.state != DOWN or durable.incident is None:
            return
        incident = draft.change(durable.incident, end_ns=end)
        self._resolved(draft, "ap_up", c, incident, now_ns, incident.cause)

    def _flap(self, draft: _Draft, c: ApCounters, now_ns: int) -> None:
        flap = self.settings.flap
        durable = draft.ap(c.ap)
        if not durable.flapping and len(c.changes) > flap.changes:
            self.rechecks.discard(c.ap)
            cause = f"{len(c.changes)} changes in {flap.window_min:g} min"
            planned = self._muted(c, now_ns)
            opened = draft.open("flapping", c.ap, c.zone, c.changes[0], cause, "warning",
                                planned)
            draft.set_ap(c.ap, flapping=True, flap_incident=opened)
            if not planned:
                draft.noticed(opened, now_ns)
                draft.d.notices.append(Notice("flapping", "warning", "firing", "ap", c.ap,
                                              c.zone, now_ns, since_ns=c.changes[0],
                                              incident_id=opened, cause=cause))
        elif durable.flapping:
            last_change = c.changes[-1] if c.changes else 0
            if now_ns - last_change < int(flap.stable_min * NS_PER_MIN):
                return
            c.changes.clear()  # a fresh start: old changes must not re-trigger it
            draft.set_ap(c.ap, flapping=False, flap_incident=None)
            if durable.flap_incident is None:
                return
            incident = draft.change(durable.flap_incident, end_ns=now_ns)
            self._resolved(draft, "flapping_end", c, incident, now_ns,
                           f"now {draft.ap(c.ap).state}")

    @staticmethod
    def _resolved(draft: _Draft, kind: NoticeKind, c: ApCounters, incident: Incident,
                  now_ns: int, cause: str | None) -> None:
        """The all-clear of an AP incident, sent only if the incident was paged."""
        if incident.paged:
            draft.d.notices.append(Notice(
                kind, "warning", "resolved", "ap", c.ap, c.zone, now_ns,
                since_ns=incident.start_ns, ended_ns=incident.end_ns, incident_id=incident.id,
                cause=cause))

    # -- per zone -------------------------------------------------------------------------------

    def _down_members(self, draft: _Draft, zone_id: str) -> list[str]:
        return [a for a in self.members[zone_id] if draft.ap(a).state == DOWN]

    def _evaluate_zone(self, draft: _Draft, zone_id: str, now_ns: int) -> None:
        down = self._down_members(draft, zone_id)
        total = len(self.members[zone_id])
        is_down = total >= self.settings.zone_min_aps and \
            len(down) / total >= self.settings.zone_down_ratio
        zone = draft.zone(zone_id)
        if is_down and not zone.down:
            starts = [draft.incident(i).start_ns for a in down
                      if (i := draft.ap(a).incident) is not None]
            start = max(starts) if starts else now_ns
            planned = self.calendar.active(None, zone_id, now_ns) is not None
            opened = draft.open("zone_down", zone_id, zone_id, start,
                                self._zone_cause(down, total), "critical", planned)
            draft.set_zone(zone_id, down=True, since_ns=start, incident=opened)
        elif not is_down and zone.down:
            draft.set_zone(zone_id, down=False, since_ns=now_ns, incident=None)
            if zone.incident is not None:
                incident = draft.change(zone.incident, end_ns=now_ns)
                if incident.paged:
                    draft.d.notices.append(Notice(
                        "zone_up", "critical", "resolved", "zone", zone_id, zone_id, now_ns,
                        since_ns=incident.start_ns, ended_ns=now_ns, incident_id=incident.id,
                        cause=incident.cause, down=len(down), total=total))

    def _link_members(self, draft: _Draft, zone_id: str) -> None:
        """This poller's down APs of a down zone belong to the zone's incident (as paged)."""
        zone = draft.zone(zone_id)
        if zone.down and zone.incident is not None:
            for ap_id in self._down_members(draft, zone_id):
                if not self._mine(ap_id):
                    continue
                ap_incident = draft.ap(ap_id).incident
                if ap_incident is not None and \
                        draft.incident(ap_incident).parent_id != zone.incident:
                    draft.change(ap_incident, parent_id=zone.incident)

    def _zone_cause(self, down: list[str], total: int) -> str:
        controllers = {self.controller_of.get(a) for a in down}
        behind = next(iter(controllers)) if len(controllers) == 1 else None
        if behind and all((self.counters[a].last_error or "").startswith(f"{behind} ")
                          for a in down):
            return f"{len(down)} of {total} APs down — controller {behind} does not answer"
        return f"{len(down)} of {total} APs down — likely the backhaul"

    # -- paging ---------------------------------------------------------------------------------

    def _muted(self, c: ApCounters, now_ns: int) -> bool:
        return self.calendar.active(c.ap, c.zone, now_ns) is not None

    def _open_ap_incidents(self, draft: _Draft) -> list[tuple[str, int]]:
        """(AP, its open outage) for every AP with one, in inventory order."""
        with_incident = {i.subject for i in self.open_incidents.values()} | {
            a for a, d in draft.d.aps.items() if d.incident is not None}
        out = []
        for ap_id in self.counters:
            if ap_id in with_incident and self._mine(ap_id):
                durable = draft.ap(ap_id)
                if durable.incident is not None:
                    out.append((ap_id, durable.incident))
        return out

    def _page_held(self, draft: _Draft, now_ns: int) -> None:
        """Page every open outage that nothing holds back any more (and not paged yet)."""
        for zone_id in self.zones:
            zone = draft.zone(zone_id)
            if zone.incident is None or not self._judges(zone_id):
                continue
            incident = draft.incident(zone.incident)
            if incident.paged or self.calendar.active(None, zone_id, now_ns) is not None:
                continue
            draft.noticed(incident.id, now_ns)
            draft.d.notices.append(Notice(
                "zone_down", "critical", "firing", "zone", zone_id, zone_id, now_ns,
                since_ns=incident.start_ns, incident_id=incident.id, cause=incident.cause,
                down=len(self._down_members(draft, zone_id)),
                total=len(self.members[zone_id]),
                note="maintenance_over" if incident.planned else None))
        for ap_id, incident_id in self._open_ap_incidents(draft):
            c = self.counters[ap_id]
            if draft.ap(ap_id).flapping or draft.zone(c.zone).down:
                continue
            incident = draft.incident(incident_id)
            if incident.paged or self._muted(c, now_ns) or \
                    now_ns - incident.start_ns < self.page_hold_ns:
                continue
            since_zone_back = now_ns - (draft.zone(c.zone).since_ns or 0)
            if incident.parent_id is not None and since_zone_back < self.page_hold_ns:
                continue  # its zone just came back: the AP may be reconnecting
            note = "maintenance_over" if incident.planned else \
                "zone_recovered" if incident.parent_id is not None else None
            draft.noticed(incident.id, now_ns)
            draft.d.notices.append(Notice(
                "ap_down", "warning", "firing", "ap", ap_id, c.zone, now_ns,
                since_ns=incident.start_ns, incident_id=incident.id, cause=incident.cause,
                note=note))

    def _remind(self, draft: _Draft, now_ns: int) -> None:
        every_ns = int(self.settings.reminder_every_min * NS_PER_MIN)
        if every_ns <= 0:
            return
        for zone_id in self.zones:
            zone = draft.zone(zone_id)
            if zone.incident is not None and self._judges(zone_id):
                self._remind_one(draft, zone.incident, "zone", zone_id, zone_id, None, now_ns,
                                 every_ns)
        for ap_id, incident_id in self._open_ap_incidents(draft):
            zone_id = self.counters[ap_id].zone
            if not draft.ap(ap_id).flapping and not draft.zone(zone_id).down:
                self._remind_one(draft, incident_id, "ap", ap_id, zone_id, ap_id, now_ns,
                                 every_ns)

    def _remind_one(self, draft: _Draft, incident_id: int, subject: str, subject_id: str,
                    zone: str, ap: str | None, now_ns: int, every_ns: int) -> None:
        incident = draft.incident(incident_id)
        if not incident.paged or incident.last_notice_ns is None or \
                now_ns - incident.last_notice_ns < every_ns or \
                self.calendar.active(ap, zone, now_ns) is not None:
            return
        incident = draft.noticed(incident.id, now_ns, reminder=True)
        down = total = None
        if subject == "zone":
            total = len(self.members[zone])
            down = len(self._down_members(draft, zone))
        kind, severity = ("zone_down", "critical") if subject == "zone" else \
            ("ap_down", "warning")
        draft.d.notices.append(Notice(
            kind, severity, "firing", subject, subject_id, zone,  # type: ignore[arg-type]
            now_ns, since_ns=incident.start_ns, incident_id=incident.id, cause=incident.cause,
            down=down, total=total, reminder=incident.reminders))

    # -- views ----------------------------------------------------------------------------------

    def status(self, ap_id: str) -> str:
        durable = self.aps[ap_id]
        return "flapping" if durable.flapping else durable.state
