"""ApPoller: one cycle polls every AP concurrently; one broken AP never stops the others."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from collectors.snmp.profile import Profile, ProfileCatalog
from collectors.snmp.readings import (
    Answer,
    ApState,
    ap_reading,
    controller_readings,
    down_reading,
    typed_rows,
)
from collectors.snmp.session import Endpoint, OidTuple, SnmpClient, SnmpError, parse_oid
from collectors.snmp.settings import PollSettings, SnmpCredentials
from collectors.snmp.values import convert, convert_noting
from netmon.config.models import AccessPoint, NetmonConfig
from netmon.observation import ApObservation, Cycle
from netmon.sample import Sample

log = logging.getLogger(__name__)
SYS_OBJECT_ID = (1, 3, 6, 1, 2, 1, 1, 2, 0)
# A poll that outlives this many request timeouts is abandoned (a wedged agent).
DEADLINE_TIMEOUTS = 4
# Known rows are read with one GET while they fit in this many varbinds; bigger tables are walked.
MAX_GET_VARBINDS = 60
PLAN_CACHE_PER_TARGET = 2
PLAN_CACHE_MIN = 64
# Known-rows GET: the slot of each varbind (table or "" for a scalar, name, row index), its OID.
GetPlan = tuple[list[tuple[str, str, tuple[int, ...]]], list[OidTuple]]


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
    endpoint: Endpoint | None = None
    # Columns found missing on this agent, so their fallbacks are asked instead.
    missing: set[tuple[str, str]] = field(default_factory=set)
    learned: set[str] = field(default_factory=set)
    # Rows each table had at the last walk: read again with one GET until the next walk.
    indexes: dict[str, list[tuple[int, ...]]] = field(default_factory=dict)
    polls_since_walk: int = 0
    get_plan: GetPlan | None = None
    states: dict[str, ApState] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


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
    """Polls targets with GET + GETBULK under one global concurrency limit."""

    def __init__(self, settings: PollSettings, catalog: ProfileCatalog,
                 targets: Sequence[PollTarget], client: SnmpClient | None = None) -> None:
        self.settings = settings
        self.catalog = catalog
        self.targets = list(targets)
        self.client = client or SnmpClient()
        self._scalar_plans: dict[str, list[OidTuple]] = {}
        # Known-rows GET plans, shared by every target with the same profile and rows.
        self._get_plans: dict[tuple[object, ...], GetPlan] = {}
        self._prepared = False

    async def prepare(self) -> None:
        """Register every agent with pysnmp before any traffic (much cheaper that way)."""
        for target in self.targets:
            if target.endpoint is None:
                target.endpoint = await self.client.endpoint(
                    target.host, target.port, target.credentials, self.settings.timeout_s,
                    self.settings.retries)
            if target.profile is None and target.profile_name != "auto":
                target.profile = self.catalog.get(target.profile_name)
        self._prepared = True

    async def poll(self, targets: Sequence[PollTarget] | None = None) -> Cycle:
        """One cycle over `targets` (all by default)."""
        if not self._prepared:
            await self.prepare()
        chosen = self.targets if targets is None else list(targets)
        started_ns = time.time_ns()
        started = time.perf_counter()
        requests_before = self.client.requests
        results: list[tuple[list[ApObservation], list[Sample]]] = [([], [])] * len(chosen)
        queue = iter(enumerate(chosen))

        async def worker() -> None:
            # `concurrency` workers take the next target when done: no task per target.
            for position, target in queue:
                results[position] = await self._poll_with_deadline(target, started_ns)

        await asyncio.gather(*(worker() for _ in range(min(self.settings.concurrency,
                                                             len(chosen)))))
        readings = [r for rs, _ in results for r in rs]
        shared = [s for _, ss in results for s in ss]
        return Cycle(started_ns, time.perf_counter() - started, readings, shared,
                           self.client.requests - requests_before)

    async def _poll_with_deadline(self, target: PollTarget, time_ns: int,
                                  ) -> tuple[list[ApObservation], list[Sample]]:
        began = time.perf_counter()
        deadline_s = self.settings.timeout_s * (self.settings.retries + 1) * DEADLINE_TIMEOUTS
        try:
            async with asyncio.timeout(deadline_s):  # no extra task per poll, unlike wait_for
                return await self._poll_target(target, time_ns, began)
        except (SnmpError, TimeoutError, OSError) as exc:
            reason = str(exc) or f"no complete answer within {deadline_s:g} s"
            return self._all_down(target, time_ns, began, reason), []
        except Exception as exc:  # one broken agent never stops the cycle
            log.exception("%s %s: unexpected failure", target.id, target.address)
            return self._all_down(target, time_ns, began, f"internal error: {exc!r}"), []

    def _all_down(self, target: PollTarget, time_ns: int, began: float, reason: str,
                  ) -> list[ApObservation]:
        poll_ms = (time.perf_counter() - began) * 1000
        error = f"{target.id} {target.address}: {reason}"
        return [down_reading(ap, target.profile, time_ns, error, poll_ms) for ap in target.aps]

    async def _poll_target(self, target: PollTarget, time_ns: int, began: float,
                           ) -> tuple[list[ApObservation], list[Sample]]:
        assert target.endpoint is not None
        if target.profile is None:
            target.profile = await self._detect(target)
        profile = target.profile
        answer = Answer()
        if self._known_rows_fit(target, profile):
            try:
                await self._poll_known_rows(target, profile, answer)
            except SnmpError as exc:
                if "noSuchName" not in str(exc):
                    raise
                # SNMPv1 fails the whole GET when one row went away: walk again now.
                answer = Answer()
                await self._poll_and_walk(target, profile, answer)
        else:
            await self._poll_and_walk(target, profile, answer)
        now_s = time.monotonic()
        poll_ms = (time.perf_counter() - began) * 1000
        if target.controller:
            return controller_readings(target.id, target.aps, profile, answer, target.states,
                                       time_ns, now_s, poll_ms)
        ap = target.aps[0]
        state = target.states.setdefault(ap.id, ApState())
        return [ap_reading(ap, profile, answer, state, time_ns, now_s, poll_ms)], []

    def _wanted_columns(self, target: PollTarget, profile: Profile, table: str) -> dict[str, str]:
        """Column name -> OID text; fallbacks only where this agent lacks the primary."""
        first = table not in target.learned
        return {name: column.oid for name, column in profile.tables[table].columns.items()
                if column.fallback_for is None or first
                or (table, column.fallback_for) in target.missing}

    def _known_rows_fit(self, target: PollTarget, profile: Profile) -> bool:
        if target.polls_since_walk >= self.settings.rewalk_every:
            return False
        if target.get_plan is not None:
            return True  # built for these very rows, which only a walk changes
        if any(table not in target.indexes for table in profile.tables):
            return False
        cells = sum(len(target.indexes[t]) * len(self._wanted_columns(target, profile, t))
                    for t in profile.tables)
        return 0 < cells + len(profile.scalars) <= MAX_GET_VARBINDS

    async def _poll_known_rows(self, target: PollTarget, profile: Profile,
                               answer: Answer) -> None:
        """Scalars and every known table cell in one GET: one round trip per AP."""
        assert target.endpoint is not None
        if target.get_plan is None:
            target.get_plan = self._get_plan(target, profile)
        slots, oids = target.get_plan
        values = await self.client.get(target.endpoint, oids)
        walked: dict[str, dict[str, dict[tuple[int, ...], object]]] = {
            t: {} for t in profile.tables}
        for (table, name, index), oid in zip(slots, oids, strict=True):
            raw = values.get(oid)
            if raw is None:
                if table:
                    target.polls_since_walk = self.settings.rewalk_every  # a row went away
                continue
            if table:
                walked[table].setdefault(name, {})[index] = raw
            else:
                value = convert_noting(raw, profile.scalars[name].type, name, answer.problems)
                if value is not None:
                    answer.scalars[name] = value
        for table, by_name in walked.items():
            answer.tables[table] = typed_rows(profile, table, by_name, answer.problems)
        target.polls_since_walk += 1

    def _get_plan(self, target: PollTarget, profile: Profile) -> GetPlan:
        """Which cell each varbind of the known-rows GET is; one plan per distinct agent."""
        assert target.endpoint is not None
        key = (profile.name, tuple(sorted(target.missing)),
               tuple(sorted(target.learned)),
               tuple((t, tuple(target.indexes[t])) for t in profile.tables))
        plan = self._get_plans.get(key)
        if plan is not None:
            return plan
        slots: list[tuple[str, str, tuple[int, ...]]] = []
        oids: list[OidTuple] = []
        for name, scalar in profile.scalars.items():
            slots.append(("", name, ()))
            oids.append(parse_oid(scalar.oid))
        for table in profile.tables:
            for name, column in self._wanted_columns(target, profile, table).items():
                if (table, name) in target.missing:
                    continue  # the walk found none: asking would fail a v1 GET
                for index in target.indexes[table]:
                    slots.append((table, name, index))
                    oids.append((*parse_oid(column), *index))
        if len(self._get_plans) > PLAN_CACHE_PER_TARGET * len(self.targets) + PLAN_CACHE_MIN:
            self._get_plans.clear()  # agents changed their rows many times: start afresh
        plan = self._get_plans[key] = (slots, oids)
        return plan

    async def _poll_and_walk(self, target: PollTarget, profile: Profile,
                             answer: Answer) -> None:
        """GET the scalars, walk every table with GETBULK, and learn the rows for next time."""
        assert target.endpoint is not None
        target.get_plan = None
        target.polls_since_walk = 1  # this poll counts: walk, then rewalk_every - 1 GETs
        if profile.scalars:
            oids = self._scalar_plan(profile)
            values = await self.client.get(target.endpoint, oids)
            for (name, scalar), oid in zip(profile.scalars.items(), oids, strict=True):
                if oid in values:
                    value = convert_noting(values[oid], scalar.type, name, answer.problems)
                    if value is not None:
                        answer.scalars[name] = value
        for table in profile.tables:
            await self._walk(target, profile, table, answer)

    async def _detect(self, target: PollTarget) -> Profile:
        assert target.endpoint is not None
        values = await self.client.get(target.endpoint, [SYS_OBJECT_ID])
        raw = values.get(SYS_OBJECT_ID)
        sys_object_id = convert(raw, "oid") if raw is not None else None
        profile = self.catalog.detect(str(sys_object_id or ""))
        log.info("%s %s: sysObjectID %s -> profile %s", target.id, target.address,
                 sys_object_id, profile.name)
        return profile

    def _scalar_plan(self, profile: Profile) -> list[OidTuple]:
        """The scalars' OIDs, parsed once per profile and reused for every request."""
        plan = self._scalar_plans.get(profile.name)
        if plan is None:
            plan = self._scalar_plans[profile.name] = [parse_oid(s.oid)
                                                       for s in profile.scalars.values()]
        return plan

    async def _walk(self, target: PollTarget, profile: Profile, table: str,
                    answer: Answer) -> None:
        assert target.endpoint is not None
        spec = profile.tables[table]
        first = table not in target.learned
        wanted = {parse_oid(oid): name
                  for name, oid in self._wanted_columns(target, profile, table).items()}
        repetitions = self.settings.max_repetitions
        if table in target.indexes:
            # As many rows as last time, plus one to see the table end.
            repetitions = min(repetitions, len(target.indexes[table]) + 1)
        anchor = None
        if table == profile.ap.traffic and profile.ap.uptime in profile.scalars:
            anchor = parse_oid(profile.scalars[profile.ap.uptime].oid)
        try:
            walk = await self.client.walk_columns(
                target.endpoint, list(wanted), repetitions, self.settings.max_table_rows, anchor)
        except SnmpError as exc:
            if not answer.scalars and not answer.tables:
                raise
            answer.problems.append(f"table {table}: {exc}")
            return
        walked, truncated = walk.cells, walk.truncated
        if walk.anchor is not None:
            ticks = convert(walk.anchor, "ticks")
            answer.traffic_ticks = ticks if isinstance(ticks, int) else None
        if truncated:
            answer.problems.append(f"table {table}: more than {self.settings.max_table_rows} "
                                   "rows, the rest was not read")
        by_name = {wanted[oid]: cells for oid, cells in walked.items()}
        if first:
            target.learned.add(table)
            for name, column in spec.columns.items():
                if column.fallback_for is None and not by_name.get(name):
                    target.missing.add((table, name))
        if truncated:
            target.indexes.pop(table, None)
        else:
            target.indexes[table] = sorted({i for cells in walked.values() for i in cells})
        answer.tables[table] = typed_rows(profile, table, by_name, answer.problems)
