"""Which channels take a notice (by zone and severity), built from `alerts:`."""

from __future__ import annotations

import logging
from collections.abc import Mapping

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


class NoticeRouter:
    """Which channels take a notice: every channel whose route wants its zone and severity."""

    def __init__(self, notifiers: Mapping[str, Notifier]) -> None:
        self.routes = {name: n.route for name, n in notifiers.items()}

    def __call__(self, notice: Notice) -> list[str]:
        return [name for name, route in self.routes.items()
                if notice.kind == "test" or wants(route, notice.zone, notice.severity)]
