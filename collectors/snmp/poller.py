"""ApPoller: one cycle polls every AP concurrently, within the interval's budget; one broken
or silent AP never stops the others."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from collectors.snmp.columns import TableTypes, fallback_of, table_types
from collectors.snmp.controller import controller_readings
from collectors.snmp.errors import DeadlineReached, SnmpFailure
from collectors.snmp.plan import COUNTERS, Index, ReadPlan, Slot, build_plan
from collectors.snmp.profile import Profile, ProfileCatalog
from collectors.snmp.readings import (
    Answer,
    ApState,
    ap_reading,
    down_reading,
    fill_fallbacks,
    put_cell,
)
from collectors.snmp.session import AgentSession, WireCounts
from collectors.snmp.settings import PollSettings, SnmpCredentials
from collectors.snmp.sockets import SessionPool
from collectors.snmp.values import RANGES, convert, convert_noting
from netmon.config.models import AccessPoint, NetmonConfig
from netmon.logs import about
from netmon.observation import ApObservation, Cycle
from netmon.sample import Sample

log = logging.getLogger(__name__)
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
# A poll that outlives this many request timeouts is abandoned (a wedged agent), even when
# the cycle's budget would allow more.
DEADLINE_TIMEOUTS = 4
# Known rows are read by GET while their cells fit in this many varbinds; bigger tables are
# walked on every poll.
MAX_GET_CELLS = 240
INTEGER_KINDS = frozenset(RANGES)


def cycle_budget_s(interval_s: float) -> float:
    """How long one cycle may poll: its interval less a margin to store what it read
    (a tenth, at least 1 s, at most half)."""
    return interval_s - min(max(1.0, interval_s * 0.1), interval_s / 2)


def target_about(target: PollTarget) -> dict[str, str]:
    """`extra=` of a log line about an agent: an AP and its zone; a controller, by its id."""
    if target.controller:
        zones = {ap.zone for ap in target.aps}
        return about(ap=None, zone=zones.pop() if len(zones) == 1 else None)
    return about(ap=target.id, zone=target.aps[0].zone if target.aps else None)


@dataclass(slots=True)
class PollTarget:
    """One SNMP agent to ask: an AP, or a controller that answers for several APs."""

    id: str
    host: str
    port: int
    credentials: SnmpCredentials
    profile_name: str
    aps: list[AccessPoint]
    controller: bool = False
    interval_s: int = 60
    profile: Profile | None = None
    session: AgentSession | None = None
    # Rows each table had at the last walk: read again by GET until the next walk.
    indexes: dict[str, list[Index]] = field(default_factory=dict)
    # (table, primary column, row) read from the primary's fallback column (e.g. a row
    # without 64-bit counters); decided row by row, asked afresh at every walk.
    fallbacks: set[Slot] = field(default_factory=set)
    big: bool = False  # too many cells for GET: walked on every poll
    polls_since_walk: int = 0
    plans: dict[bool, ReadPlan] = field(default_factory=dict)  # by "walked this poll"
    states: dict[str, ApState] = field(default_factory=dict)
    # `profile: auto` found a controller's sysObjectID on a device listed as an AP: said in
    # every reading of it, as it is likely a mistake of the inventory.
    detect_note: str | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def rows_changed(self) -> None:
        self.plans.clear()


def build_targets(config: NetmonConfig) -> list[PollTarget]:
    """APs polled directly, and one target per controller for the APs it reports."""
    default = config.poll.interval_s
    targets = []
    for ap in config.aps:
        if ap.enabled and ap.controller is None:
            assert ap.host is not None and ap.credentials is not None
            targets.append(PollTarget(ap.id, ap.host, ap.port, ap.credentials, ap.profile, [ap],
                                      interval_s=ap.interval_s or default))
    for ctl in config.controllers:
        served = [ap for ap in config.aps if ap.enabled and ap.controller == ctl.id]
        if served:
            targets.append(PollTarget(ctl.id, ctl.host, ctl.port, ctl.credentials, ctl.profile,
                                      served, controller=True,
                                      interval_s=ctl.interval_s or default))
    return targets


class ApPoller:
    """Polls targets with GET and GETBULK walks under one global concurrency limit."""

    def __init__(self, settings: PollSettings, catalog: ProfileCatalog,
                 targets: Sequence[PollTarget], sessions: SessionPool | None = None) -> None:
        self.settings = settings
        self.catalog = catalog
        self.targets = list(targets)
        self._own_pool = sessions is None
        self.sessions = sessions or SessionPool(0)
        self._plans: dict[tuple[object, ...], ReadPlan] = {}  # shared by agents alike
        self.counts = WireCounts()  # every cycle's requests and stray reads, all time
        self.unpolled = 0  # APs whose turn never came within a cycle's budget
        # Controller-level problems of the last poll of each controller (logged on change).
        self.controller_notes: dict[str, list[str]] = {}
        self._prepared = False

    async def prepare(self) -> None:
        """Sessions for every agent (sockets open on first use) within the fd budget."""
        if self._own_pool:
            self.sessions = SessionPool.for_fleet(len(self.targets), self.settings.concurrency)
        for target in self.targets:
            self.attach(target)
        self._prepared = True

    def attach(self, target: PollTarget) -> None:
        if target.session is None:
            target.session = AgentSession(target.host, target.port, target.credentials,
                                          self.settings.timeout_s, self.settings.retries)
        if target.profile is None and target.profile_name != "auto":
            target.profile = self.catalog.get(target.profile_name)

    def dropped_datagrams(self) -> int:
        """Reads of datagrams from agents that answered nothing asked (all time)."""
        return self.counts.stray

    async def close(self) -> None:
        self.sessions.close_all()
        for target in self.targets:
            if target.session is not None:
                target.session.close()

    async def poll(self, targets: Sequence[PollTarget] | None = None) -> Cycle:
        """One cycle over `targets` (all by default), within their interval's budget."""
        if not self._prepared:
            await self.prepare()
        chosen = self.targets if targets is None else list(targets)
        for target in chosen:
            self.attach(target)
        loop = asyncio.get_running_loop()
        budget_s = cycle_budget_s(min((t.interval_s for t in chosen), default=60))
        deadline = loop.time() + budget_s
        started_ns = time.time_ns()
        started = time.perf_counter()
        counts = WireCounts()  # this cycle's: each agent counts into it while polled
        results: list[tuple[list[ApObservation], list[Sample]]] = [([], [])] * len(chosen)
        queue = iter(enumerate(chosen))
        late: list[str] = []

        async def worker() -> None:
            # `concurrency` workers take the next target when done: no task per target.
            for position, target in queue:
                if loop.time() >= deadline:
                    late.append(target.id)  # its turn came too late: not asked, not judged
                    continue
                assert target.session is not None
                target.session.counts = counts
                results[position] = await self._poll_in_time(target, started_ns, deadline,
                                                             budget_s)

        await asyncio.gather(*(worker() for _ in range(min(self.settings.concurrency,
                                                             len(chosen)))))
        missed = 0
        if late:
            unreached = set(late)
            missed = sum(len(t.aps) for t in chosen if t.id in unreached)
            self.unpolled += missed
            log.warning("%d agents not polled: the cycle's %g s budget was spent first "
                        "(raise poll.concurrency or lower timeout_s x (retries + 1))",
                        len(late), budget_s)
        readings = [r for rs, _ in results for r in rs]
        shared = [s for _, ss in results for s in ss]
        self.counts.sent += counts.sent
        self.counts.stray += counts.stray
        notes = [f"controller {t.id} {t.address}: {note}" for t in chosen
                 for note in self.controller_notes.get(t.id, ())]
        return Cycle(started_ns, time.perf_counter() - started, readings, shared, counts.sent,
                     counts.stray, missed, notes=notes)

    async def _poll_in_time(self, target: PollTarget, time_ns: int, deadline: float,
                            budget_s: float) -> tuple[list[ApObservation], list[Sample]]:
        began = time.perf_counter()
        own_s = self.settings.timeout_s * (self.settings.retries + 1) * DEADLINE_TIMEOUTS
        loop = asyncio.get_running_loop()
        cut_by_cycle = deadline <= loop.time() + own_s
        assert target.session is not None
        session = target.session
        # Each wait for a reply ends by this deadline: no timer per AP poll.
        session.deadline = min(deadline, loop.time() + own_s)
        self.sessions.acquire(session)
        try:
            return await self._poll_target(target, time_ns, began)
        except SnmpFailure as exc:
            reason = str(exc)
        except DeadlineReached:
            reason = (f"timeout: no complete answer within the cycle's budget ({budget_s:g} s)"
                      if cut_by_cycle else f"timeout: no complete answer within {own_s:g} s")
        except OSError as exc:
            reason = f"network error: {exc.strerror or exc}"
        except Exception as exc:  # one broken agent never stops the cycle
            log.exception("%s %s: unexpected failure", target.id, target.address,
                          extra=target_about(target))
            reason = f"internal error: {exc!r}"
        finally:
            session.deadline = math.inf
            self.sessions.release(session)
        return self._all_down(target, time_ns, began, reason), []

    def _all_down(self, target: PollTarget, time_ns: int, began: float, reason: str,
                  ) -> list[ApObservation]:
        poll_ms = (time.perf_counter() - began) * 1000
        error = f"{target.id} {target.address}: {reason}"
        return [down_reading(ap, target.profile, time_ns, error, poll_ms) for ap in target.aps]

    async def _poll_target(self, target: PollTarget, time_ns: int, began: float,
                           ) -> tuple[list[ApObservation], list[Sample]]:
        if target.profile is None:
            target.profile = await self._detect(target)
        profile = target.profile
        answer = Answer()
        walked = target.big or target.polls_since_walk >= self.settings.rewalk_every or \
            any(table not in target.indexes for table in profile.tables)
        if target.detect_note:
            answer.problems.append(target.detect_note)
        if walked:
            await self._walk_tables(target, profile, answer)
        target.polls_since_walk += 1
        await self._read_plan(target, profile, self._plan(target, profile, walked), answer)
        fill_fallbacks(profile, answer)
        now_s = time.monotonic()
        poll_ms = (time.perf_counter() - began) * 1000
        if target.controller:
            result = controller_readings(target.id, target.aps, profile, answer, target.states,
                                         time_ns, now_s, poll_ms)
            self._note(target, result.problems)
            return result.readings, result.shared
        ap = target.aps[0]
        state = target.states.get(ap.id) or target.states.setdefault(ap.id, ApState())
        return [ap_reading(ap, profile, answer, state, time_ns, now_s, poll_ms)], []

    def _note(self, target: PollTarget, problems: list[str]) -> None:
        """Controller-level problems: logged when they change, kept for the cycle's notes."""
        if problems != self.controller_notes.get(target.id, []):
            for problem in problems:
                log.warning("controller %s %s: %s", target.id, target.address, problem,
                            extra=target_about(target))
            if not problems:
                log.info("controller %s %s: its AP table reads whole again", target.id,
                         target.address)
        self.controller_notes[target.id] = problems

    async def _detect(self, target: PollTarget) -> Profile:
        """The profile `auto` stands for: the best match among those fit for the target's
        role (an AP's or a controller's)."""
        assert target.session is not None
        values = await target.session.get([SYS_OBJECT_ID])
        sys_object_id = str(convert(values.get(SYS_OBJECT_ID), "oid") or "")
        profile = self.catalog.detect(sys_object_id, "controller" if target.controller else "ap")
        best = self.catalog.detect(sys_object_id)
        if best is not profile and not target.controller:
            target.detect_note = (f"sysObjectID {sys_object_id} is a {best.vendor} {best.model} "
                                  f"controller's (profile {best.name}): list it under "
                                  f"controllers:, not as an AP (read here as {profile.name})")
        if target.controller and profile.kind == "ap":
            log.warning("controller %s %s: sysObjectID %s matches no controller profile: set "
                        "its profile", target.id, target.address, sys_object_id)
        log.info("%s %s: sysObjectID %s -> profile %s", target.id, target.address,
                 sys_object_id, profile.name)
        return profile

    def _plan(self, target: PollTarget, profile: Profile, walked: bool) -> ReadPlan:
        plan = target.plans.get(walked)
        if plan is None:
            v1 = target.credentials.version == "1"
            key = (profile.name, walked, v1, tuple(sorted(target.fallbacks)),
                   tuple((t, tuple(i)) for t, i in sorted(target.indexes.items())))
            plan = self._plans.get(key)
            if plan is None:
                if len(self._plans) > 2 * len(self.targets) + 64:
                    self._plans.clear()  # agents changed their rows many times: start afresh
                plan = self._plans[key] = build_plan(profile, target.indexes, target.fallbacks,
                                                     walked, v1)
            target.plans[walked] = plan
        return plan

    async def _read_plan(self, target: PollTarget, profile: Profile, plan: ReadPlan,
                         answer: Answer) -> None:
        """GET every page of the plan; a primary missing in a row is read from its fallback
        column at once, and that row keeps the fallback until the next walk."""
        absent: list[Slot] = []
        session = target.session
        assert session is not None
        types: dict[str, TableTypes] = {}
        for oids, slots in plan.pages:
            values = await session.get(oids)
            ticks = values.get(plan.clock_oid) if plan.clock_oid else None
            page_ticks = ticks if isinstance(ticks, int) else None
            for oid, slot in zip(oids, slots, strict=True):
                if slot is None:
                    continue
                raw = values.get(oid)
                if raw is None:
                    absent.append(slot)
                    continue
                table, name, index = slot
                if not table:
                    kind = profile.scalars[name].type
                    if type(raw) is int and kind in INTEGER_KINDS and 0 <= raw < 2**32:
                        answer.scalars[name] = raw  # in every integer type's range: hot path
                        continue
                    value = convert_noting(raw, kind, name, answer.problems)
                    if value is not None:
                        answer.scalars[name] = value
                else:
                    columns = types.get(table) or types.setdefault(
                        table, table_types(profile, table))
                    put_cell(columns, table, name, index, raw, page_ticks, answer)
        switched = [s for s in absent if s[0] and s not in target.fallbacks
                    and fallback_of(profile, s[0], s[1]) is not None]
        if switched:
            target.fallbacks.update(switched)
            target.rows_changed()
            now = build_plan(profile, {}, set(), False, False, cells=[
                (t, fallback_of(profile, t, c) or c, i) for t, c, i in switched])
            await self._read_plan(target, profile, now, answer)
        elif any(table for table, _, _ in absent):
            self._note_vanished(target, plan, absent)

    def _note_vanished(self, target: PollTarget, plan: ReadPlan, absent: list[Slot]) -> None:
        """A row whose every cell came back absent went away: walk again next poll."""
        asked: dict[tuple[str, Index], int] = {}
        for _, slots in plan.pages:
            for slot in slots:
                if slot is not None and slot[0]:
                    asked[slot[0], slot[2]] = asked.get((slot[0], slot[2]), 0) + 1
        missing: dict[tuple[str, Index], int] = {}
        for table, _, index in absent:
            if table:
                missing[table, index] = missing.get((table, index), 0) + 1
        if any(asked.get(row) == count for row, count in missing.items()):
            target.polls_since_walk = self.settings.rewalk_every

    async def _walk_tables(self, target: PollTarget, profile: Profile, answer: Answer) -> None:
        """Walk each table's plain columns (counters are read by GET, timed by sysUpTime) and
        learn its rows; a primary column missing in a row is read from its fallback."""
        assert target.session is not None
        before = set(target.fallbacks)
        target.fallbacks.clear()  # asked afresh: a row may have gained its primary column
        cells = 0
        for table, spec in profile.tables.items():
            primaries = [n for n, c in spec.columns.items() if c.fallback_for is None]
            plain = [n for n in primaries if spec.columns[n].type not in COUNTERS]
            rows: set[Index] = set()
            found: dict[str, set[Index]] = {}
            for names in (plain, [n for n in spec.columns if n not in plain]):
                for name in names:
                    found[name] = await self._walk_column(target, profile, table, name, answer)
                    rows |= found[name]
                if rows:
                    break  # other columns are read by GET, row by row
            known = target.indexes.get(table)
            target.indexes[table] = sorted(rows)
            if known != target.indexes[table]:
                target.rows_changed()
            for name in plain:
                fallback = fallback_of(profile, table, name)
                if fallback is not None:
                    # Rows this walk read from the fallback (an agent on the other arc of a
                    # MIB) are not asked again now; the next GET poll switches them at once.
                    read = found.get(fallback, set()) \
                        if spec.columns[fallback].type not in COUNTERS else set()
                    target.fallbacks.update((table, name, i) for i in rows - found[name] - read)
            cells += len(rows) * len(spec.columns)
        target.big = cells > MAX_GET_CELLS
        target.polls_since_walk = 0
        if target.fallbacks != before:
            target.rows_changed()

    async def _walk_column(self, target: PollTarget, profile: Profile, table: str, name: str,
                           answer: Answer) -> set[Index]:
        assert target.session is not None
        column = profile.tables[table].columns[name]
        known = target.indexes.get(table)
        repetitions = self.settings.max_repetitions
        if known:
            repetitions = min(repetitions, len(known) + 1)  # the rows, and one to see the end
        try:
            walk = await target.session.walk(column.oid, repetitions,
                                             self.settings.max_table_rows)
        except SnmpFailure as exc:
            if not answer.tables and not answer.scalars:
                raise
            answer.problems.append(f"table {table} {name}: {exc}")
            return set()
        if walk.truncated:
            answer.truncated.add(table)
            if not target.controller:  # a controller says it once, at its own level
                answer.problems.append(f"table {table}: more than "
                                       f"{self.settings.max_table_rows} rows, the rest was "
                                       "not read")
        if walk.disordered:
            answer.problems.append(f"table {table} {name}: the agent answered OIDs out of "
                                   "order, the walk stopped there")
        if column.type not in COUNTERS:  # counters only count when timed (by GET)
            types = table_types(profile, table)
            for index, value in walk.rows:
                put_cell(types, table, name, index, value, None, answer)
        return {index for index, _ in walk.rows}
