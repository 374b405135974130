"""Vendor profiles: what to ask an AP and how its answers become Samples. Pure data."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from netmon.config.errors import ConfigError, describe
from netmon.config.merge import deep_merge

PROFILE_DIR = Path(__file__).with_name("profiles")
Oid = Annotated[str, Field(pattern=r"^\d+(\.\d+)+$")]
# decimal: an OCTET STRING spelling a whole number (net-snmp `extend` scripts print counts).
ValueType = Literal["int", "str", "ticks", "counter", "counter64", "mac", "oid", "hex",
                    "decimal"]
# ap: answers for itself; controller: reports many APs; both: an AP that also reports others.
Role = Literal["ap", "controller", "both"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scalar(_Strict):
    """One value asked with GET (the full OID, instance included)."""

    oid: Oid
    type: ValueType = "int"


class Column(_Strict):
    """One table column (its full OID without index), walked with GETBULK."""

    oid: Oid
    type: ValueType = "int"
    # Asked only when the named column is missing on this agent (e.g. 32-bit for HC counters).
    fallback_for: str | None = None


class Table(_Strict):
    """Columns that share one index, walked together in one GETBULK per round trip."""

    columns: dict[str, Column]
    # For controllers: how many leading index sub-ids name the AP the row belongs to.
    ap_index: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _fallbacks_exist(self) -> Table:
        for name, col in self.columns.items():
            if col.fallback_for is not None and col.fallback_for not in self.columns:
                raise ValueError(f"column {name}: fallback_for {col.fallback_for!r} is no column")
        return self


class UpWhen(_Strict):
    """A controller row means `up` when this column holds one of these values."""

    column: str
    # Integers for enumerations; text for agents whose status column is a DisplayString.
    values: list[int | str]


class ControllerSpec(_Strict):
    """This device reports many APs, one row of `table` each; each becomes its own AP."""

    table: str
    name: str
    up: UpWhen | None = None
    uptime: str | None = None
    model: str | None = None
    # The identity the controller keys APs by, matched against the inventory's `mac` and
    # `serial` before any name: a column, or `index` when the AP table is indexed by the MAC.
    mac: str | None = None
    serial: str | None = None


# The facts a radio or SSID row may give, one vocabulary across vendors (counts only).
SERVICE_FIELDS: Final = frozenset({"clients", "channel", "freq_mhz", "width_mhz",
                                   "tx_power_dbm", "noise_dbm", "utilization_pct"})
SERVICE_MEASUREMENTS: Final = frozenset({"ap_radio", "ap_ssid"})


class RowSamples(_Strict):
    """Turn each row of a table into one Sample (e.g. `ap_radio` per radio or per SSID)."""

    table: str
    measurement: str
    # tag name -> column name, or `index` (the row index) / `index[N]` (one index sub-id).
    tags: dict[str, str]
    fields: dict[str, str]
    # The radio or SSID is in service when this column holds one of these values: the
    # Sample gets `oper_up` 1 or 0.
    up: UpWhen | None = None

    @model_validator(mode="after")
    def _vocabulary(self) -> RowSamples:
        if self.measurement in SERVICE_MEASUREMENTS:
            unknown = sorted(set(self.fields) - SERVICE_FIELDS)
            if unknown:
                raise ValueError(f"{self.measurement} fields {unknown} are not among "
                                 f"{sorted(SERVICE_FIELDS)}")
        return self


class ApSpec(_Strict):
    """How the `ap` Sample is made: where uptime, clients and traffic come from."""

    uptime: str | None = None
    # A scalar name, or `table.column` summed over the rows (per AP for controllers).
    clients: str | None = None
    traffic: str | None = None
    # Regex on ifName of the interfaces whose traffic is the AP's own (its uplink).
    uplink: str | None = None
    # Regex on ifName of the AP's radio interfaces: one seen up that goes down is a radio
    # out of service (a bad config push, a hung radio).
    radios: str | None = None


class SimHints(_Strict):
    """How `netmon sim` makes a believable recording for this profile (not used to poll)."""

    sys_object_id: Oid | None = None
    sys_descr: str = ""
    # Rows per table (per AP, for tables with ap_index); 1 when not given.
    rows: dict[str, Annotated[int, Field(ge=0, le=64)]] = {}
    # `table.column` or scalar name -> values given to rows in turn.
    values: dict[str, list[str | int]] = {}
    # `table.column` or scalar names whose value follows the time-of-day client curve.
    clients: list[str] = []


class Profile(_Strict):
    """One vendor/model profile, after `extends` has been applied."""

    name: str
    vendor: str
    model: str
    description: str = ""
    extends: str | None = None
    role: Role | None = None  # None: a controller when `controller` is given, else an AP
    # sysObjectID prefixes that select this profile when the inventory says `profile: auto`.
    detect: list[Oid] = []
    scalars: dict[str, Scalar] = {}
    tables: dict[str, Table] = {}
    ap: ApSpec = ApSpec()
    controller: ControllerSpec | None = None
    rows: list[RowSamples] = []
    sim: SimHints = SimHints()

    @field_validator("detect", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @property
    def kind(self) -> Role:
        return self.role or ("controller" if self.controller is not None else "ap")

    @model_validator(mode="after")
    def _references(self) -> Profile:
        def check(ref: str | None, what: str, allow_table_column: bool) -> None:
            if ref is None:
                return
            if "." in ref and allow_table_column:
                table, column = ref.split(".", 1)
                if table not in self.tables or column not in self.tables[table].columns:
                    raise ValueError(f"{what}: {ref!r} names no table column")
            elif ref not in self.scalars and not (
                self.controller and ref in self.tables[self.controller.table].columns
            ):
                raise ValueError(f"{what}: {ref!r} names no scalar")

        if self.role == "ap" and self.controller is not None:
            raise ValueError("role ap: a profile with a controller block reports other APs")
        if self.role in ("controller", "both") and self.controller is None:
            raise ValueError(f"role {self.role}: needs a controller block")
        if self.controller is not None:
            if self.controller.table not in self.tables:
                raise ValueError(f"controller.table: no table {self.controller.table!r}")
            if self.tables[self.controller.table].ap_index is None:
                raise ValueError("controller.table needs ap_index")
            columns = self.tables[self.controller.table].columns
            for what, ref in (("mac", self.controller.mac), ("serial", self.controller.serial)):
                if ref is not None and ref not in columns and not (what == "mac"
                                                                   and ref == "index"):
                    raise ValueError(f"controller.{what}: {ref!r} is no column of "
                                     f"{self.controller.table}")
        check(self.ap.uptime, "ap.uptime", False)
        check(self.ap.clients, "ap.clients", True)
        if self.ap.traffic is not None and self.ap.traffic not in self.tables:
            raise ValueError(f"ap.traffic: no table {self.ap.traffic!r}")
        for i, rows in enumerate(self.rows):
            if rows.table not in self.tables:
                raise ValueError(f"rows[{i}].table: no table {rows.table!r}")
            columns = self.tables[rows.table].columns
            refs = [*rows.tags.values(), *rows.fields.values()]
            for ref in [*refs, *([rows.up.column] if rows.up else [])]:
                if ref not in columns and not ref.startswith("index"):
                    raise ValueError(f"rows[{i}]: {ref!r} is no column of {rows.table}")
        return self


class ProfileCatalog:
    """Every profile found in the profile folders, with `extends` resolved."""

    def __init__(self, profiles: dict[str, Profile]) -> None:
        self.profiles = profiles

    @classmethod
    def load(cls, folders: Iterable[Path] = (PROFILE_DIR,)) -> ProfileCatalog:
        raw: dict[str, tuple[Path, dict[str, Any]]] = {}
        problems: list[str] = []
        for folder in folders:
            for path in sorted(folder.glob("*.yaml")):
                try:
                    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
                except yaml.YAMLError as exc:
                    problems.append(f"{path}: not valid YAML: {exc}")
                    continue
                if not isinstance(doc, dict):
                    problems.append(f"{path}: a profile must be a mapping")
                    continue
                raw[path.stem] = (path, doc)
        profiles: dict[str, Profile] = {}

        def resolve(name: str, chain: tuple[str, ...] = ()) -> dict[str, Any]:
            path, doc = raw[name]
            parent = doc.get("extends")
            if parent is None:
                return doc
            if parent in chain or parent not in raw:
                raise ConfigError([f"{path}: extends: unknown or circular profile {parent!r}"])
            base = {k: v for k, v in resolve(parent, (*chain, name)).items()
                    if k not in ("detect", "description")}
            return deep_merge(base, doc)

        for name, (path, _) in raw.items():
            try:
                data = {"name": name, **resolve(name)}
                profiles[name] = Profile.model_validate(data)
            except ValidationError as exc:
                problems.extend(describe(path, "", exc))
            except ConfigError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ConfigError(problems)
        return cls(profiles)

    def __contains__(self, name: object) -> bool:
        return name in self.profiles

    def names(self) -> list[str]:
        return sorted(self.profiles)

    def get(self, name: str) -> Profile:
        return self.profiles[name]

    def detect(self, sys_object_id: str, role: Role | None = None) -> Profile:
        """Most specific profile whose `detect` prefix matches sysObjectID (among those that
        can serve `role`, when given); generic otherwise."""
        best: tuple[int, Profile] | None = None
        for profile in self.profiles.values():
            if role is not None and profile.kind not in (role, "both"):
                continue
            for prefix in profile.detect:
                if sys_object_id == prefix or sys_object_id.startswith(prefix + "."):
                    length = prefix.count(".")
                    if best is None or length > best[0]:
                        best = (length, profile)
        return best[1] if best else self.profiles["generic"]


@cache
def default_catalog() -> ProfileCatalog:
    """The profiles shipped with netmon (loaded once, on first use)."""
    return ProfileCatalog.load()
