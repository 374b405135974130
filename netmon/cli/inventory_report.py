"""What `netmon inventory import` tells the person: columns read and missed, rejects, diff."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Final

from netmon.cli.common import console, err_console
from netmon.inventory.columns import ROLES
from netmon.inventory.hotspot_list import HotspotRows
from netmon.inventory.refresh import Refresh

SHOWN: Final = 50
# What the import does when a role has no column: said next to "not found".
WITHOUT: Final = {
    "id": "the site name is its id", "name": "the site id is its name",
    "address": "no address", "count": "1 AP per site", "status": "every site in service",
}


def _say(text: str, stderr: bool = False) -> None:
    (err_console if stderr else console).print(text, markup=False, highlight=False,
                                               soft_wrap=True)


def columns(file: Path, rows: HotspotRows) -> None:
    """The mapping chosen, every role it could not map and every column left unread."""
    cols = rows.columns
    _say(f"{file}: columns used: " + ", ".join(
        f"{role}={getattr(cols, role)!r}" for role in ROLES if getattr(cols, role)))
    position_roles = {"lat", "lon", "point"}
    missing = [r for r in cols.missing() if r not in position_roles]
    if missing:
        _say("  not found: " + "; ".join(f"{r} ({WITHOUT[r]}; name it with --{r})"
                                         for r in missing))
    if unused := cols.unused(rows.header):
        _say(f"  columns not read: {', '.join(unused)}")
    if rows.unknown_statuses:
        words = ", ".join(f"{w!r} ({n} site{'s' if n > 1 else ''})"
                          for w, n in rows.unknown_statuses.most_common())
        _say(f"  status words not in the vocabulary, taken as in service: {words}; say "
             "otherwise with --status-word 'WORD=closed' (or planned, in-service)")


def rejects(file: Path, rejected: list[tuple[int, str, list[str]]]) -> None:
    for line, reason, _ in rejected[:SHOWN]:
        _say(f"  {file}:{line}: {reason}", stderr=True)
    if len(rejected) > SHOWN:
        _say(f"  … and {len(rejected) - SHOWN} more (see the rejects file)", stderr=True)


def write_rejects(path: Path, header: list[str],
                  rejected: list[tuple[int, str, list[str]]]) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["reject_line", "reject_reason", *header])
        writer.writerows([line, reason, *cells] for line, reason, cells in rejected)


def diff(target: Path, change: Refresh) -> None:
    """One line per change (the first SHOWN of each kind), then the counts."""
    lines = [*(f"  + {ap}" for ap in change.added),
             *(f"  ~ {ap}: {'; '.join(what)}" for ap, what in change.updated.items()),
             *(f"  - {ap}: gone from the list, disabled" for ap in change.gone),
             *(f"  ↑ {ap}: in service again, enabled" for ap in change.back),
             *(f"  = {ap}: row rejected this time, kept as it was" for ap in change.held)]
    for line in lines[:SHOWN]:
        _say(line)
    if len(lines) > SHOWN:
        _say(f"  … and {len(lines) - SHOWN} more changes")
    _say(f"{target}: {len(change.added)} added, {len(change.updated)} updated, "
         f"{len(change.gone)} disabled (gone from the list), {len(change.back)} enabled again, "
         f"{len(change.held)} kept (row rejected), {change.unchanged} unchanged, "
         f"{change.by_hand} not from the list kept")
