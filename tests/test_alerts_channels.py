"""Notices reach real receivers: aiosmtpd over STARTTLS with AUTH, and HTTP webhooks."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import update

from netmon.alerts.delivery import DeliveryQueue
from netmon.alerts.messages import MessageWriter
from netmon.alerts.notice import Notice
from netmon.alerts.routing import NoticeRouter, build_notifiers
from netmon.alerts.tables import deliveries
from netmon.config.models import NetmonConfig
from netmon.db.owner import DatabaseOwner
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.export.core_metrics import ChannelMetrics
from netmon.sim.snmpsim_process import free_udp_ports
from tests.alerts_support.fleet import NS, at, town
from tests.alerts_support.servers import SMTP_PASSWORD, SMTP_USER, WebhookSink, smtp_server
from tests.support.wait import async_wait_until

STATUS_URL = "https://wifi.example.org/status"
DOWN = Notice("ap_down", "warning", "firing", "ap", "centre-05", "centre",
              at("2026-11-03 16:01"), since_ns=at("2026-11-03 16:00"), incident_id=None,
              cause="centre-05 127.0.0.1:20005: no answer")
UP = Notice("ap_up", "warning", "resolved", "ap", "centre-05", "centre",
            at("2026-11-03 16:46"), since_ns=at("2026-11-03 16:00"),
            ended_ns=at("2026-11-03 16:45"))
ZONE = Notice("zone_down", "critical", "firing", "zone", "grand-port", "grand-port",
              at("2026-11-03 14:02"), since_ns=at("2026-11-03 14:00"),
              cause="6 of 6 APs down — likely the backhaul", down=6, total=6)


def queue_for(config: NetmonConfig, clock: Callable[[], int] = time.time_ns) -> DeliveryQueue:
    """A queue on its own database owner (closed by `done`)."""
    url = database_url(config.store)
    return DeliveryQueue(DatabaseOwner(url), DatabaseReader(url),
                         build_notifiers(config.alerts), MessageWriter(config),
                         config.alerts.delivery, clock)


async def dispatch(queue: DeliveryQueue, notice: Notice) -> None:
    await queue.enqueue(notice, NoticeRouter(queue.notifiers)(notice))


async def attempted(queue: DeliveryQueue, attempts: int = 1, timeout_s: float = 10) -> None:
    """Wait until the head of the queue was tried `attempts` times (and recorded)."""
    await async_wait_until(lambda: any(d.attempts >= attempts for d in queue.history()),
                           timeout_s, f"a delivery attempted {attempts} times")


async def done(queue: DeliveryQueue) -> None:
    await queue.stop()
    await queue.owner.aclose()


async def deliver_down_and_up(config: NetmonConfig) -> DeliveryQueue:
    """Page DOWN then UP, and wait until both are delivered (or failed for good)."""
    queue = queue_for(config)
    await queue.start()
    await dispatch(queue, DOWN)
    await dispatch(queue, UP)
    assert await queue.wait_idle(10)
    await done(queue)
    return queue


@pytest.fixture
def sink() -> Any:
    server = WebhookSink()
    yield server
    server.close()


async def test_email_over_starttls_with_auth(tmp_path: Path,
                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with smtp_server(tmp_path) as box:
        config = town(tmp_path / "n.db", alerts={"status_url": STATUS_URL, "email": {
            "host": "127.0.0.1", "port": box.port, "starttls": True, "username": SMTP_USER,
            "password": SMTP_PASSWORD, "sender": "netmon@aixlesbains.example",
            "to": ["astreinte@aixlesbains.example", "dsi@aixlesbains.example"],
            "ca_file": str(box.cert)}})
        await deliver_down_and_up(config)
        mails = box.wait(2)
    assert box.logins == [SMTP_USER, SMTP_USER]
    down, up = mails
    assert down["Subject"] == "[Aix-les-Bains] WARNING: AP down: Centre 05 (Centre-ville)"
    assert down["To"] == "astreinte@aixlesbains.example, dsi@aixlesbains.example"
    body = down.get_content()
    assert "Centre 05 (centre-05) stopped answering at 2026-11-03 16:00:00 CET" in body
    assert "Address: Place Carnot, 73100 Aix-les-Bains" in body
    assert f"Status page: {STATUS_URL}" in body
    assert up["Subject"].startswith("[Aix-les-Bains] OK: AP back up: Centre 05")
    assert "it was down for 45 min" in up.get_content()
    assert SMTP_PASSWORD not in caplog.text


async def test_email_refuses_an_untrusted_certificate(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as box:
        config = town(tmp_path / "n.db", alerts={"email": {
            "host": "127.0.0.1", "port": box.port, "username": SMTP_USER,
            "password": SMTP_PASSWORD, "sender": "netmon@x.example", "to": ["a@x.example"]}})
        queue = queue_for(config)
        await queue.start()
        await dispatch(queue, DOWN)
        await attempted(queue)
        await done(queue)
    (delivery,) = queue.history()
    assert delivery.status == "pending" and delivery.attempts >= 1
    assert delivery.last_error is not None and "CERTIFICATE_VERIFY_FAILED" in delivery.last_error
    assert box.messages == []


async def test_webhook_formats_and_routes(tmp_path: Path, sink: WebhookSink) -> None:
    config = town(tmp_path / "n.db", language="fr", alerts={"status_url": STATUS_URL,
                                                              "webhooks": [
        {"url": sink.url("/generic"), "format": "generic"},
        {"url": sink.url("/slack"), "format": "slack", "name": "mattermost"},
        {"url": sink.url("/teams"), "format": "teams", "zones": ["grand-port"]},
        {"url": sink.url("/critical"), "min_severity": "critical"}]})
    queue = queue_for(config)
    await queue.start()
    for notice in (DOWN, ZONE):
        await dispatch(queue, notice)
    assert await queue.wait_idle(10)
    await done(queue)
    by_path: dict[str, list[Any]] = {}
    for hook in sink.received:
        by_path.setdefault(hook.path, []).append(hook.body)
    assert {p: len(b) for p, b in by_path.items()} == \
        {"/generic": 2, "/slack": 2, "/teams": 1, "/critical": 1}
    generic = by_path["/generic"][0]
    assert generic["kind"] == "ap_down" and generic["status"] == "firing"
    assert generic["subject"] == {"type": "ap", "id": "centre-05", "name": "Centre 05",
                                  "zone": "centre", "zone_name": "Centre-ville",
                                  "address": "Place Carnot, 73100 Aix-les-Bains"}
    assert generic["since"] == "2026-11-03T15:00:00Z" and generic["status_url"] == STATUS_URL
    assert generic["title"] == "Borne hors service : Centre 05 (Centre-ville)"
    slack = by_path["/slack"][1]
    assert slack["text"].startswith("Zone hors service : Grand Port — 6 bornes sur 6")
    (attachment,) = slack["attachments"]
    assert attachment["color"] == "#d0021b" and attachment["title_link"] == STATUS_URL
    assert {"title": "zone", "value": "Grand Port", "short": True} in attachment["fields"]
    (teams,) = by_path["/teams"]
    assert teams["type"] == "message"
    (card,) = teams["attachments"]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard"
    assert card["content"]["body"][0]["text"].startswith("Zone hors service : Grand Port")
    assert card["content"]["actions"][0]["url"] == STATUS_URL
    assert by_path["/critical"][0]["kind"] == "zone_down"


async def test_failed_delivery_is_retried_with_backoff(tmp_path: Path,
                                                       sink: WebhookSink) -> None:
    sink.fail_next = 2
    config = town(tmp_path / "n.db", alerts={
        "webhooks": [{"url": sink.url("/hook")}],
        "delivery": {"retry_base_s": 0.1, "retry_max_s": 1}})
    queue = await deliver_down_and_up(config)
    assert [h.body["kind"] for h in sink.received] == ["ap_down", "ap_up"]  # order kept
    first, second = queue.history()
    assert (first.status, first.attempts, second.attempts) == ("sent", 3, 1)


async def test_pending_deliveries_survive_a_restart(tmp_path: Path, sink: WebhookSink) -> None:
    dead = f"http://127.0.0.1:{free_udp_ports(1)[0]}/hook"
    before = town(tmp_path / "n.db", alerts={"webhooks": [{"url": dead, "name": "ops"}],
                                             "delivery": {"retry_base_s": 0.1}})
    queue = queue_for(before)
    await queue.start()
    await dispatch(queue, DOWN)
    await attempted(queue)
    await done(queue)
    assert [d.status for d in queue.history()] == ["pending"]
    # The chat server is back (here: at a new address) and netmon restarts.
    after = town(tmp_path / "n.db", alerts={"webhooks": [{"url": sink.url("/hook"),
                                                          "name": "ops"}]})
    queue = queue_for(after)
    await queue.start()
    assert await queue.wait_idle(10)
    await done(queue)
    assert [h.body["kind"] for h in sink.received] == ["ap_down"]
    assert queue.history()[0].status == "sent"


async def test_delivery_is_given_up_and_recorded(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_udp_ports(1)[0]}/hook"
    config = town(tmp_path / "n.db", alerts={"webhooks": [{"url": dead}], "delivery": {
        "retry_base_s": 0.05, "give_up_after_h": 0.0001}})
    clock = [at("2026-11-03 16:01")]
    queue = queue_for(config, lambda: clock[0])
    await queue.start()
    await dispatch(queue, DOWN)
    await attempted(queue)
    clock[0] += 3600 * NS
    assert await queue.wait_idle(5)
    await done(queue)
    (delivery,) = queue.history()
    assert delivery.status == "failed" and delivery.last_error is not None
    assert "ConnectError" in delivery.last_error and dead not in delivery.last_error


async def test_a_channel_down_for_days_keeps_retrying_without_overflow(tmp_path: Path) -> None:
    """2 ** attempts overflowed a float after 1,024 tries and silently stopped the queue."""
    dead = f"http://127.0.0.1:{free_udp_ports(1)[0]}/hook"
    config = town(tmp_path / "n.db", alerts={"webhooks": [{"url": dead}], "delivery": {
        "retry_base_s": 0.01, "retry_max_s": 0.05, "give_up_after_h": 720}})
    queue = queue_for(config)
    await queue.enqueue(DOWN, ["webhook-1"])
    await queue.owner.call(lambda conn: conn.execute(
        update(deliveries).values(attempts=5_000)))  # a relay down for weeks
    await queue.start()
    await attempted(queue, 5_003)
    await done(queue)
    (delivery,) = queue.history()
    assert delivery.status == "pending" and delivery.next_attempt_ns > delivery.created_ns


async def test_a_relay_back_after_a_thousand_failed_attempts_gets_every_page(
        tmp_path: Path, sink: WebhookSink) -> None:
    """Past attempt 1,024 (where 2 ** attempts once overflowed and the queue died quietly),
    the channel is exported as failing, then every page arrives once the receiver is back."""
    sink.fail_next = 40  # the receiver answers 500 forty more times, then recovers
    config = town(tmp_path / "n.db", alerts={"webhooks": [{"url": sink.url("/hook")}],
                                             "delivery": {"retry_base_s": 0.001,
                                                          "retry_max_s": 0.002,
                                                          "give_up_after_h": 720}})
    queue = queue_for(config)
    registry = CollectorRegistry()
    registry.register(ChannelMetrics(queue))
    await queue.enqueue(DOWN, ["webhook-1"])
    await queue.enqueue(UP, ["webhook-1"])
    await queue.owner.call(lambda conn: conn.execute(
        update(deliveries).values(attempts=1_000)))  # days of outage behind it
    await queue.start()
    await async_wait_until(lambda: queue.failing.get("webhook-1"), 10, "the channel failing")
    assert registry.get_sample_value("netmon_alert_channel_failing",
                                     {"channel": "webhook-1"}) == 1
    assert await queue.wait_idle(30)
    assert registry.get_sample_value("netmon_alert_channel_up", {"channel": "webhook-1"}) == 1
    assert registry.get_sample_value("netmon_alert_channel_failing",
                                     {"channel": "webhook-1"}) == 0
    await done(queue)
    assert registry.get_sample_value("netmon_alert_channel_up", {"channel": "webhook-1"}) == 0
    assert [h.body["kind"] for h in sink.received] == ["ap_down", "ap_up"]
    first, second = queue.history()
    assert first.status == second.status == "sent" and first.attempts > 1_024
