"""The status page as HTML: one template, rendered in the asked language."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from netmon.web.status.i18n import LANGUAGES, Words
from netmon.web.status.models import ApStatus, FibreZoneView, IncidentView, ZoneStatus

STATIC_PATH = "static/status"


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("netmon.web.status", "templates"),
                       autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                       lstrip_blocks=True)


def fleet_signature(aps: list[ApStatus]) -> str:
    """Changes when any AP changes state: the page then reloads its map."""
    text = ";".join(f"{a.id}={a.status}" for a in aps)
    return hashlib.blake2s(text.encode(), digest_size=8).hexdigest()


def render_page(*, site: str, words: Words, now: datetime, refresh_s: int, aps: list[ApStatus],
                zones: list[ZoneStatus], current: list[IncidentView],
                recent: list[IncidentView], fibre: list[FibreZoneView],
                has_data: bool) -> str:
    enabled = [a for a in aps if a.status != "disabled"]
    counts = {"total": len(enabled), "up": sum(a.status == "up" for a in enabled),
              "down": sum(a.status == "down" for a in enabled),
              "clients": sum(a.clients or 0 for a in enabled)}
    return _environment().get_template("status.html.j2").render(
        site=site, w=words, now=now, refresh_s=refresh_s, aps=aps, zones=zones,
        current=current, recent=recent, fibre=fibre, counts=counts, languages=LANGUAGES,
        static=STATIC_PATH, fleet_signature=fleet_signature(aps),
        has_data=has_data)
