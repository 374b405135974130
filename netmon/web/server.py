"""uvicorn serving netmon's web app inside the monitor's own asyncio loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Generator

import uvicorn
from starlette.types import ASGIApp

from netmon.web.settings import HttpSettings

log = logging.getLogger(__name__)
STARTUP_TIMEOUT_S = 10.0
GRACEFUL_SHUTDOWN_S = 2


class ListenError(RuntimeError):
    """The configured address cannot be listened on (in use, not local, no permission)."""


class _InLoopServer(uvicorn.Server):
    # The monitor owns SIGINT/SIGTERM and stops the server itself; uvicorn must not take them.
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def bind(settings: HttpSettings) -> socket.socket:
    """Bind here, so a busy port is a clear error at start instead of uvicorn's sys.exit."""
    host, port = settings.host, settings.port
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ListenError(f"http.listen {settings.listen}: {exc}") from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ListenError(f"http.listen {settings.listen}: {exc.strerror or exc}") from exc
    sock.setblocking(False)
    return sock


class HttpServer:
    """Started by Monitor.start, stopped by Monitor.stop; serves until then."""

    def __init__(self, settings: HttpSettings, app: ASGIApp) -> None:
        self.settings = settings
        self.server = _InLoopServer(uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off",
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S))
        self._task: asyncio.Task[None] | None = None
        self._socket: socket.socket | None = None

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0 in tests)."""
        assert self._socket is not None
        return int(self._socket.getsockname()[1])

    async def start(self) -> None:
        self._socket = bind(self.settings)
        self._task = asyncio.create_task(self.server.serve(sockets=[self._socket]),
                                         name="http-server")
        async with asyncio.timeout(STARTUP_TIMEOUT_S):
            while not self.server.started:
                if self._task.done():
                    self._task.result()  # raises what made it stop
                    raise ListenError(f"http.listen {self.settings.listen}: server stopped")
                await asyncio.sleep(0.01)
        log.info("serving /metrics on http://%s:%d", self.settings.host, self.port)

    async def stop(self) -> None:
        if self._task is None:
            return
        self.server.should_exit = True
        try:
            await self._task
        finally:
            self._task = None
            if self._socket is not None:
                self._socket.close()
