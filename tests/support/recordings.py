"""A real snmpsim serving snmprec texts, one community each, on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from netmon.sim.probe import snmp_answers
from netmon.sim.snmpsim_process import SnmpsimProcess, free_udp_ports
from tests.support.wait import wait_until

CASES = Path(__file__).resolve().parents[1] / "cases"


def case_recording(case: str) -> str:
    return (CASES / case / "agent.snmprec").read_text(encoding="utf-8")


@contextmanager
def serving(recordings: Mapping[str, str], root: Path) -> Iterator[int]:
    """The UDP port snmpsim answers on; the community of each recording is its key."""
    data = root / "data"
    data.mkdir(parents=True)
    for community, text in recordings.items():
        (data / f"{community}.snmprec").write_text(text, encoding="utf-8")
    port = free_udp_ports(1)[0]
    sim = SnmpsimProcess(data, [port], root / "work").start()
    try:
        first = next(iter(recordings))
        wait_until(lambda: snmp_answers("127.0.0.1", port, community=first), 30,
                   "snmpsim to answer", poll_s=0.2)
        yield port
    finally:
        sim.stop()
