"""OutageTracker: per-AP and per-zone outage state from poll cycles, each transition recorded once.

Per AP: UNKNOWN -> UP <-> DOWN, DOWN after `down_after_polls` failed polls (or one failed poll
that confirms a trap), UP after `up_after_polls` good ones. FLAPPING overlays the state when the
poll results change too often; it holds the AP's pages until it has been stable for a while.
Per zone: DOWN while at least `zone_down_ratio` of its APs are DOWN; the zone page replaces the
pages of its APs. Outages during maintenance windows are recorded as planned and not paged.
Times are the polls' own times, so a replayed day behaves exactly as the live one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime

from netmon.alerts.incidents import IncidentBook
from netmon.alerts.maintenance import MaintenanceCalendar
from netmon.alerts.notice import Notice
from netmon.alerts.settings import AlertSettings
from netmon.config.models import NetmonConfig
from netmon.observation import ApObservation, Cycle

log = logging.getLogger(__name__)
NS_PER_S = 1_000_000_000
NS_PER_MIN = 60 * NS_PER_S
UNKNOWN, UP, DOWN = "unknown", "up", "down"


@dataclass(slots=True)
class ApTrack:
    """What the tracker remembers about one AP (persisted as JSON)."""

    ap: str
    zone: str
    state: str = UNKNOWN
    fails: int = 0
    oks: int = 0
    first_fail_ns: int | None = None
    first_ok_ns: int | None = None
    last_up: bool | None = None
    last_error: str | None = None
    changes: list[int] = field(default_factory=list)
    flapping: bool = False
    incident: int | None = None
    flap_incident: int | None = None
    suspect_until_ns: int | None = None


@dataclass(slots=True)
class ZoneTrack:
    zone: str
    down: bool = False
    incident: int | None = None


class OutageTracker:
    """A CycleConsumer: feed it every Cycle; it records incidents and emits Notices."""

    def __init__(self, config: NetmonConfig, book: IncidentBook, calendar: MaintenanceCalendar,
                 emit: Callable[[Notice], None]) -> None:
        self.settings: AlertSettings = config.alerts
        self.book = book
        self.calendar = calendar
        self.emit = emit
        self.members: dict[str, list[str]] = {}
        self.aps: dict[str, ApTrack] = {}
        for ap in config.aps:
            if ap.enabled:
                self.aps[ap.id] = ApTrack(ap.id, ap.zone)
                self.members.setdefault(ap.zone, []).append(ap.id)
        self.controller_of = {ap.id: ap.controller for ap in config.aps}
        self.zones = {z: ZoneTrack(z) for z in self.members}
        # APs whose first failed poll should be confirmed at once (see AlertSettings.recheck).
        self.rechecks: set[str] = set()
        self._saved: dict[str, str] = {}
        self._load()

    # -- persistence ---------------------------------------------------------------------------

    def _load(self) -> None:
        ap_keys = {f.name for f in fields(ApTrack)}
        zone_keys = {f.name for f in fields(ZoneTrack)}
        for subject, state in self.book.load_state():
            kind, _, ident = subject.partition(":")
            # Keys a newer or older netmon wrote are dropped rather than refusing to start.
            if kind == "ap" and ident in self.aps:
                zone = self.aps[ident].zone  # the config may have moved the AP to another zone
                known = {k: v for k, v in state.items() if k in ap_keys}
                self.aps[ident] = ApTrack(**{**known, "zone": zone})
            elif kind == "zone" and ident in self.zones:
                self.zones[ident] = ZoneTrack(**{k: v for k, v in state.items()
                                                 if k in zone_keys})
            self._saved[subject] = json.dumps(state, sort_keys=True)

    def _persist(self) -> None:
        changed = {}
        tracks: Iterable[tuple[str, ApTrack | ZoneTrack]] = [
            *((f"ap:{k}", v) for k, v in self.aps.items()),
            *((f"zone:{k}", v) for k, v in self.zones.items())]
        for subject, track in tracks:
            text = json.dumps(asdict(track), sort_keys=True)
            if self._saved.get(subject) != text:
                changed[subject] = text
        self.book.save_state(changed)
        self._saved.update(changed)

    # -- inputs ---------------------------------------------------------------------------------

    def consume(self, report: Cycle) -> None:
        self.observe(report.observations, report.started_ns)

    def note_trap(self, ap_id: str, now_ns: int, window_s: float) -> None:
        """A trap said this AP is in trouble: its next failed poll confirms the outage."""
        track = self.aps.get(ap_id)
        if track is not None:
            track.suspect_until_ns = now_ns + int(window_s * NS_PER_S)

    def observe(self, readings: Sequence[ApObservation], now_ns: int) -> None:
        """One set of poll results taken at `now_ns`."""
        self.rechecks.clear()
        for reading in readings:
            track = self.aps.get(reading.ap_id)
            if track is not None:
                self._observe_ap(track, reading, now_ns)
        for zone in self.zones.values():
            self._evaluate_zone(zone, now_ns)
        self._page_held(now_ns)
        self._remind(now_ns)
        self._persist()

    # -- per AP ---------------------------------------------------------------------------------

    def _observe_ap(self, track: ApTrack, reading: ApObservation, now_ns: int) -> None:
        s = self.settings
        if reading.rebooted:
            self._rebooted(track, reading, now_ns)
        if track.last_up is not None and reading.up != track.last_up:
            track.changes.append(now_ns)
        track.last_up = reading.up
        horizon = now_ns - int(s.flap.window_min * NS_PER_MIN)
        track.changes = [t for t in track.changes if t > horizon]
        if reading.up:
            track.fails, track.first_fail_ns = 0, None
            track.oks += 1
            if track.oks == 1:
                track.first_ok_ns = now_ns
            if track.state != UP and (track.state == UNKNOWN or track.oks >= s.up_after_polls):
                self._went_up(track, now_ns)
        else:
            track.oks, track.first_ok_ns = 0, None
            track.fails += 1
            track.last_error = reading.error
            if track.fails == 1:
                track.first_fail_ns = now_ns
            suspect = track.suspect_until_ns is not None and now_ns <= track.suspect_until_ns
            if track.state != DOWN and (track.fails >= s.down_after_polls or suspect):
                self._went_down(track, now_ns)
            elif track.state != DOWN and s.recheck:
                self.rechecks.add(track.ap)
        if not reading.up or track.state == UP:
            track.suspect_until_ns = None
        self._flap(track, now_ns)

    def _rebooted(self, track: ApTrack, reading: ApObservation, now_ns: int) -> None:
        self.book.record_event(now_ns, "rebooted", track.ap, track.zone,
                               {"uptime_s": reading.uptime_s})
        log.info("AP %s rebooted (uptime %s s)", track.ap, reading.uptime_s)
        if self.settings.notify_reboots and not self._muted(track, now_ns):
            self.emit(Notice("rebooted", "info", "firing", "ap", track.ap, track.zone, now_ns,
                             since_ns=now_ns))

    def _went_down(self, track: ApTrack, now_ns: int) -> None:
        start = track.first_fail_ns or now_ns
        track.state = DOWN
        track.suspect_until_ns = None
        planned = self._muted(track, now_ns)
        track.incident = self.book.open("ap_down", track.ap, track.zone, start, track.last_error,
                                        "warning", planned)
        since = datetime.fromtimestamp(start / 1e9, UTC).isoformat(timespec="seconds")
        log.warning("AP %s is DOWN since %s: %s%s", track.ap, since, track.last_error,
                    " (maintenance)" if planned else "")

    def _went_up(self, track: ApTrack, now_ns: int) -> None:
        previous = track.state
        track.state = UP
        if previous != DOWN or track.incident is None:
            return
        end = track.first_ok_ns or now_ns
        incident = self.book.close(track.incident, end)
        track.incident = None
        log.info("AP %s is UP again after %.0f s", track.ap, incident.duration_s or 0)
        if incident.paged:
            self.emit(Notice("ap_up", "warning", "resolved", "ap", track.ap, track.zone, now_ns,
                             since_ns=incident.start_ns, ended_ns=end, incident_id=incident.id,
                             cause=incident.cause))

    def _flap(self, track: ApTrack, now_ns: int) -> None:
        flap = self.settings.flap
        if not track.flapping and len(track.changes) > flap.changes:
            track.flapping = True
            self.rechecks.discard(track.ap)
            cause = f"{len(track.changes)} changes in {flap.window_min:g} min"
            planned = self._muted(track, now_ns)
            track.flap_incident = self.book.open("flapping", track.ap, track.zone,
                                                 track.changes[0], cause, "warning", planned)
            log.warning("AP %s is FLAPPING: %s", track.ap, cause)
            if not planned:
                self.book.noticed(track.flap_incident, now_ns)
                self.emit(Notice("flapping", "warning", "firing", "ap", track.ap, track.zone,
                                 now_ns, since_ns=track.changes[0],
                                 incident_id=track.flap_incident, cause=cause))
        elif track.flapping:
            last_change = track.changes[-1] if track.changes else 0
            if now_ns - last_change >= int(flap.stable_min * NS_PER_MIN):
                track.flapping = False
                track.changes.clear()  # a fresh start: old changes must not re-trigger it
                if track.flap_incident is not None:
                    incident = self.book.close(track.flap_incident, now_ns)
                    track.flap_incident = None
                    log.info("AP %s no longer flapping; it is %s", track.ap, track.state)
                    if incident.paged:
                        self.emit(Notice("flapping_end", "warning", "resolved", "ap", track.ap,
                                         track.zone, now_ns, since_ns=incident.start_ns,
                                         ended_ns=now_ns, incident_id=incident.id,
                                         cause=f"now {track.state}"))

    # -- per zone -------------------------------------------------------------------------------

    def _evaluate_zone(self, zone: ZoneTrack, now_ns: int) -> None:
        members = self.members[zone.zone]
        down = [self.aps[a] for a in members if self.aps[a].state == DOWN]
        total = len(members)
        is_down = total >= self.settings.zone_min_aps and \
            len(down) / total >= self.settings.zone_down_ratio
        if is_down and not zone.down:
            zone.down = True
            starts = [self.book.get(t.incident).start_ns for t in down if t.incident is not None]
            start = max(starts) if starts else now_ns
            planned = self.calendar.active(None, zone.zone, now_ns) is not None
            zone.incident = self.book.open("zone_down", zone.zone, zone.zone, start,
                                           self._zone_cause(down, total), "critical", planned)
            log.warning("zone %s is DOWN: %d of %d APs down", zone.zone, len(down), total)
        elif not is_down and zone.down:
            zone.down = False
            if zone.incident is not None:
                incident = self.book.close(zone.incident, now_ns)
                zone.incident = None
                log.info("zone %s is back: %d of %d APs down", zone.zone, len(down), total)
                if incident.paged:
                    self.emit(Notice("zone_up", "critical", "resolved", "zone", zone.zone,
                                     zone.zone, now_ns, since_ns=incident.start_ns,
                                     ended_ns=now_ns, incident_id=incident.id,
                                     cause=incident.cause, down=len(down), total=total))
        if zone.down and zone.incident is not None:
            for track in down:
                if track.incident is not None:
                    self.book.group(track.incident, zone.incident)

    def _zone_cause(self, down: list[ApTrack], total: int) -> str:
        controllers = {self.controller_of.get(t.ap) for t in down}
        behind = next(iter(controllers)) if len(controllers) == 1 else None
        if behind and all((t.last_error or "").startswith(f"{behind} ") for t in down):
            return f"{len(down)} of {total} APs down — controller {behind} does not answer"
        return f"{len(down)} of {total} APs down — likely the backhaul"

    # -- paging ---------------------------------------------------------------------------------

    def _muted(self, track: ApTrack, now_ns: int) -> bool:
        return self.calendar.active(track.ap, track.zone, now_ns) is not None

    def _page_held(self, now_ns: int) -> None:
        """Page every open outage that nothing holds back any more (and not paged yet)."""
        for zone in self.zones.values():
            if zone.incident is None:
                continue
            incident = self.book.get(zone.incident)
            if incident.paged or self.calendar.active(None, zone.zone, now_ns) is not None:
                continue
            members = self.members[zone.zone]
            down = sum(self.aps[a].state == DOWN for a in members)
            self.book.noticed(incident.id, now_ns)
            self.emit(Notice("zone_down", "critical", "firing", "zone", zone.zone, zone.zone,
                             now_ns, since_ns=incident.start_ns, incident_id=incident.id,
                             cause=incident.cause, down=down, total=len(members),
                             note="maintenance_over" if incident.planned else None))
        for track in self.aps.values():
            if track.incident is None or track.flapping or self.zones[track.zone].down:
                continue
            incident = self.book.get(track.incident)
            if incident.paged or self._muted(track, now_ns):
                continue
            note = "maintenance_over" if incident.planned else \
                "zone_recovered" if incident.parent_id is not None else None
            self.book.noticed(incident.id, now_ns)
            self.emit(Notice("ap_down", "warning", "firing", "ap", track.ap, track.zone, now_ns,
                             since_ns=incident.start_ns, incident_id=incident.id,
                             cause=incident.cause, note=note))

    def _remind(self, now_ns: int) -> None:
        every_ns = int(self.settings.reminder_every_min * NS_PER_MIN)
        if every_ns <= 0:
            return
        for zone in self.zones.values():
            if zone.incident is not None:
                self._remind_one(zone.incident, "zone_down", "critical", "zone", zone.zone,
                                 zone.zone, None, now_ns, every_ns)
        for track in self.aps.values():
            if track.incident is not None and not track.flapping and \
                    not self.zones[track.zone].down:
                self._remind_one(track.incident, "ap_down", "warning", "ap", track.ap,
                                 track.zone, track.ap, now_ns, every_ns)

    def _remind_one(self, incident_id: int, kind: str, severity: str, subject: str,
                    subject_id: str, zone: str, ap: str | None, now_ns: int, every_ns: int,
                    ) -> None:
        incident = self.book.get(incident_id)
        if not incident.paged or incident.last_notice_ns is None or \
                now_ns - incident.last_notice_ns < every_ns or \
                self.calendar.active(ap, zone, now_ns) is not None:
            return
        self.book.noticed(incident.id, now_ns, reminder=True)
        down = total = None
        if subject == "zone":
            total = len(self.members[zone])
            down = sum(self.aps[a].state == DOWN for a in self.members[zone])
        self.emit(Notice(kind, severity, "firing", subject, subject_id, zone,  # type: ignore[arg-type]
                         now_ns, since_ns=incident.start_ns, incident_id=incident.id,
                         cause=incident.cause, down=down, total=total,
                         reminder=incident.reminders + 1))

    # -- views ----------------------------------------------------------------------------------

    def status(self, ap_id: str) -> str:
        track = self.aps[ap_id]
        return "flapping" if track.flapping else track.state
