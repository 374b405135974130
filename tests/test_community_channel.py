"""The shared v1/v2c socket: replies matched by request id and sender, retries, timeouts."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import pytest

from collectors.snmp import ber
from collectors.snmp.community import CommunityChannel, RequestTimeout

SYS_UPTIME = (1, 3, 6, 1, 2, 1, 1, 3, 0)
TICKS = 4242


def reply_to(request: bytes) -> bytes:
    """A v2c Response to `request` (same request id) with sysUpTime as TimeTicks."""
    _, pos, end = ber._header(request, 0, len(request))
    _, pos = ber._small_int(request, pos, end)
    start, pos = ber._expect(request, pos, end, ber.OCTET_STRING)
    pos, pdu_end = ber._header(request, pos, end)[1:]
    request_id, _ = ber._small_int(request, pos, pdu_end)
    value = ber._tlv(ber.TIME_TICKS, TICKS.to_bytes(2, "big"))
    varbind = ber._tlv(ber.SEQUENCE, ber.encode_oid(SYS_UPTIME) + value)
    pdu = ber._tlv(ber.RESPONSE, ber._integer(request_id) + ber._integer(0) + ber._integer(0)
                   + ber._tlv(ber.SEQUENCE, varbind))
    return ber._tlv(ber.SEQUENCE, ber._integer(1) + ber._tlv(ber.OCTET_STRING,
                                                            request[start:pos]) + pdu)


class FakeAgent(asyncio.DatagramProtocol):
    """Answers each request as `answer` says: drop it, garble it, or reply from elsewhere."""

    def __init__(self, answer: Callable[[FakeAgent, bytes, tuple[str, int]], None]) -> None:
        self.answer = answer
        self.transport: asyncio.DatagramTransport | None = None
        self.requests = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.requests += 1
        self.answer(self, data, addr)


async def ask(answer: Callable[[FakeAgent, bytes, tuple[str, int]], None],
              tries: int = 2) -> tuple[ber.Response | Exception, FakeAgent]:
    loop = asyncio.get_running_loop()
    transport, agent = await loop.create_datagram_endpoint(lambda: FakeAgent(answer),
                                                           local_addr=("127.0.0.1", 0))
    channel = CommunityChannel()
    try:
        address = transport.get_extra_info("sockname")
        got: ber.Response | Exception
        try:
            got = await channel.request(address, socket.AF_INET, 1, b"public",
                                        ber.GET_REQUEST, ber.encode_varbinds([SYS_UPTIME]),
                                        timeout_s=0.2, tries=tries)
        except RequestTimeout as exc:
            got = exc
        return got, agent
    finally:
        channel.close()
        transport.close()


async def test_reply_is_matched_to_its_request() -> None:
    def answer(agent: FakeAgent, data: bytes, addr: tuple[str, int]) -> None:
        assert agent.transport is not None
        agent.transport.sendto(reply_to(data), addr)

    got, agent = await ask(answer)
    assert isinstance(got, ber.Response)
    assert got.varbinds == [(SYS_UPTIME, TICKS)] and agent.requests == 1


async def test_lost_request_is_sent_again() -> None:
    def answer(agent: FakeAgent, data: bytes, addr: tuple[str, int]) -> None:
        if agent.requests >= 2:  # the first try is "lost"
            assert agent.transport is not None
            agent.transport.sendto(reply_to(data), addr)

    got, agent = await ask(answer)
    assert isinstance(got, ber.Response) and agent.requests == 2


@pytest.mark.parametrize("how", ["silent", "garbled", "other-sender"])
async def test_no_usable_reply_times_out_after_every_try(how: str) -> None:
    stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stranger.bind(("127.0.0.1", 0))

    def answer(agent: FakeAgent, data: bytes, addr: tuple[str, int]) -> None:
        assert agent.transport is not None
        if how == "garbled":
            agent.transport.sendto(reply_to(data)[:-3], addr)
        elif how == "other-sender":  # the right request id, from an address never asked
            stranger.sendto(reply_to(data), addr)

    try:
        got, agent = await ask(answer, tries=2)
    finally:
        stranger.close()
    assert isinstance(got, RequestTimeout) and agent.requests == 2
