"""The scheduler: one job per interval group, and a late cycle is skipped, never stacked."""

from __future__ import annotations

import asyncio
import itertools
import socket
import time

from collectors.snmp.poller import ApPoller, PollTarget
from collectors.snmp.profile import default_catalog
from collectors.snmp.settings import PollSettings
from netmon.config.models import AccessPoint
from netmon.observation import Cycle
from netmon.pipeline import Pipeline
from netmon.scheduler import PollScheduler
from tests.support.agents import COMMUNITY, Snmpd, credentials
from tests.support.wait import async_wait_until

CREDENTIALS = credentials(version="2c", community=COMMUNITY)


def _groups(targets: list[PollTarget]) -> dict[int, list[PollTarget]]:
    groups: dict[int, list[PollTarget]] = {}
    for target in targets:
        groups.setdefault(target.interval_s, []).append(target)
    return groups


def _target(ap_id: str, port: int, interval_s: int) -> PollTarget:
    """Intervals below a config's minimum (5 s) are allowed here, to make the point quickly."""
    ap = AccessPoint(id=ap_id, name=ap_id, zone="centre", lat=45.69, lon=5.91,
                     host="127.0.0.1", port=port, credentials=CREDENTIALS)
    return PollTarget(ap.id, "127.0.0.1", port, CREDENTIALS, "generic", [ap],
                      interval_s=interval_s)


class Cycles:
    """Records each published cycle."""

    def __init__(self) -> None:
        self.reports: list[Cycle] = []

    def consume(self, report: Cycle) -> None:
        self.reports.append(report)


async def test_slow_cycle_is_skipped_not_stacked() -> None:
    # A collector whose every cycle lasts 3 s, while one is due every second.
    async def slow_collect(targets: list[PollTarget]) -> Cycle:
        started_ns = time.time_ns()
        await asyncio.sleep(3)
        return Cycle(started_ns, 3.0, [], [], 0)

    cycles = Cycles()
    scheduler = PollScheduler({1: []}, slow_collect, Pipeline([], [cycles]))
    scheduler.start()
    await async_wait_until(lambda: scheduler.skipped_cycles[1] >= 3, 15, "three skipped cycles")
    await scheduler.shutdown(grace_s=5)
    assert scheduler.skipped_cycles[1] >= 3
    assert 1 <= len(cycles.reports) <= 3  # never more cycles than fit one after the other
    starts = sorted(r.started_ns for r in cycles.reports)
    assert all(b - a >= 2.9e9 for a, b in itertools.pairwise(starts))


async def test_a_silent_ap_never_makes_a_cycle_overrun(snmpd: Snmpd) -> None:
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # reads nothing, answers nothing
    silent.bind(("127.0.0.1", 0))
    dead = silent.getsockname()[1]
    # 2 tries of 1.5 s would take 3 s, but a cycle is due every 2 s: its budget is 1 s.
    settings = PollSettings(interval_s=5, timeout_s=1.5, retries=1)
    targets = [_target("ap-dead", dead, 2), _target("ap-good", snmpd.port, 2)]
    poller = ApPoller(settings, default_catalog(), targets)
    cycles = Cycles()
    scheduler = PollScheduler(_groups(targets), poller.poll, Pipeline([], [cycles]))
    scheduler.start()
    await async_wait_until(lambda: len(cycles.reports) >= 4, 20, "four cycles")
    await scheduler.shutdown(grace_s=5)
    await poller.close()
    silent.close()
    assert scheduler.skipped_cycles[2] == 0
    for report in cycles.reports:
        by_id = {o.ap_id: o for o in report.observations}
        assert by_id["ap-good"].up
        assert not by_id["ap-dead"].up
        assert by_id["ap-dead"].error == (f"ap-dead 127.0.0.1:{dead}: timeout: no complete "
                                          "answer within the cycle's budget (1 s)")
        assert report.duration_s < 1.5


async def test_one_job_per_interval_group_and_shutdown_waits(snmpd: Snmpd) -> None:
    settings = PollSettings(interval_s=60, timeout_s=1.0, retries=0)
    targets = [_target("ap-fast", snmpd.port, 2), _target("ap-slow", snmpd.port, 60)]
    poller = ApPoller(settings, default_catalog(), targets)
    cycles = Cycles()
    scheduler = PollScheduler(_groups(targets), poller.poll, Pipeline([], [cycles]),
                              jitter_s=0.2)
    assert {k: [t.id for t in v] for k, v in scheduler.groups().items()} == {
        2: ["ap-fast"], 60: ["ap-slow"]}
    scheduler.start()
    assert {job.id for job in scheduler.scheduler.get_jobs()} == {"poll-2s", "poll-60s"}
    await async_wait_until(
        lambda: [r.observations[0].ap_id for r in cycles.reports].count("ap-fast") >= 2, 10,
        "two cycles of the 2 s group")
    await scheduler.shutdown(grace_s=5)
    await poller.close()
    polled = [r.observations[0].ap_id for r in cycles.reports]
    assert polled.count("ap-slow") == 1  # its first run is right away, the next in a minute
    assert polled.count("ap-fast") >= 2
    assert all(r.observations[0].up for r in cycles.reports)
    # Each cycle stands for its group's interval: the time netmon watched those APs.
    assert {r.observations[0].ap_id: r.covers_s for r in cycles.reports} == {
        "ap-fast": 2.0, "ap-slow": 60.0}
    assert not scheduler.scheduler.running


async def test_aps_whose_turn_never_comes_are_counted_not_judged(snmpd: Snmpd) -> None:
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    # One AP at a time; the silent one, first, holds the whole 1 s budget of a 2 s interval.
    settings = PollSettings(interval_s=5, timeout_s=1.5, retries=1, concurrency=1)
    targets = [_target("ap-silent", silent.getsockname()[1], 2),
               *(_target(f"ap-{n}", snmpd.port, 2) for n in range(3))]
    poller = ApPoller(settings, default_catalog(), targets)
    try:
        cycle = await poller.poll()
    finally:
        await poller.close()
        silent.close()
    assert [o.ap_id for o in cycle.observations] == ["ap-silent"]
    assert not cycle.observations[0].up
    assert cycle.missed == 3 and poller.unpolled == 3
