"""Wait for a condition, never for a fixed time: a busy machine makes a test slower, not red."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Final, TypeVar

T = TypeVar("T")
# What a failure says it waited for; a callable is only called then (e.g. to show a log).
What = str | Callable[[], str]

POLL_S: Final = 0.05


def _timed_out(what: What, timeout_s: float) -> AssertionError:
    return AssertionError(f"timed out after {timeout_s:g} s waiting for "
                          f"{what() if callable(what) else what}")


def _broken(what: What, duration_s: float, waited_s: float) -> AssertionError:
    return AssertionError(f"{what() if callable(what) else what}: no longer true after "
                          f"{waited_s:.2f} s of {duration_s:g} s")


def wait_until(check: Callable[[], T | None], timeout_s: float, what: What,
               poll_s: float = POLL_S) -> T:
    """`check()` once it is true (it may raise to give up early); fails after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise _timed_out(what, timeout_s)
        time.sleep(poll_s)


async def async_wait_until(check: Callable[[], T | None], timeout_s: float, what: What,
                           poll_s: float = POLL_S) -> T:
    """`wait_until` for a test running on the event loop: the loop keeps turning meanwhile."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise _timed_out(what, timeout_s)
        await asyncio.sleep(poll_s)


def holds_for(check: Callable[[], object], duration_s: float, what: What,
              poll_s: float = POLL_S) -> None:
    """`check()` stays true for `duration_s`: for what must NOT happen; fails the moment it does.

    Proving an absence takes time by nature; this is the one wait that runs to its end.
    """
    started = time.monotonic()
    while True:
        waited_s = time.monotonic() - started
        if not check():
            raise _broken(what, duration_s, waited_s)
        if waited_s >= duration_s:
            return
        time.sleep(min(poll_s, duration_s - waited_s))


async def async_holds_for(check: Callable[[], object], duration_s: float, what: What,
                          poll_s: float = POLL_S) -> None:
    """`holds_for` for a test running on the event loop."""
    started = time.monotonic()
    while True:
        waited_s = time.monotonic() - started
        if not check():
            raise _broken(what, duration_s, waited_s)
        if waited_s >= duration_s:
            return
        await asyncio.sleep(min(poll_s, duration_s - waited_s))
