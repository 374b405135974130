"""systemd's notify protocol (sd_notify): READY, WATCHDOG, STOPPING and STATUS datagrams.

A few lines over the `$NOTIFY_SOCKET` unix datagram socket instead of a dependency; without
the variable (not started by systemd) every call is a no-op.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable

from netmon.tasks import cancel_and_wait

log = logging.getLogger(__name__)


def notify(*states: str) -> bool:
    """Send `KEY=value` lines to systemd; False when not under systemd or the send fails."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address or not states:
        return False
    # A leading '@' names a socket in the abstract namespace (systemd's own convention).
    target = "\0" + address[1:] if address.startswith("@") else address
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.sendto("\n".join(states).encode(), target)
    except OSError as exc:
        log.warning("sd_notify to %s failed: %s", address, exc)
        return False
    return True


def watchdog_interval_s() -> float | None:
    """Half of WatchdogSec (systemd passes it as WATCHDOG_USEC), or None without a watchdog."""
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):  # meant for another process
        return None
    try:
        return max(int(usec), 1) / 2_000_000
    except ValueError:
        return None


class Watchdog:
    """Pets systemd's watchdog from the event loop, only while `healthy()` says so: a stalled
    loop or a poller that stopped cycling is then restarted by systemd."""

    def __init__(self, healthy: Callable[[], bool], interval_s: float | None = None) -> None:
        self.healthy = healthy
        self.interval_s = interval_s if interval_s is not None else watchdog_interval_s()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.interval_s is not None and self._task is None:
            self._task = asyncio.create_task(self._run(), name="systemd-watchdog")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def _run(self) -> None:
        assert self.interval_s is not None
        petting = True
        while True:
            healthy = self.healthy()
            if healthy:
                notify("WATCHDOG=1")
            if healthy != petting:  # say it once per change, not every tick
                log.warning("watchdog: %s", "healthy again" if healthy else
                            "unhealthy, not petting systemd's watchdog")
                notify(f"STATUS={'polling' if healthy else 'unhealthy: no recent poll cycle'}")
                petting = healthy
            await asyncio.sleep(self.interval_s)
