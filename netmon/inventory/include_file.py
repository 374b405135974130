"""The include file an import writes (`aps:` only): read back before a refresh, written whole."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml


class IncludeFileError(Exception):
    """The target exists but is not an inventory file: refreshing it would lose something."""


def read_include(path: Path) -> list[dict[str, Any]]:
    """The APs of an existing include file ([] when there is none yet)."""
    if not path.exists():
        return []
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise IncludeFileError(f"{path}: cannot read it as YAML ({exc}); nothing written") \
            from exc
    if doc is None:
        return []
    others = sorted(set(doc) - {"aps"}) if isinstance(doc, dict) else []
    if not isinstance(doc, dict) or others:
        raise IncludeFileError(
            f"{path}: not an inventory file written by `netmon inventory import` (it has "
            f"{', '.join(others) or 'no aps: mapping'}); give another --out")
    aps = doc.get("aps") or []
    if not isinstance(aps, list) or not all(isinstance(ap, dict) and "id" in ap for ap in aps):
        raise IncludeFileError(f"{path}: aps: must be a list of APs with an id")
    return aps


def include_yaml(aps: list[dict[str, Any]], source: Path, target: Path, config: Path,
                 now: datetime) -> str:
    """An include file (`aps:` only) with a header saying where it came from."""
    header = (f"# Written by `netmon inventory import` from {source.name} on "
              f"{now:%Y-%m-%d %H:%M}.\n"
              f"# Add it to {config.name}: `include: [{target.name}]` (paths relative to "
              "it),\n# then check with `netmon check-config`. Import a newer export onto "
              "this file to refresh it:\n# APs are matched by `source.site`; host, "
              "credentials, profile, controller, zone… you add are kept;\n# sites gone "
              "from the list are disabled (source.missing_since), never deleted.\n")
    body = yaml.safe_dump({"aps": aps}, allow_unicode=True, sort_keys=False, width=100)
    return header + body


def write_atomically(path: Path, text: str) -> None:
    """Readers (a running netmon, check-config) see the old file or the new, never half."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent or Path("."),
                                     prefix=f".{path.name}.", delete=False) as handle:
        handle.write(text)
        temporary = Path(handle.name)
    os.replace(temporary, path)
