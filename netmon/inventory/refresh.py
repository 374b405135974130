"""Refreshing an imported inventory from a new export of the same list: update, add, disable.

APs are matched by the list's site id (`source.site`) and their rank within the site, not by
netmon id, so an id changed by hand survives. Only what the list says is refreshed (name,
site, address, position, status); what a person added (host, credentials, profile,
controller, zone, MAC…) is kept. An AP whose site left the list is disabled, never deleted.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from netmon.inventory.status_words import StatusVocabulary

LIST_FIELDS: Final = ("name", "site", "address", "lat", "lon")
EARTH_RADIUS_M: Final = 6_371_000.0


@dataclass(slots=True)
class Refresh:
    """The file's new APs and what changed, AP by AP."""

    aps: list[dict[str, Any]] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # id -> what changed
    gone: list[str] = field(default_factory=list)  # disabled: the site left the list
    back: list[str] = field(default_factory=list)  # enabled again: in service again
    held: list[str] = field(default_factory=list)  # kept as is: its row was rejected
    unchanged: int = 0
    by_hand: int = 0  # APs of the file not from a list

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.gone or self.back)


def _metres(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Distance between two APs' positions (haversine: metres matter, not millimetres)."""
    lat1, lat2 = math.radians(a["lat"]), math.radians(b["lat"])
    dlat, dlon = lat2 - lat1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def _disabled_by_list(ap: dict[str, Any], words: StatusVocabulary) -> bool:
    """Whether an AP's `enabled: false` came from the list (status, gone) or from a person."""
    source = ap.get("source") or {}
    if source.get("missing_since"):
        return True
    status = source.get("status")
    return bool(status) and words.standing(str(status)) in ("closed", "planned")


def _merged(old: dict[str, Any], new: dict[str, Any], words: StatusVocabulary
            ) -> tuple[dict[str, Any], list[str]]:
    """The old AP with the list's facts of the new one, and the changes in words."""
    merged = dict(old)
    changes: list[str] = []
    for key in ("name", "site", "address"):
        if new.get(key) != old.get(key):
            changes.append(f"{key} {old.get(key)!r} -> {new.get(key)!r}")
            if new.get(key) is None:
                merged.pop(key, None)
            else:
                merged[key] = new[key]
    moved = _metres(old, new)
    if moved >= 1.0:
        changes.append(f"moved {moved:,.0f} m")
    merged["lat"], merged["lon"] = new["lat"], new["lon"]
    old_source, new_source = old.get("source") or {}, dict(new["source"])
    if old_source.get("status") != new_source.get("status"):
        changes.append(f"status {old_source.get('status')!r} -> {new_source.get('status')!r}")
    if old_source.get("missing_since"):
        changes.append("back in the list")
    merged["source"] = new_source
    hand_disabled = old.get("enabled") is False and not _disabled_by_list(old, words)
    merged.pop("enabled", None)
    if hand_disabled or new.get("enabled") is False:
        merged["enabled"] = False
    return merged, changes


def refresh(old_aps: list[dict[str, Any]], new_aps: list[dict[str, Any]],
            held_sites: set[str], today: date, words: StatusVocabulary) -> Refresh:
    """The file's APs after importing `new_aps`; `held_sites` had rows rejected this time."""
    out = Refresh()
    by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ap in new_aps:
        by_site[ap["source"]["site"]].append(ap)
    rank: dict[str, int] = defaultdict(int)
    matched: set[int] = set()
    for old in old_aps:
        source = old.get("source")
        if not source:
            out.by_hand += 1
            out.aps.append(old)
            continue
        site = source["site"]
        candidates = by_site.get(site, [])
        n = rank[site]
        rank[site] += 1
        if n < len(candidates):
            new = candidates[n]
            matched.add(id(new))
            merged, changes = _merged(old, new, words)
            was_off, now_off = old.get("enabled") is False, merged.get("enabled") is False
            if was_off and not now_off:
                out.back.append(old["id"])
            elif changes:
                out.updated[old["id"]] = changes
            else:
                out.unchanged += 1
            out.aps.append(merged)
        elif site in held_sites:
            out.held.append(old["id"])
            out.aps.append(old)
        elif source.get("missing_since"):
            out.unchanged += 1
            out.aps.append(old)
        else:
            gone = {**old, "enabled": False,
                    "source": {**source, "missing_since": today.isoformat()}}
            out.gone.append(old["id"])
            out.aps.append(gone)
    for ap in new_aps:
        if id(ap) not in matched:
            out.added.append(ap["id"])
            out.aps.append(ap)
    return out
