"""Uptime, reboots and counter rates derived between polls."""

from __future__ import annotations

import pytest

from collectors.snmp.derive import MAX_COUNTERS, TICKS_MODULUS, CounterRates, UptimeTracker
from collectors.snmp.readings import MAX_REMEMBERED, ApState


def test_uptime_grows_without_reboot() -> None:
    tracker = UptimeTracker()
    assert tracker.observe(100_000, 0.0) == (1000.0, False)
    assert tracker.observe(106_000, 60.0) == (1060.0, False)


def test_sysuptime_going_back_is_a_reboot() -> None:
    tracker = UptimeTracker()
    tracker.observe(50_000_000, 0.0)
    uptime_s, rebooted = tracker.observe(3_000, 60.0)
    assert rebooted and uptime_s == 30.0


def test_497_day_rollover_is_not_a_reboot() -> None:
    tracker = UptimeTracker()
    before = TICKS_MODULUS - 1_000  # ten seconds before sysUpTime rolls over
    tracker.observe(before, 0.0)
    uptime_s, rebooted = tracker.observe(5_000, 60.0)  # 60 s later: 1,000 + 5,000 ticks on
    assert not rebooted
    assert uptime_s == pytest.approx((TICKS_MODULUS + 5_000) / 100)
    # and it keeps counting past the rollover on the next poll
    assert tracker.observe(11_000, 120.0) == ((TICKS_MODULUS + 11_000) / 100, False)


def test_reboot_just_before_rollover_is_still_a_reboot() -> None:
    tracker = UptimeTracker()
    tracker.observe(TICKS_MODULUS - 1_000, 0.0)
    # 60 s on, a rollover would read about 5,000; 900,000 ticks means something else happened.
    assert tracker.observe(900_000, 60.0)[1]


def test_first_poll_gives_no_rate() -> None:
    assert CounterRates().rate_bps("eth0", 1_000, 64, 0.0) is None


def test_rate_in_bits_per_second() -> None:
    rates = CounterRates()
    rates.rate_bps("eth0", 1_000, 64, 0.0)
    assert rates.rate_bps("eth0", 1_000 + 125_000, 64, 10.0) == 100_000.0


def test_32_bit_counter_wrap() -> None:
    rates = CounterRates()
    rates.rate_bps("eth0", 2**32 - 500, 32, 0.0)
    assert rates.rate_bps("eth0", 500, 32, 1.0) == 1000 * 8


def test_64_bit_counter_going_back_is_a_reset_not_a_wrap() -> None:
    rates = CounterRates()
    rates.rate_bps("eth0", 10**12, 64, 0.0)
    assert rates.rate_bps("eth0", 1_000, 64, 60.0) is None
    assert rates.rate_bps("eth0", 9_000, 64, 61.0) == 64_000.0


def test_reboot_resets_without_spike_or_negative() -> None:
    rates = CounterRates()
    rates.rate_bps("eth0", 4_000_000_000, 32, 0.0)
    assert rates.rate_bps("eth0", 1_000, 32, 60.0, reset=True) is None
    assert rates.rate_bps("eth0", 2_000, 32, 61.0) == 8_000.0


def test_width_change_gives_no_rate() -> None:
    rates = CounterRates()
    rates.rate_bps("eth0", 1_000, 32, 0.0)
    assert rates.rate_bps("eth0", 2_000, 64, 1.0) is None


def test_an_agent_inventing_rows_grows_no_memory_for_ever() -> None:
    rates = CounterRates()
    for index in range(MAX_COUNTERS * 3):
        rates.rate_bps(((index,), "in_octets"), 1000, 64, 1.0)
    assert len(rates.last) <= MAX_COUNTERS
    state = ApState()
    for index in range(MAX_REMEMBERED * 3):
        state.tags_of_iface(f"eth{index}")
    assert len(state.iface_tags) <= MAX_REMEMBERED
