"""Read the YAML entry file and its includes into one validated `NetmonConfig`."""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr, ValidationError
from sqlalchemy.engine import make_url

from netmon.alerts.references import reference_problems
from netmon.alerts.settings import WebhookSettings
from netmon.config.errors import SECRET_KEY_PARTS, ConfigError, describe
from netmon.config.merge import deep_merge
from netmon.config.models import (
    AccessPoint,
    ApDefaults,
    Controller,
    NetmonConfig,
    StoreSettings,
    Zone,
)
from netmon.config.safe_yaml import load_yaml
from netmon.config.secrets import UnresolvedReference, resolve_references
from netmon.config.zone_files import parts_from_geojson, zone_outline, zones_from_layer
from netmon.redaction import REDACTOR

# Keys the loader consumes itself; they shape the inventory but are not part of the model.
LOADER_KEYS = ("include", "secrets_file", "defaults", "groups", "zones_from")
# Lists that the entry file and every included file may contribute to.
INVENTORY_KEYS = ("zones", "controllers", "aps")


def read_yaml(path: Path) -> Any:
    """Parse one YAML file safely; problems name the file (and line, when YAML knows it)."""
    return load_yaml(path)


class _Item:
    """A raw inventory entry with the file and index it came from, for error messages."""

    __slots__ = ("file", "index", "key", "raw")

    def __init__(self, file: Path, key: str, index: int, raw: Any) -> None:
        self.file, self.key, self.index, self.raw = file, key, index, raw

    @property
    def where(self) -> str:
        return f"{self.key}[{self.index}]"


def _validated(model: type[BaseModel], data: Any, file: Path, prefix: str,
               problems: list[str]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(describe(file, prefix, exc))
        return None


def _layer(defaults: ApDefaults | None) -> dict[str, Any]:
    if defaults is None:
        return {}
    layer = defaults.model_dump(exclude_none=True, exclude_unset=True)
    if defaults.credentials is not None:
        layer["credentials"] = defaults.credentials.model_dump(exclude_none=True)
    return layer


def _collect(entry: Path, doc: dict[str, Any], problems: list[str]) -> dict[str, list[_Item]]:
    items: dict[str, list[_Item]] = {k: [] for k in INVENTORY_KEYS}
    sources: list[tuple[Path, dict[str, Any]]] = [(entry, doc)]
    includes = doc.get("include") or []
    if not isinstance(includes, list):
        problems.append(f"{entry}: include: must be a list of file paths")
        includes = []
    for i, rel in enumerate(includes):
        path = (entry.parent / str(rel)).resolve()
        try:
            sub = read_yaml(path)
        except ConfigError as exc:
            problems.append(f"{entry}: include[{i}]: {exc}")
            continue
        if not isinstance(sub, dict):
            problems.append(f"{path}: must be a mapping with zones, controllers or aps")
            continue
        for key in sub:
            if key not in INVENTORY_KEYS:
                problems.append(f"{path}: {key}: unknown key (an included file holds "
                                f"only {', '.join(INVENTORY_KEYS)})")
        sources.append((path, sub))
    for path, source in sources:
        for key in INVENTORY_KEYS:
            entries = source.get(key) or []
            if not isinstance(entries, list):
                problems.append(f"{path}: {key}: must be a list")
                continue
            items[key].extend(_Item(path, key, i, raw) for i, raw in enumerate(entries))
    return items


def _zones_from(entry: Path, listed: Any, problems: list[str]) -> list[_Item]:
    """`zones_from: [{path, id_field, name_field, layer, ap_defaults}]`: a zone per feature."""
    if listed is None:
        return []
    if not isinstance(listed, list):
        problems.append(f"{entry}: zones_from: must be a list of {{path, id_field, name_field}}")
        return []
    items: list[_Item] = []
    for k, source in enumerate(listed):
        where = f"{entry}: zones_from[{k}]"
        if not isinstance(source, dict) or not source.get("path") or not source.get("id_field"):
            problems.append(f"{where}: needs path and id_field (name_field, layer optional)")
            continue
        unknown = set(source) - {"path", "id_field", "name_field", "layer", "ap_defaults"}
        if unknown:
            problems.append(f"{where}: {', '.join(sorted(unknown))}: unknown key")
            continue
        path = (entry.parent / str(source["path"])).resolve()
        found = zones_from_layer(path, str(source["id_field"]), source.get("name_field"),
                                 source.get("layer"), where, problems)
        extra = {"ap_defaults": source["ap_defaults"]} if source.get("ap_defaults") else {}
        items += [_Item(entry, "zones_from", k, {**zone, **extra}) for zone in found]
    return items


def _zones(items: list[_Item], problems: list[str], invalid: set[str]) -> list[Zone]:
    """Valid zones; the ids of invalid ones go to `invalid` so they cause no second error."""
    zones: list[Zone] = []
    for item in items:
        raw = item.raw
        if isinstance(raw, dict) and raw.get("geojson"):
            geo_path = (item.file.parent / str(raw["geojson"])).resolve()
            if raw.get("polygon") is not None:
                problems.append(f"{item.file}: {item.where}: give either polygon or geojson")
                continue
            try:
                outline = zone_outline(parts_from_geojson(geo_path))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                problems.append(f"{item.file}: {item.where}.geojson: cannot use {geo_path}: {exc}")
                continue
            zone = _validated(Zone, {**raw, "geojson": None, **outline},
                              item.file, item.where, problems)
            if zone is not None:
                zone = zone.model_copy(update={"geojson": geo_path})
        else:
            zone = _validated(Zone, raw, item.file, item.where, problems)
        if zone is None and isinstance(raw, dict):
            invalid.add(str(raw.get("id")))
        if zone is not None:
            if zone.polygon is None:
                problems.append(f"{item.file}: {item.where}: a zone needs a polygon or a geojson")
            zones.append(zone)
    return zones


def _aps(items: list[_Item], defaults: ApDefaults | None, groups: dict[str, ApDefaults],
         zones: dict[str, Zone], problems: list[str]) -> list[AccessPoint]:
    aps: list[AccessPoint] = []
    for item in items:
        if not isinstance(item.raw, dict):
            problems.append(f"{item.file}: {item.where}: must be a mapping")
            continue
        raw = dict(item.raw)
        merged = _layer(defaults)
        zone = zones.get(str(raw.get("zone")))
        if zone is not None:
            merged = deep_merge(merged, _layer(zone.ap_defaults))
        group = raw.pop("group", None)
        if group is not None:
            if group not in groups:
                known = ", ".join(sorted(groups)) or "none defined"
                problems.append(f"{item.file}: {item.where}.group: unknown group {group!r} "
                                f"(known: {known})")
                continue
            merged = deep_merge(merged, _layer(groups[group]))
        ap = _validated(AccessPoint, deep_merge(merged, raw), item.file, item.where, problems)
        if ap is not None:
            aps.append(ap)
    return aps


def _cross_check(items: dict[str, list[_Item]], config: NetmonConfig,
                 profiles: Collection[str] | None, problems: list[str],
                 invalid_zones: set[str]) -> None:
    zone_ids = {z.id for z in config.zones}
    controller_ids = {c.id for c in config.controllers}
    seen: dict[str, str] = {}
    by_id: dict[str, _Item] = {}
    for key in INVENTORY_KEYS:
        for item in items[key]:
            if not isinstance(item.raw, dict) or "id" not in item.raw:
                continue
            ident = str(item.raw["id"])
            where = f"{item.file.name}: {item.where}"
            if ident in seen:
                problems.append(f"{item.file}: {item.where}.id: duplicate id {ident!r} "
                                f"(already used by {seen[ident]})")
            else:
                seen[ident] = where
                if key == "aps":
                    by_id[ident] = item
    for ap in config.aps:
        item = by_id[ap.id]
        if ap.zone not in zone_ids and ap.zone not in invalid_zones:
            problems.append(f"{item.file}: {item.where}.zone: unknown zone {ap.zone!r} "
                            f"(known: {', '.join(sorted(zone_ids)) or 'none'})")
        if ap.controller is not None and ap.controller not in controller_ids:
            problems.append(f"{item.file}: {item.where}.controller: unknown controller "
                            f"{ap.controller!r}")
        if profiles is not None and ap.profile != "auto" and ap.profile not in profiles:
            problems.append(f"{item.file}: {item.where}.profile: unknown profile "
                            f"{ap.profile!r} (known: auto, {', '.join(sorted(profiles))})")
        elif isinstance(profiles, Mapping) and ap.controller is None and \
                profiles.get(ap.profile) == "controller":
            problems.append(f"{item.file}: {item.where}.profile: {ap.profile!r} is a controller "
                            "profile: list the device under controllers: and its APs with "
                            "controller: <its id>")
    for i, ctl in enumerate(config.controllers):
        source = items["controllers"][i]
        if profiles is not None and ctl.profile != "auto" and ctl.profile not in profiles:
            problems.append(f"{source.file}: {source.where}.profile: unknown profile "
                            f"{ctl.profile!r} (known: auto, {', '.join(sorted(profiles))})")
        elif isinstance(profiles, Mapping) and profiles.get(ctl.profile) == "ap":
            problems.append(f"{source.file}: {source.where}.profile: {ctl.profile!r} is an AP "
                            "profile, it reads no AP table: name a controller profile (known: "
                            f"{', '.join(sorted(n for n, r in profiles.items() if r != 'ap'))})")


def store_path_problems(path: Path) -> list[str]:
    """A store file must be a file (or not exist yet) in a folder netmon may write."""
    if path.is_dir():
        return [f"{path} is a folder, not a database file"]
    if path.exists():
        return [] if os.access(path, os.W_OK) else [f"{path} is not writable"]
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # netmon creates the missing folders: the first one must be
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        return [f"cannot create {path}: {folder} is not a writable folder"]
    return []


def load_config(path: str | Path, profiles: Collection[str] | None = None) -> NetmonConfig:
    """Load and validate; raise `ConfigError` listing every problem found, never a traceback,
    and never a secret: every secret value is registered with the redactor first."""
    try:
        config = _load_config(Path(path).resolve(), profiles)
    except ConfigError as exc:
        raise ConfigError([REDACTOR.redact(p) for p in exc.problems]) from None
    REDACTOR.add(secret_values(config))
    return config


def _secret_literals(value: Any) -> Iterator[str]:
    """Values written in clear under secret-named keys (a community, a token…)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "secrets_file":  # where the secrets are, not one: names stay readable
                continue
            if isinstance(item, str | int) and any(p in str(key) for p in SECRET_KEY_PARTS):
                if "${" not in str(item):  # a reference is no secret: its value is, later
                    yield str(item)
            else:
                yield from _secret_literals(item)
    elif isinstance(value, list):
        for item in value:
            yield from _secret_literals(item)


def secret_values(model: Any) -> Iterator[str]:
    """Every SecretStr in a loaded config, and the webhook URLs (their path is often the
    credential)."""
    if isinstance(model, SecretStr):
        yield model.get_secret_value()
    elif isinstance(model, StoreSettings):
        # The database URL's password is the secret: the server's address stays readable.
        if model.url is not None and (password := make_url(model.url.get_secret_value())
                                      .password):
            yield str(password)
    elif isinstance(model, BaseModel):
        if isinstance(model, WebhookSettings):
            yield str(model.url)
        for name in type(model).model_fields:
            yield from secret_values(getattr(model, name))
    elif isinstance(model, list | tuple):
        for item in model:
            yield from secret_values(item)


def secrets_file_problem(path: Path) -> str | None:
    """Why a secrets file cannot be used: not a file, or open to other users (None when fine,
    or absent: reading it then says so, with the file's name)."""
    try:
        status = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return f"{path} is not a file"
    mode = stat.S_IMODE(status.st_mode)
    if mode & (stat.S_IROTH | stat.S_IWOTH):
        return (f"{path} is {'readable' if mode & stat.S_IROTH else 'writable'} by every user "
                f"(mode {mode:04o}): chmod 600 it, or 640 with the group netmon runs as")
    return None


def _load_config(entry: Path, profiles: Collection[str] | None) -> NetmonConfig:
    doc = read_yaml(entry)
    if not isinstance(doc, dict):
        raise ConfigError([f"{entry}: must be a YAML mapping (got {type(doc).__name__})"])
    problems: list[str] = []
    secrets: dict[str, str] = {}
    if doc.get("secrets_file"):
        secrets_path = (entry.parent / str(doc["secrets_file"])).resolve()
        if problem := secrets_file_problem(secrets_path):
            raise ConfigError([f"{entry}: secrets_file: {problem}"])
        loaded = read_yaml(secrets_path)
        if not isinstance(loaded, dict):
            raise ConfigError([f"{secrets_path}: must be a mapping of NAME: value"])
        secrets = {str(k): str(v) for k, v in loaded.items()}
    resolved: set[str] = set(secrets.values())
    REDACTOR.add(_secret_literals(doc))
    try:
        doc = resolve_references(doc, secrets, resolved=resolved)
        REDACTOR.add(resolved)
    except UnresolvedReference as exc:
        raise ConfigError([f"{entry}: {exc}"]) from exc

    items = _collect(entry, doc, problems)
    items["zones"] += _zones_from(entry, doc.get("zones_from"), problems)
    top = {k: v for k, v in doc.items() if k not in LOADER_KEYS and k not in INVENTORY_KEYS}
    config: NetmonConfig | None = _validated(NetmonConfig, top, entry, "", problems)
    defaults = _validated(ApDefaults, doc.get("defaults") or {}, entry, "defaults", problems)
    groups: dict[str, ApDefaults] = {}
    raw_groups = doc.get("groups") or {}
    if not isinstance(raw_groups, dict):
        problems.append(f"{entry}: groups: must be a mapping of name: defaults")
        raw_groups = {}
    for name, raw in raw_groups.items():
        group = _validated(ApDefaults, raw or {}, entry, f"groups.{name}", problems)
        if group is not None:
            groups[str(name)] = group
    invalid_zones: set[str] = set()
    zones = _zones(items["zones"], problems, invalid_zones)
    controllers = [c for c in (_validated(Controller, i.raw, i.file, i.where, problems)
                               for i in items["controllers"]) if c is not None]
    aps = _aps(items["aps"], defaults, groups, {z.id: z for z in zones}, problems)
    if config is None:
        raise ConfigError(problems)
    store_path = config.store.path
    if not store_path.is_absolute():
        store_path = (entry.parent / store_path).resolve()
    config = config.model_copy(update={
        "zones": zones, "controllers": controllers, "aps": aps, "source": entry,
        "store": config.store.model_copy(update={"path": store_path}),
    })
    _cross_check(items, config, profiles, problems, invalid_zones)
    if config.store.url is None:
        problems.extend(f"{entry}: store.path: {p}" for p in store_path_problems(store_path))
    problems.extend(reference_problems(config, entry))
    if problems:
        raise ConfigError(problems)
    return config
