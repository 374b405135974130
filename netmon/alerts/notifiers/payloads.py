"""Webhook bodies: netmon's generic JSON, Slack/Mattermost attachments, a Teams Adaptive Card."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from netmon.alerts.messages import Message

NS_PER_S = 1_000_000_000
GENERIC_VERSION = 1
ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
ADAPTIVE_CARD_VERSION = "1.4"
TEAMS_COLOUR = {"firing": "Attention", "resolved": "Good"}


def _iso(time_ns: int | None) -> str | None:
    if time_ns is None:
        return None
    return datetime.fromtimestamp(time_ns / NS_PER_S, UTC).isoformat().replace("+00:00", "Z")


def generic(message: Message) -> dict[str, Any]:
    """A stable, documented JSON object (see docs/alerts.md); times in UTC ISO 8601."""
    n = message.notice
    return {
        "version": GENERIC_VERSION,
        "site": message.site,
        "kind": n.kind,
        "status": n.status,
        "severity": n.severity,
        "subject": {"type": n.subject, "id": n.subject_id, "name": message.names.get("ap_name"),
                    "zone": n.zone, "zone_name": message.names.get("zone_name"),
                    "address": message.names.get("address") or None},
        "incident_id": n.incident_id,
        "time": _iso(n.time_ns),
        "since": _iso(n.since_ns),
        "ended": _iso(n.ended_ns),
        "duration_s": n.duration_s if n.status == "resolved" else None,
        "cause": n.cause,
        "aps_down": n.down,
        "aps_total": n.total,
        "reminder": n.reminder,
        "title": message.title,
        "text": message.text,
        "status_url": message.link,
    }


def slack(message: Message) -> dict[str, Any]:
    """Slack incoming webhook (Mattermost accepts the same): text plus one coloured attachment."""
    attachment: dict[str, Any] = {
        "fallback": message.title,
        "color": message.colour,
        "title": message.title,
        "text": message.text,
        "fields": [{"title": k, "value": v, "short": True} for k, v in message.facts],
    }
    if message.link:
        attachment["title_link"] = message.link
    return {"text": message.title, "attachments": [attachment]}


def teams(message: Message) -> dict[str, Any]:
    """Microsoft Teams (Workflows or connector webhook): a message carrying an Adaptive Card."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": message.title, "weight": "Bolder", "size": "Medium",
         "wrap": True, "color": TEAMS_COLOUR[message.status]},
        *({"type": "TextBlock", "text": line, "wrap": True} for line in message.lines),
        {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in message.facts]},
    ]
    card: dict[str, Any] = {"$schema": ADAPTIVE_CARD_SCHEMA, "type": "AdaptiveCard",
                            "version": ADAPTIVE_CARD_VERSION, "body": body}
    if message.link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Status", "url": message.link}]
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
         "content": card}]}


BODIES = {"generic": generic, "slack": slack, "teams": teams}
