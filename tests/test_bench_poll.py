"""The polling comparison's parts: rounds merge into one row each, the baseline commit's tree
is exported (or says why not), and snmp_exporter 0.21 reads all 14 values over v2c and
SNMPv3 authPriv from a real snmpd with the bench's config."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.agents import SnmpdFleet
from bench.bench_exporter import MODULES, V3_MODULES, Exporter, values_in
from bench.bench_netsnmp import COLUMNS, interfaces_of
from bench.compare_poll import FREEZE_LINES, WARM_UP_LINE, baseline_tree
from bench.poll_rounds import Measure, PollerUnavailable, PollRow, interleaved


def fixed_rate(name: str, cpu_s: float, calls: list[str], fail_on: int = 0) -> Measure:
    """A poller whose cycles cost `cpu_s` each; it fails on its `fail_on`-th run (1-based)."""

    def measure(cycles: int) -> PollRow:
        calls.append(name)
        if calls.count(name) == fail_on:
            raise PollerUnavailable(f"{name} broke")
        return PollRow(name, 100, cycles, cpu_s, cpu_s, 10.0 * calls.count(name), 0.0)

    return measure


def test_rounds_reverse_the_order_and_sum_into_one_row_per_poller() -> None:
    calls: list[str] = []
    pollers = {name: fixed_rate(name, cpu, calls) for name, cpu in (("a", 0.1), ("b", 0.2))}
    rows, not_run = interleaved(pollers, cycles=5, rounds=2, say=lambda _: None)
    assert calls == ["a", "b", "b", "a"] and not_run == {}
    assert [(r.poller, r.cycles, round(r.cpu_s, 9), r.peak_rss_mb) for r in rows] == [
        ("a", 6, 0.1, 20.0), ("b", 6, 0.2, 20.0)]
    assert rows[0].aps_per_cpu_s == pytest.approx(1000)


def test_a_poller_that_breaks_in_a_later_round_is_not_run_and_says_why() -> None:
    calls: list[str] = []
    pollers = {"a": fixed_rate("a", 0.1, calls), "b": fixed_rate("b", 0.2, calls, fail_on=2)}
    rows, not_run = interleaved(pollers, cycles=6, rounds=3, say=lambda _: None)
    assert [r.poller for r in rows] == ["a"] and not_run == {"b": "b broke"}
    assert calls == ["a", "b", "b", "a", "a"]  # once broken, never run again


def test_an_unknown_baseline_commit_is_not_run_with_gits_reason(tmp_path: Path) -> None:
    with pytest.raises(PollerUnavailable, match=r"git archive 0123456: .*0123456"):
        baseline_tree(tmp_path, "0123456")


def test_the_baseline_tree_freezes_the_gc_after_its_warm_up_poll(tmp_path: Path) -> None:
    try:
        tree = baseline_tree(tmp_path)
    except PollerUnavailable as exc:  # a shallow clone lacks the commit
        pytest.skip(str(exc))
    harness = (tree / "bench" / "bench_poll.py").read_text()
    assert harness.count(WARM_UP_LINE + FREEZE_LINES) == 1
    assert (tree / "collectors" / "snmp" / "ber.py").exists()  # the poller before gufo-snmp


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    fleet = SnmpdFleet(1, tmp_path_factory.mktemp("agents")).start()
    yield fleet.ports[0]
    fleet.stop()


@pytest.mark.parametrize("module", [*MODULES, *V3_MODULES])
def test_snmp_exporter_reads_every_value_with_the_bench_config(agent: int, module: str,
                                                                tmp_path: Path) -> None:
    interfaces = interfaces_of(agent)
    exporter = Exporter(tmp_path, interfaces).start()
    try:
        with urllib.request.urlopen(exporter.url(agent, module), timeout=10) as got:
            assert values_in(got.read().decode()) == 2 + len(COLUMNS) * len(interfaces)
    finally:
        exporter.stop()
