"""Webhook channel: POST a JSON body (generic, slack or teams) with httpx."""

from __future__ import annotations

import httpx

from netmon.alerts.messages import Message
from netmon.alerts.notifiers.base import DeliveryError
from netmon.alerts.notifiers.payloads import BODIES
from netmon.alerts.settings import Route, WebhookSettings

BODY_QUOTED_CHARS = 200


class WebhookNotifier:
    def __init__(self, settings: WebhookSettings, name: str) -> None:
        self.settings = settings
        self.route: Route = settings
        self.name = name
        self.body = BODIES[settings.format]
        self._client = httpx.AsyncClient(timeout=settings.timeout_s,
                                         headers={"User-Agent": "netmon-alerts"})

    async def send(self, message: Message) -> None:
        try:
            response = await self._client.post(str(self.settings.url), json=self.body(message))
        except httpx.HTTPError as exc:
            # The URL may hold a token (Slack, Teams): name the channel, never the URL.
            raise DeliveryError(f"{self.name}: {type(exc).__name__}: {exc}") from None
        if not response.is_success:
            raise DeliveryError(f"{self.name}: HTTP {response.status_code}: "
                                f"{response.text[:BODY_QUOTED_CHARS]}")

    async def close(self) -> None:
        await self._client.aclose()
