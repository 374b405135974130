"""Cross-checks of `alerts:` and `maintenance:` against the inventory (unknown zones and APs)."""

from __future__ import annotations

from pathlib import Path

from netmon.alerts.settings import Route
from netmon.config.models import NetmonConfig


def reference_problems(config: NetmonConfig, file: Path) -> list[str]:
    """One `file: key.path: message` line per zone or AP id that the inventory does not have."""
    zones = {z.id for z in config.zones}
    aps = {a.id for a in config.aps}
    known_zones = ", ".join(sorted(zones)) or "none"
    problems = []
    for i, window in enumerate(config.maintenance):
        if window.zone is not None and window.zone not in zones:
            problems.append(f"{file}: maintenance[{i}].zone: unknown zone {window.zone!r} "
                            f"(known: {known_zones})")
        if window.ap is not None and window.ap not in aps:
            problems.append(f"{file}: maintenance[{i}].ap: unknown AP {window.ap!r}")
    routes: list[tuple[str, Route]] = \
        [("alerts.email", config.alerts.email)] if config.alerts.email else []
    routes += [(f"alerts.webhooks[{i}]", w) for i, w in enumerate(config.alerts.webhooks)]
    for where, route in routes:
        for zone in route.zones:
            if zone not in zones:
                problems.append(f"{file}: {where}.zones: unknown zone {zone!r} "
                                f"(known: {known_zones})")
    return problems
