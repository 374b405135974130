"""Which channels take a notice (by zone and severity), built from `alerts:`."""

from __future__ import annotations

import logging

from netmon.alerts.delivery import DeliveryQueue
from netmon.alerts.notice import Notice
from netmon.alerts.notifiers.base import Notifier, wants
from netmon.alerts.notifiers.email import EmailNotifier
from netmon.alerts.notifiers.webhook import WebhookNotifier
from netmon.alerts.settings import AlertSettings

log = logging.getLogger(__name__)


def channel_names(settings: AlertSettings) -> list[str]:
    names = ["email"] if settings.email is not None else []
    names += [w.name or f"webhook-{i}" for i, w in enumerate(settings.webhooks, 1)]
    return names


def build_notifiers(settings: AlertSettings) -> dict[str, Notifier]:
    """One notifier per configured channel, by channel name."""
    notifiers: dict[str, Notifier] = {}
    if settings.email is not None:
        notifiers["email"] = EmailNotifier(settings.email)
    for i, hook in enumerate(settings.webhooks, 1):
        name = hook.name or f"webhook-{i}"
        notifiers[name] = WebhookNotifier(hook, name)
    return notifiers


class Dispatcher:
    """The tracker's `emit`: picks the channels of a notice and queues it for each."""

    def __init__(self, queue: DeliveryQueue) -> None:
        self.queue = queue

    def __call__(self, notice: Notice) -> None:
        channels = [name for name, n in self.queue.notifiers.items()
                    if notice.kind == "test" or wants(n.route, notice.zone, notice.severity)]
        log.info("notice %s %s %s -> %s", notice.kind, notice.subject_id, notice.status,
                 ", ".join(channels) or "no channel")
        if channels:
            self.queue.enqueue(notice, channels)
