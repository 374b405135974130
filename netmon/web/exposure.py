"""Whether the HTTP listener reaches beyond this machine without a token to guard the API."""

from __future__ import annotations

import ipaddress

from netmon.config.models import NetmonConfig

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


def exposure_warnings(config: NetmonConfig) -> list[str]:
    http = config.http
    if not http.enabled or is_loopback(http.host) or config.status_page.api_token is not None:
        return []
    return [f"http.listen {http.listen} is reachable from the network and "
            "status_page.api_token is not set: anyone who reaches it reads the JSON API "
            "(the inventory, incidents). Set a token, or listen on 127.0.0.1 behind a proxy."]
