"""Counter wraps, reboots and the 497-day sysUpTime rollover, seen through a real agent."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from collectors.snmp.poller import ApPoller, PollTarget
from collectors.snmp.profile import default_catalog
from collectors.snmp.settings import PollSettings
from netmon.config.models import AccessPoint
from netmon.observation import ApObservation
from netmon.sim.snmpsim_process import SnmpsimProcess, free_udp_ports
from tests.support.agents import credentials

COMMUNITY = "counters"
TICKS_MAX = 4294967295
SYSTEM = ("1.3.6.1.2.1.1.1.0|4|test agent\n"
          "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10\n")


def _snmprec(lines: list[str]) -> str:
    """snmprec text: `OID|tag|value` lines sorted by OID, numerically, as snmpsim reads them."""
    return "\n".join(sorted(lines, key=lambda x: tuple(map(int, x.split("|")[0].split("."))))) \
        + "\n"


def _recording(uptime: str, in_octets: str, out_octets: str, hc: bool) -> str:
    """One ethernet interface, with 64-bit (ifXTable) or only 32-bit (ifTable) counters."""
    lines = [SYSTEM + f"1.3.6.1.2.1.1.3.0|67:numeric|{uptime}",
             "1.3.6.1.2.1.2.2.1.2.1|4|eth0", "1.3.6.1.2.1.2.2.1.8.1|2|1"]
    if hc:
        lines += ["1.3.6.1.2.1.31.1.1.1.1.1|4|eth0",
                  f"1.3.6.1.2.1.31.1.1.1.6.1|70:numeric|{in_octets}",
                  f"1.3.6.1.2.1.31.1.1.1.10.1|70:numeric|{out_octets}"]
    else:
        lines += [f"1.3.6.1.2.1.2.2.1.10.1|65:numeric|{in_octets}",
                  f"1.3.6.1.2.1.2.2.1.16.1|65:numeric|{out_octets}"]
    return _snmprec(lines)


@contextmanager
def agent(tmp: Path, port: int, recording: str) -> Iterator[None]:
    data = tmp / f"data-{time.monotonic_ns()}"
    data.mkdir(parents=True)
    (data / f"{COMMUNITY}.snmprec").write_text(recording)
    process = SnmpsimProcess(data, [port], tmp / f"work-{time.monotonic_ns()}")
    process.start()
    try:
        process.wait_ready(community=COMMUNITY)
        yield
    finally:
        process.stop()


def _poller(port: int, rewalk_every: int = 10) -> ApPoller:
    creds = credentials(version="2c", community=COMMUNITY)
    ap = AccessPoint(id="ap-x", name="AP X", zone="centre", lat=45.69, lon=5.91,
                     host="127.0.0.1", port=port, credentials=creds)
    target = PollTarget(ap.id, "127.0.0.1", port, creds, "generic", [ap])
    return ApPoller(PollSettings(timeout_s=2.0, retries=1, rewalk_every=rewalk_every),
                    default_catalog(), [target])


@pytest.fixture
def loop() -> Iterator[asyncio.Runner]:
    """One event loop for all polls of a test: pysnmp's engine stays bound to its loop."""
    with asyncio.Runner() as runner:
        yield runner


def _poll(loop: asyncio.Runner, poller: ApPoller) -> ApObservation:
    reading = loop.run(poller.poll()).observations[0]
    assert reading.up, reading.error
    return reading


def test_32_bit_counter_wrap_gives_the_true_rate(tmp_path: Path, loop: asyncio.Runner) -> None:
    port = free_udp_ports(1)[0]
    # 1,000 and 500 bytes/s, starting 1.5 s and 0.5 s before the 32-bit counters wrap.
    recording = _recording("rate=100,initial=500000",
                           f"rate=1000,initial={TICKS_MAX - 1500},max={TICKS_MAX},wrap=1",
                           f"rate=500,initial={TICKS_MAX - 250},max={TICKS_MAX},wrap=1",
                           hc=False)
    with agent(tmp_path, port, recording):
        poller = _poller(port)
        _poll(loop, poller)
        time.sleep(3)  # a rate is measured over time that passes
        reading = _poll(loop, poller)
    assert reading.rx_bps == pytest.approx(8000, rel=0.02)
    assert reading.tx_bps == pytest.approx(4000, rel=0.02)


def test_reboot_resets_rates_without_a_spike(tmp_path: Path, loop: asyncio.Runner) -> None:
    port = free_udp_ports(1)[0]
    before = _recording("rate=100,initial=90000000", "rate=2000,initial=900000000000",
                        "rate=1000,initial=800000000000", hc=True)
    after = _recording("rate=100,initial=0", "rate=2000,initial=0", "rate=1000,initial=0",
                       hc=True)
    poller = _poller(port)
    with agent(tmp_path, port, before):
        first = _poll(loop, poller)
    with agent(tmp_path, port, after):
        rebooted = _poll(loop, poller)
        time.sleep(2)  # a rate is measured over time that passes
        steady = _poll(loop, poller)
    assert first.uptime_s is not None and first.uptime_s > 900_000
    assert rebooted.rebooted and rebooted.uptime_s is not None and rebooted.uptime_s < 60
    assert rebooted.rx_bps is None and rebooted.tx_bps is None  # no spike, no negative
    assert not steady.rebooted
    assert steady.rx_bps == pytest.approx(16000, rel=0.02)
    assert steady.tx_bps == pytest.approx(8000, rel=0.02)


def test_sysuptime_rollover_after_497_days_is_not_a_reboot(tmp_path: Path,
                                                           loop: asyncio.Runner) -> None:
    port = free_udp_ports(1)[0]
    # sysUpTime starts 12 s before it rolls over (snmpsim's clock starts when it boots).
    recording = _recording(f"rate=100,initial={TICKS_MAX - 1200},max={TICKS_MAX},wrap=1",
                           "rate=1000,initial=5000", "rate=1000,initial=5000", hc=True)
    with agent(tmp_path, port, recording):
        poller = _poller(port)
        before = _poll(loop, poller)
        assert before.uptime_s is not None and before.uptime_s > 42_949_000, \
            "the agent took too long to start: sysUpTime already rolled over"  # 497 days
        time.sleep(TICKS_MAX / 100 - before.uptime_s + 1.5)  # until just past the rollover
        after = _poll(loop, poller)
    assert not after.rebooted
    assert after.uptime_s is not None and after.uptime_s > 2**32 / 100
    assert after.rx_bps is not None and after.rx_bps == pytest.approx(8000, rel=0.05)


def _interfaces(rows: dict[int, tuple[int, bool]], uptime: str = "rate=100,initial=500000",
                ) -> str:
    """Interfaces {ifIndex: (bytes/s in and out, has 64-bit counters)}; names eth<ifIndex>."""
    lines = [SYSTEM + f"1.3.6.1.2.1.1.3.0|67:numeric|{uptime}"]
    for index, (rate, hc) in rows.items():
        lines += [f"1.3.6.1.2.1.2.2.1.2.{index}|4|eth{index}", f"1.3.6.1.2.1.2.2.1.8.{index}|2|1",
                  f"1.3.6.1.2.1.31.1.1.1.1.{index}|4|eth{index}"]
        if hc:
            lines += [f"1.3.6.1.2.1.31.1.1.1.6.{index}|70:numeric|rate={rate},initial=7",
                      f"1.3.6.1.2.1.31.1.1.1.10.{index}|70:numeric|rate={rate},initial=7"]
        else:
            lines += [f"1.3.6.1.2.1.2.2.1.10.{index}|65:numeric|rate={rate},initial=7",
                      f"1.3.6.1.2.1.2.2.1.16.{index}|65:numeric|rate={rate},initial=7"]
    return _snmprec(lines)


def _rates(reading: ApObservation) -> dict[str, tuple[float | None, float | None]]:
    out: dict[str, tuple[float | None, float | None]] = {}
    for sample in reading.samples:
        if sample.measurement == "ap_iface":
            rx, tx = sample.fields.get("rx_bps"), sample.fields.get("tx_bps")
            out[sample.tags["ifname"]] = (None if rx is None else float(rx),
                                          None if tx is None else float(tx))
    return out


def test_counters_read_over_several_pages_are_each_timed_right(tmp_path: Path,
                                                               loop: asyncio.Runner) -> None:
    port = free_udp_ports(1)[0]
    # 60 interfaces: 120 counters, read in 4 GETs, each timed by its own page's sysUpTime.
    rows = {index: (1000 + index, True) for index in range(1, 61)}
    with agent(tmp_path, port, _interfaces(rows)):
        poller = _poller(port)
        _poll(loop, poller)
        time.sleep(2)  # a rate is measured over time that passes
        reading = _poll(loop, poller)
    rates = _rates(reading)
    assert len(rates) == 60
    for index, (rate, _) in rows.items():
        rx, tx = rates[f"eth{index}"]
        assert rx == pytest.approx(rate * 8, rel=0.02) and tx == pytest.approx(rate * 8, rel=0.02)
    assert reading.rx_bps == pytest.approx(sum(r * 8 for r, _ in rows.values()), rel=0.02)


def test_64_bit_counters_are_chosen_row_by_row_and_recover(tmp_path: Path,
                                                           loop: asyncio.Runner) -> None:
    port = free_udp_ports(1)[0]
    poller = _poller(port, rewalk_every=2)
    # eth2 has no 64-bit counters: it alone is read from ifInOctets/ifOutOctets, and the
    # device's rx/tx counts every interface.
    mixed = {1: (1000, True), 2: (2000, False), 3: (3000, True)}
    with agent(tmp_path, port, _interfaces(mixed)):
        _poll(loop, poller)
        time.sleep(2)
        reading = _poll(loop, poller)
    rates = _rates(reading)
    for index, (rate, _) in mixed.items():
        assert rates[f"eth{index}"][0] == pytest.approx(rate * 8, rel=0.02), index
    assert reading.rx_bps == pytest.approx(6000 * 8, rel=0.02)
    # A firmware update: eth2 gains 64-bit counters, eth1 loses them. Within the walk
    # interval every row has its rate again, from the counters it now has.
    swapped = {1: (1000, False), 2: (2000, True), 3: (3000, True)}
    with agent(tmp_path, port, _interfaces(swapped)):
        readings = []
        for _ in range(4):
            readings.append(_poll(loop, poller))
            time.sleep(1.5)
    last = _rates(readings[-1])
    for index, (rate, _) in swapped.items():
        assert last[f"eth{index}"][0] == pytest.approx(rate * 8, rel=0.02), index
    assert readings[-1].rx_bps == pytest.approx(6000 * 8, rel=0.02)
