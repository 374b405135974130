"""SNMP v1/v2c requests on one UDP socket per address family: request ids, retries, timeouts.

Every agent shares the socket; a reply is matched by its request id and the address it came
from. A large receive buffer keeps a burst of replies from being dropped by the kernel.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import socket
from dataclasses import dataclass, field
from typing import Any, cast

from collectors.snmp.ber import BerError, Response, decode_response, encode_request

RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024
REQUEST_ID_MODULUS = 2**31 - 1


class RequestTimeout(Exception):
    """No reply after every try."""


@dataclass(slots=True)
class _Pending:
    address: tuple[Any, ...]
    message: bytes
    tries_left: int
    timeout_s: float
    future: asyncio.Future[Response]
    timer: asyncio.TimerHandle | None = field(default=None)


class _Socket(asyncio.DatagramProtocol):
    """One UDP socket and the requests waiting for a reply on it."""

    def __init__(self, channel: CommunityChannel) -> None:
        self.channel = channel
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)
        sock = transport.get_extra_info("socket")
        for option in (getattr(socket, "SO_RCVBUFFORCE", None), socket.SO_RCVBUF):
            if option is None:
                continue
            try:  # FORCE passes the system limit when privileged; plain RCVBUF is capped by it
                sock.setsockopt(socket.SOL_SOCKET, option, RECEIVE_BUFFER_BYTES)
                break
            except OSError:
                continue

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        self.channel.received(data, addr)

    def error_received(self, exc: Exception) -> None:
        pass  # ICMP errors name no request: the request times out as if nothing came back


class CommunityChannel:
    """Sends v1/v2c requests and hands each reply to the request that waits for it."""

    def __init__(self) -> None:
        self._sockets: dict[int, _Socket] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: dict[int, _Pending] = {}
        self._ids = itertools.count(random.randrange(REQUEST_ID_MODULUS))
        self.dropped = 0  # datagrams that were not a reply to anything pending

    async def _socket(self, family: int) -> _Socket:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop: sockets of the old one are unusable
            self.close()
            self._loop = loop
        sock = self._sockets.get(family)
        if sock is None:
            local = ("::", 0) if family == socket.AF_INET6 else ("0.0.0.0", 0)
            _, sock = await loop.create_datagram_endpoint(lambda: _Socket(self),
                                                          local_addr=local, family=family)
            self._sockets[family] = sock
        return sock

    async def request(self, address: tuple[Any, ...], family: int, version: int,
                      community: bytes, pdu_tag: int, varbinds: bytes, timeout_s: float,
                      tries: int, non_repeaters: int = 0, max_repetitions: int = 0,
                      ) -> Response:
        """Send and wait for the reply; RequestTimeout after `tries` sends without one."""
        sock = await self._socket(family)
        assert self._loop is not None and sock.transport is not None
        request_id = next(self._ids) % REQUEST_ID_MODULUS
        while request_id in self._pending:
            request_id = next(self._ids) % REQUEST_ID_MODULUS
        message = encode_request(version, community, pdu_tag, request_id, varbinds,
                                 non_repeaters, max_repetitions)
        pending = _Pending(address, message, tries - 1, timeout_s, self._loop.create_future())
        self._pending[request_id] = pending
        try:
            sock.transport.sendto(message, address)
            pending.timer = self._loop.call_later(timeout_s, self._expire, request_id, sock)
            return await pending.future
        finally:
            self._pending.pop(request_id, None)
            if pending.timer is not None:
                pending.timer.cancel()

    def _expire(self, request_id: int, sock: _Socket) -> None:
        pending = self._pending.get(request_id)
        if pending is None or pending.future.done():
            return
        if pending.tries_left <= 0 or sock.transport is None or self._loop is None:
            pending.future.set_exception(RequestTimeout())
            return
        pending.tries_left -= 1
        sock.transport.sendto(pending.message, pending.address)
        pending.timer = self._loop.call_later(pending.timeout_s, self._expire, request_id, sock)

    def received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        try:
            reply = decode_response(data)
        except BerError:
            self.dropped += 1  # as pysnmp does: a garbled datagram is no answer
            return
        pending = self._pending.get(reply.request_id)
        if pending is None or pending.future.done() or pending.address[:2] != addr[:2]:
            self.dropped += 1  # late (already timed out), or not from the agent we asked
            return
        pending.future.set_result(reply)

    def close(self) -> None:
        for sock in self._sockets.values():
            if sock.transport is not None:
                with contextlib.suppress(RuntimeError):  # its event loop is already closed
                    sock.transport.close()
        self._sockets.clear()
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.cancel()
        self._pending.clear()
