"""One agent over gufo-snmp: tries, SNMPv3 discovery and time window, typed failures.

gufo-snmp (Rust core) encodes, decodes, authenticates and encrypts; this module decides when
to ask again and what a failure means. Its socket is connected to the agent, so the kernel
drops datagrams from any other address or port before they are read.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from gufo.snmp import (
    Aes128Key,
    Aes192Key,
    Aes256Key,
    DesKey,
    KeyExpansion,
    Md5Key,
    Sha1Key,
    Sha224Key,
    Sha256Key,
    Sha384Key,
    Sha512Key,
    SnmpAuthError,
    SnmpDecodeError,
    SnmpVersion,
    User,
)
from gufo.snmp._fast import GetIter
from gufo.snmp.aio import SnmpSession
from gufo.snmp.typing import ValueType

from collectors.snmp.errors import (
    AuthFailure,
    DeadlineReached,
    MalformedReply,
    Refused,
    RequestTimeout,
    UnknownEngine,
)
from collectors.snmp.refusal import refusal
from collectors.snmp.settings import SnmpCredentials

T = TypeVar("T")
AUTH_KEYS = {"md5": Md5Key, "sha": Sha1Key, "sha224": Sha224Key, "sha256": Sha256Key,
             "sha384": Sha384Key, "sha512": Sha512Key}
PRIV_KEYS = {"des": DesKey, "aes": Aes128Key, "aes128": Aes128Key, "aes192": Aes192Key,
             "aes256": Aes256Key}
EXPANSIONS = {"blumenthal": KeyExpansion.Blumenthal, "cisco": KeyExpansion.Cisco}
VERSIONS = {"1": SnmpVersion.v1, "2c": SnmpVersion.v2c, "3": SnmpVersion.v3}
# USM rejects a message whose engine time strays 150 s from the agent's: resync well before.
TIME_WINDOW_RESYNC_S = 120.0
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
MAX_DATAGRAM = 65535


def usm_user(credentials: SnmpCredentials) -> User:
    """gufo's User from the config; secrets leave their wrapper only here."""
    assert credentials.user is not None  # guaranteed by the config model
    auth = priv = None
    if credentials.auth_key is not None and credentials.auth_protocol != "none":
        auth = AUTH_KEYS[credentials.auth_protocol](
            credentials.auth_key.get_secret_value().encode())
    if credentials.priv_key is not None and credentials.priv_protocol != "none":
        priv = PRIV_KEYS[credentials.priv_protocol](
            credentials.priv_key.get_secret_value().encode())
    return User(credentials.user, auth_key=auth, priv_key=priv,
                key_expansion=EXPANSIONS[credentials.key_expansion])


@dataclass(slots=True)
class Walk:
    """The rows of one column, as (index, value), and why the walk may have stopped early."""

    rows: list[tuple[tuple[int, ...], ValueType]]
    truncated: bool = False  # more rows than asked for
    disordered: bool = False  # the agent answered an OID not after the last one


@dataclass(slots=True)
class WireCounts:
    """Requests sent (tries included) and stray reads, over every session that shares it."""

    sent: int = 0
    stray: int = 0  # reads of datagrams that answered no request (another id, undecodable)


class _Session(SnmpSession):
    """gufo's session, waiting for a reply with a deadline per try that strangers cannot
    extend, and counting the datagrams it reads and throws away."""

    counts = WireCounts()  # replaced by the owner's, shared with its other sessions
    dropped = 0  # read from the socket but not our reply (another request id, undecodable)
    malformed = 0
    last_malformed = ""
    # The loop watching this socket: it stays watched while requests come (no epoll_ctl per
    # request), until a datagram arrives that no request waits for.
    _watcher: asyncio.AbstractEventLoop | None = None
    _waiter: asyncio.Future[None] | None = None
    # v1/v2c: the same socket, to peek at each reply before gufo reads it (gufo drops the
    # error-status a refusal carries); `datagram` is the last reply peeked at.
    peek: socket.socket | None = None
    datagram = b""
    deadline = math.inf  # loop time when the AP's work must end, whatever the tries left

    _idle_wakeups = 0

    def _readable(self) -> None:
        waiter = self._waiter
        if waiter is None:
            # Once is normal (the loop saw the reply before the request's task read it);
            # twice, a datagram nobody asked for: it waits for the next request, unwatched.
            self._idle_wakeups += 1
            if self._idle_wakeups > 1:
                self._unwatch()
        elif not waiter.done():
            waiter.set_result(None)

    def _watch(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._watcher is not loop:
            self._unwatch()
            loop.add_reader(self._fd, self._readable)
            self._watcher = loop

    @property
    def watched(self) -> bool:
        return self._watcher is not None

    def peek_replies(self) -> None:
        self.peek = socket.socket(fileno=self._fd)  # gufo's descriptor, not a copy

    def release(self) -> None:
        """Before the socket closes: stop watching it (so its number can be reused)."""
        if self.peek is not None:
            self.peek.detach()  # gufo closes the descriptor, not this wrapper
            self.peek = None
        self._unwatch()

    def _unwatch(self) -> None:
        watcher, self._watcher = self._watcher, None
        if watcher is not None and not watcher.is_closed():
            watcher.remove_reader(self._fd)

    async def ask_many(self, oids: list[str]) -> dict[str, ValueType]:
        """gufo's get_many without its wrappers; `_exchange` written out, as this is the one
        request of almost every poll (no lambdas, no coroutine level)."""
        sock = self._sock
        try:
            sock.send_get_many(oids)
        except BlockingIOError:  # the send buffer is full: gufo waits until it drains
            await self._send(lambda: sock.send_get_many(oids))
        return await self._recv(sock.recv_get_many)

    async def bulk_page(self, cursor: GetIter) -> list[tuple[str, ValueType] | None]:
        """One GETBULK page of a walk (None marks its end); StopAsyncIteration past it."""
        sock = self._sock
        return await self._exchange(lambda: sock.send_get_bulk(cursor),
                                    lambda: sock.recv_get_bulk(cursor))

    async def next_one(self, cursor: GetIter) -> list[tuple[str, ValueType] | None]:
        """One GETNEXT step of an SNMPv1 walk, as a page of one."""
        sock = self._sock
        return [await self._exchange(lambda: sock.send_get_next(cursor),
                                     lambda: sock.recv_get_next(cursor))]

    async def _exchange(self, send: Callable[[], None], receive: Callable[[], T]) -> T:
        try:
            send()
        except BlockingIOError:  # the send buffer is full: gufo waits until it drains
            await self._send(send)
        return await self._recv(receive)

    async def _recv(self, receiver: Callable[[], T]) -> T:
        self.counts.sent += 1  # one wait per request sent
        loop = asyncio.get_running_loop()
        try_ends = loop.time() + self._timeout
        deadline, reason = (try_ends, TimeoutError) if try_ends < self.deadline else \
            (self.deadline, DeadlineReached)
        while True:
            self._watch(loop)
            ready: asyncio.Future[None] = loop.create_future()
            self._waiter = ready
            self._idle_wakeups = 0
            # A timer on the future itself: cheaper than asyncio.timeout's task cancellation.
            timer = loop.call_at(deadline, _expire, ready, reason)
            try:
                await ready
            finally:
                timer.cancel()
                self._waiter = None
            if self.peek is not None:
                try:
                    self.datagram = self.peek.recv(MAX_DATAGRAM, socket.MSG_PEEK)
                except ConnectionRefusedError:  # ICMP port unreachable: as gufo says it
                    raise TimeoutError("connection refused") from None
                except OSError:
                    self.datagram = b""
            try:
                return receiver()
            except BlockingIOError:
                self.dropped += 1  # gufo read a datagram that answers nothing we asked
                self.counts.stray += 1
            except SnmpDecodeError as exc:
                self._malformed(str(exc))
            except Exception:
                raise  # the end of a walk, an SNMPv3 refusal, a refused port: the caller's
            except BaseException as exc:
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                # gufo-snmp 0.13's decoder panics on some garbage (an index out of bounds):
                # PyO3 raises that as a BaseException. It is a malformed datagram all the same.
                self._malformed(f"decoder failure: {exc}")

    def _malformed(self, detail: str) -> None:
        self.dropped += 1
        self.counts.stray += 1
        self.malformed += 1
        self.last_malformed = detail


def _expire(ready: asyncio.Future[None], reason: type[Exception]) -> None:
    if not ready.done():
        ready.set_exception(reason())


async def resolve(host: str) -> str:
    """An IP literal for gufo (it takes no names): the address itself (IPv4 or IPv6), or a
    name's first IPv4 address (an IPv6 agent is named by its literal)."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, family=socket.AF_INET,
                                                             type=socket.SOCK_DGRAM)
        if not infos:
            raise OSError(f"cannot resolve {host}") from None
        return str(infos[0][4][0])


class AgentSession:
    """One agent's SNMP session: GET and GETBULK/GETNEXT walks, each request tried
    `retries + 1` times; closed sessions reopen on the next request."""

    def __init__(self, host: str, port: int, credentials: SnmpCredentials, timeout_s: float,
                 retries: int, counts: WireCounts | None = None) -> None:
        self.host, self.port = host, port
        self.credentials = credentials
        self.timeout_s = timeout_s
        self.tries = retries + 1
        self.counts = counts or WireCounts()  # the poller gives each cycle its own
        self._session: _Session | None = None
        self._engine_id = b""  # SNMPv3: discovered once, kept across reopenings
        self.deadline = math.inf  # loop time when this poll's work must end
        self._synced_at = 0.0

    @property
    def is_open(self) -> bool:
        return self._session is not None

    @property
    def watched(self) -> bool:
        """Whether the event loop watches this agent's socket now."""
        return self._session is not None and self._session.watched

    def close(self) -> None:
        """Drop the socket now (gufo closes it when its object goes)."""
        if self._session is not None:
            self._retire(self._session)
            self._session = None

    def _retire(self, session: _Session) -> None:
        session.release()

    async def _open(self) -> _Session:
        try:
            async with asyncio.timeout_at(None if math.isinf(self.deadline) else self.deadline):
                address = await resolve(self.host)  # a name's lookup may hang: bound it too
        except TimeoutError:
            raise DeadlineReached from None
        credentials = self.credentials
        if credentials.version != "3":
            assert credentials.community is not None  # guaranteed by the config model
            self._session = _Session(address, self.port,
                                     community=credentials.community.get_secret_value(),
                                     version=VERSIONS[credentials.version],
                                     timeout=self.timeout_s, allow_bulk=True)
            self._session.peek_replies()
            return self._session
        if not self._engine_id:
            self._engine_id = await self._discover(address)
        session = _Session(address, self.port, engine_id=self._engine_id,
                           user=usm_user(credentials), timeout=self.timeout_s)
        try:
            await self._tried(session.refresh, session)
            # One authenticated GET: the refresh above takes any answer, even a refusal.
            await self._tried(session.ask_many, session, [SYS_UPTIME])
        except RequestTimeout as exc:
            self._retire(session)
            if credentials.priv_protocol != "none":
                # Discovery was answered: the agent is there, but nothing came back that
                # decrypts with our key.
                raise AuthFailure(f"no reply could be decrypted after {exc.tries} tries "
                                  f"(wrong {credentials.priv_protocol.upper()} privacy key "
                                  "or protocol?)") from None
            raise
        except AuthFailure:
            self._retire(session)
            raise
        self._synced_at = time.monotonic()
        self._session = session
        return session

    async def _discover(self, address: str) -> bytes:
        probe = _Session(address, self.port, user=User.default(), timeout=self.timeout_s)
        try:
            await self._tried(probe.refresh, probe, during="SNMPv3 engine discovery")
            engine_id = probe.get_engine_id()
        finally:
            self._retire(probe)
        if not engine_id:
            raise UnknownEngine("the discovery reply carried no engine id")
        return engine_id

    async def _tried(self, ask: Callable[..., Awaitable[T]], session: _Session, *args: Any,
                     during: str = "") -> T:
        """`ask(*args)`, tried `tries` times; the failure typed."""
        malformed, dropped = session.malformed, session.dropped
        session.deadline = self.deadline
        session.counts = self.counts
        for _ in range(self.tries):
            try:
                return await ask(*args)
            except TimeoutError:
                continue
            except SnmpAuthError:
                raise AuthFailure("the agent reported an unknown user, a wrong key or a "
                                  "wrong authentication protocol") from None
        if session.malformed > malformed:
            raise MalformedReply(session.malformed - malformed, session.last_malformed)
        raise RequestTimeout(self.tries, during, session.dropped - dropped)

    async def _ready(self) -> _Session:
        session = self._session or await self._open()
        if self.credentials.version == "3" and \
                time.monotonic() - self._synced_at > TIME_WINDOW_RESYNC_S:
            await self._tried(session.refresh, session)
            self._synced_at = time.monotonic()
        return session

    async def get(self, oids: list[str]) -> dict[str, ValueType]:
        """GET: the values the agent has; absent ones (noSuchObject…) are left out. A v1
        noSuchName drops that OID and asks the rest again; another refusal is `Refused`."""
        session = self._session
        if session is None or self.credentials.version == "3":
            session = await self._ready()
        try:
            result = await self._tried(session.ask_many, session, oids)
        except AuthFailure:
            if self.credentials.version != "3":
                raise
            # The agent may have rebooted (new engine boots) or been replaced: rediscover once.
            self.close()
            self._engine_id = b""
            session = await self._ready()
            result = await self._tried(session.ask_many, session, oids)
        if self.credentials.version == "3":
            self._synced_at = time.monotonic()
        if len(result) < len(oids) and session.peek is not None:
            return await self._short(oids, result, session.datagram)
        return result

    async def _short(self, oids: list[str], result: dict[str, ValueType], datagram: bytes,
                     again: bool = True) -> dict[str, ValueType]:
        """Values missing from a v1/v2c reply: absent ones, or a refusal (gufo-snmp drops the
        error-status; the datagram peeked at keeps it)."""
        ours, why = refusal(datagram, oids)
        if not ours and again and self._session is not None:
            # The datagram peeked at was a stray ahead of the reply (gufo read past it): ask
            # once more, and read that reply's status.
            session = self._session
            result = await self._tried(session.ask_many, session, oids)
            if len(result) == len(oids):
                return result
            return await self._short(oids, result, session.datagram, again=False)
        if why is None:
            return result  # absent values (v2c says so value by value)
        if why.status == "noSuchName" and why.oid is not None:
            rest = [oid for oid in oids if oid != why.oid]  # SNMPv1: one absent OID
            return await self.get(rest) if rest else result
        raise Refused(why.status, why.index, why.oid)

    async def walk(self, column: str, max_repetitions: int, max_rows: int) -> Walk:
        """Every row under `column` (GETBULK; GETNEXT on SNMPv1), up to `max_rows`; stops
        where an agent answers out of order (it would loop for ever)."""
        session = await self._ready()
        cursor = GetIter(column, max_repetitions)
        ask = session.next_one if self.credentials.version == "1" else session.bulk_page
        walk = Walk([])
        prefix = column + "."
        last: tuple[int, ...] = ()
        while True:
            try:
                page = await self._tried(ask, session, cursor)
            except StopAsyncIteration:
                break
            for item in page:
                if item is None or not item[0].startswith(prefix):
                    return self._walked(walk)  # past the column, or the end of the MIB
                oid, value = item
                index = tuple(int(arc) for arc in oid[len(prefix):].split("."))
                if index <= last:
                    walk.disordered = True
                    return self._walked(walk)
                if len(walk.rows) == max_rows:
                    walk.truncated = True
                    return self._walked(walk)
                walk.rows.append((index, value))
                last = index
        return self._walked(walk)

    def _walked(self, walk: Walk) -> Walk:
        if self.credentials.version == "3":
            self._synced_at = time.monotonic()
        return walk
