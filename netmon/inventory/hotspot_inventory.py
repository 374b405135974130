"""Turns hotspot sites into netmon APs: ids, zones, how they are reached, as include YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

from netmon.config.models import NetmonConfig
from netmon.inventory.columns import normalised
from netmon.inventory.hotspot_list import HotspotSite

MAX_ID_LENGTH: Final = 64


@dataclass(frozen=True, slots=True)
class ImportChoices:
    """What the command line says about the APs the list does not describe."""

    zone: str | None = None  # every site in this zone
    fallback_zone: str | None = None  # sites outside every zone polygon
    controller: str | None = None  # APs reported by this controller
    host_template: str | None = None  # e.g. "{id}.wifi.example.org"; {id} {site} {n}
    id_prefix: str = ""
    placement: str | None = None
    profile: str | None = None
    model: str | None = None


@dataclass(slots=True)
class Inventory:
    """The APs made from the sites, and the sites that could not be placed."""

    aps: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[tuple[HotspotSite, str]] = field(default_factory=list)


def slug(text: str) -> str:
    """A netmon id from a site id or name: `PW-001` -> `pw-001`, `Hôtel de Ville` ->
    `hotel-de-ville`."""
    return normalised(text).replace("_", "-")[:MAX_ID_LENGTH - 4].strip("-") or "site"


def _zone_finder(config: NetmonConfig) -> Any:
    from shapely import Point, prepared

    shapes = [(z.id, prepared.prep(outline)) for z in config.zones
              if (outline := z.outline()) is not None]

    def zone_of(lat: float, lon: float) -> str | None:
        point = Point(lon, lat)
        return next((zone for zone, shape in shapes if shape.covers(point)), None)

    return zone_of


def build_inventory(config: NetmonConfig, sites: list[HotspotSite], choices: ImportChoices,
                    replacing: frozenset[str] = frozenset()) -> Inventory:
    """One AP per AP of each site (`<site>-1`, `<site>-2`...), placed in its zone.

    `replacing`: ids of the config this import may reuse (the APs of the file it refreshes).
    """
    zone_of = _zone_finder(config)
    taken = ({ap.id for ap in config.aps} - replacing) | {z.id for z in config.zones} | {
        c.id for c in config.controllers}
    seen_sites: dict[str, int] = {}
    out = Inventory()
    for site in sites:
        site_slug = choices.id_prefix + slug(site.site_id)
        if site_slug in seen_sites:
            out.rejected.append((site, f"site id {site.site_id!r} already on line "
                                       f"{seen_sites[site_slug]}"))
            continue
        zone = choices.zone or zone_of(site.lat, site.lon) or choices.fallback_zone
        if zone is None:
            out.rejected.append((site, f"at {site.lat:.6f}, {site.lon:.6f}: inside no zone of "
                                       "the config (give --zone or --fallback-zone)"))
            continue
        ids = [f"{site_slug}-{n}" for n in range(1, site.aps + 1)]
        clash = [i for i in ids if i in taken]
        if clash:
            out.rejected.append((site, f"id {clash[0]!r} is already used in the config"))
            continue
        seen_sites[site_slug] = site.line
        for n, ap_id in enumerate(ids, start=1):
            out.aps.append(_ap(site, ap_id, n, zone, site_slug, choices))
    return out


def _ap(site: HotspotSite, ap_id: str, n: int, zone: str, site_slug: str,
        choices: ImportChoices) -> dict[str, Any]:
    ap: dict[str, Any] = {
        "id": ap_id, "zone": zone,
        "name": site.name if site.aps == 1 else f"{site.name} {n}",
        "site": site.name,
    }
    if site.address:
        ap["address"] = site.address
    ap["lat"], ap["lon"] = round(site.lat, 7), round(site.lon, 7)
    if choices.controller is not None:
        ap["controller"] = choices.controller
    if choices.host_template is not None:
        ap["host"] = choices.host_template.format(id=ap_id, site=site_slug, n=n)
    for key in ("placement", "profile", "model"):
        value = getattr(choices, key)
        if value is not None:
            ap[key] = value
    if not site.active:
        ap["enabled"] = False
    ap["source"] = {"site": site.site_id, **({"status": site.status} if site.status else {})}
    return ap


HOST_FIELDS = re.compile(r"\{(\w+)\}")


def template_problem(template: str) -> str | None:
    """Why a --host-template cannot be used, or None."""
    unknown = set(HOST_FIELDS.findall(template)) - {"id", "site", "n"}
    if unknown:
        return f"--host-template: unknown field {{{sorted(unknown)[0]}}} (use {{id}}, " \
               "{site}, {n})"
    try:
        template.format(id="x", site="x", n=1)
    except (ValueError, IndexError, KeyError) as exc:
        return f"--host-template: {exc}"
    return None
