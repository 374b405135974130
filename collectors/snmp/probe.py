"""`netmon probe`: what a device is, which profile netmon would pick and why, and what each
candidate profile's fields return; and an snmprec recording of exactly that."""

from __future__ import annotations

import string
from dataclasses import dataclass, field

from collectors.snmp.errors import SnmpFailure
from collectors.snmp.profile import Profile, ProfileCatalog, ValueType
from collectors.snmp.session import AgentSession

SYSTEM = "1.3.6.1.2.1.1"
SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME = f"{SYSTEM}.1.0", f"{SYSTEM}.2.0", f"{SYSTEM}.3.0"
MAX_REPETITIONS = 25
PRINTABLE = set(string.printable) - set("\x0b\x0c|")
# snmprec type tags by the profile's column type (counts and identifiers only)
TAGS: dict[ValueType, str] = {"ticks": "67", "counter": "65", "counter64": "70", "oid": "6",
                              "mac": "4x", "hex": "4x", "str": "4", "int": "2",
                              "decimal": "4"}
INT32 = 2**31


@dataclass(slots=True)
class Finding:
    """One field of one profile: where it is read and what the device gave."""

    name: str  # a scalar, or table.column
    oid: str
    kind: ValueType
    rows: int = 0  # 1 for a scalar that answered
    example: str | None = None
    error: str | None = None


@dataclass(slots=True)
class ProfileFindings:
    profile: Profile
    fields: list[Finding] = field(default_factory=list)

    @property
    def found(self) -> int:
        return sum(1 for f in self.fields if f.rows)

    def missing_promises(self) -> list[str]:
        """Of what the profile reads for an AP (uptime, clients, traffic), what is absent."""
        profile = self.profile
        by_name = {f.name: f for f in self.fields}
        spec = profile.controller
        wanted = {"uptime": profile.ap.uptime or (spec and spec.uptime and
                                                  f"{spec.table}.{spec.uptime}"),
                  "clients": profile.ap.clients,
                  "AP table": spec and f"{spec.table}.{spec.name}",
                  "traffic": profile.ap.traffic and f"{profile.ap.traffic}.in_octets"}
        return [what for what, ref in wanted.items()
                if ref and not (by_name.get(ref) and by_name[ref].rows)]


@dataclass(slots=True)
class Probe:
    sys_object_id: str
    sys_descr: str
    as_ap: Profile
    as_controller: Profile
    reason: str
    candidates: list[ProfileFindings]  # the picked ones first
    picked: int = 1  # how many of the candidates netmon would pick (for an AP, a controller)
    system: list[tuple[tuple[int, ...], object]] = field(default_factory=list)
    # Everything walked, by column OID, with the type its profile gives it (for --record).
    walked: dict[str, tuple[ValueType, list[tuple[tuple[int, ...], object]]]] = \
        field(default_factory=dict)


def _text(value: object) -> str:
    if isinstance(value, bytes):
        decoded = value.decode("utf-8", "replace")
        return decoded if set(decoded) <= PRINTABLE else "0x" + value.hex()
    return str(value)


def _why(catalog: ProfileCatalog, sys_object_id: str, picked: Profile) -> str:
    prefixes = [p for p in picked.detect
                if sys_object_id == p or sys_object_id.startswith(p + ".")]
    if prefixes:
        return f"sysObjectID {sys_object_id} starts with {max(prefixes, key=len)} " \
               f"(detect of profile {picked.name})"
    return f"no profile detects sysObjectID {sys_object_id}: {picked.name} is the fallback"


async def probe(session: AgentSession, catalog: ProfileCatalog, max_rows: int = 1000) -> Probe:
    """Walk the system group and every column of every profile once (shared OIDs once)."""
    system = await session.walk(SYSTEM, MAX_REPETITIONS, 64)
    values = {f"{SYSTEM}.{'.'.join(map(str, i))}": v for i, v in system.rows}
    sys_object_id = str(values.get(SYS_OBJECT_ID) or "")
    as_ap = catalog.detect(sys_object_id, "ap")
    as_controller = catalog.detect(sys_object_id, "controller")
    best = catalog.detect(sys_object_id)
    result = Probe(sys_object_id, _text(values.get(SYS_DESCR, b"")), as_ap, as_controller,
                   _why(catalog, sys_object_id, best), [], system=list(system.rows))
    result.picked = len({best.name, as_ap.name, as_controller.name})
    order = [best, as_ap, as_controller, *(catalog.get(n) for n in catalog.names())]
    seen: set[str] = set()
    for profile in order:
        if profile.name in seen:
            continue
        seen.add(profile.name)
        findings = ProfileFindings(profile)
        for name, scalar in profile.scalars.items():
            findings.fields.append(await _scalar(session, name, scalar.oid, scalar.type))
        for table, spec in profile.tables.items():
            for column, col in spec.columns.items():
                findings.fields.append(await _column(session, result, f"{table}.{column}",
                                                     col.oid, col.type, max_rows))
        result.candidates.append(findings)
    return result


async def _scalar(session: AgentSession, name: str, oid: str, kind: ValueType) -> Finding:
    finding = Finding(name, oid, kind)
    try:
        value = (await session.get([oid])).get(oid)
    except SnmpFailure as exc:
        finding.error = str(exc)
        return finding
    if value is not None:
        finding.rows, finding.example = 1, _text(value)
    return finding


async def _column(session: AgentSession, result: Probe, name: str, oid: str, kind: ValueType,
                  max_rows: int) -> Finding:
    finding = Finding(name, oid, kind)
    known = result.walked.get(oid)
    if known is None:
        try:
            walk = await session.walk(oid, MAX_REPETITIONS, max_rows)
        except SnmpFailure as exc:
            finding.error = str(exc)
            return finding
        known = result.walked[oid] = (kind, list(walk.rows))
    rows = known[1]
    finding.rows = len(rows)
    if rows:
        finding.example = _text(rows[0][1])
    return finding


def _rec_line(oid: str, kind: ValueType | None, value: object) -> str | None:
    if isinstance(value, bytes):
        text = value.decode("utf-8", "replace")
        if kind not in ("mac", "hex") and set(text) <= PRINTABLE and "\ufffd" not in text:
            return f"{oid}|4|{text}"
        return f"{oid}|4x|{value.hex()}"
    if isinstance(value, int):
        tag = TAGS.get(kind or "int", "2") if kind in ("ticks", "counter", "counter64") \
            else ("2" if -INT32 <= value < INT32 else "66")
        return f"{oid}|{tag}|{value}"
    if isinstance(value, str):
        return f"{oid}|{'64' if value.count('.') == 3 and kind != 'oid' else '6'}|{value}"
    return None


def snmprec(result: Probe) -> str:
    """The probe's answers as an snmprec file, sorted by OID: a test case in the making."""
    lines: dict[tuple[int, ...], str] = {}
    for index, value in result.system:
        oid = f"{SYSTEM}.{'.'.join(map(str, index))}"
        kind: ValueType | None = "ticks" if oid == SYS_UPTIME else \
            "oid" if oid == SYS_OBJECT_ID else None
        line = _rec_line(oid, kind, value)
        if line:
            lines[tuple(int(a) for a in oid.split("."))] = line
    for column, (kind, rows) in result.walked.items():
        for index, value in rows:
            oid = f"{column}.{'.'.join(map(str, index))}"
            line = _rec_line(oid, kind, value)
            if line:
                lines[tuple(int(a) for a in oid.split("."))] = line
    return "".join(lines[k] + "\n" for k in sorted(lines))
