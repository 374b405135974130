"""Generate believable `.snmprec` recordings for an AP or controller from its profile."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

from collectors.snmp.profile import Column, Profile
from netmon.config.models import AccessPoint
from netmon.sim.behaviours import EVENT_AFTER_S, behaviour_value

NET_SNMP_LINUX = "1.3.6.1.4.1.8072.3.2.10"
SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_NAME = (
    "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.1.5.0")
DAY_S = 86400
# Clients follow -cos over the day: fewest at 00:00 UTC, most at 12:00 UTC (13:00 in Paris).
DAY_RATE = 2 * math.pi / DAY_S
NIGHT_SHARE = 0.2  # a town's free Wi-Fi is never quite empty: the harbour, the station
TAG_BY_TYPE = {"int": "2", "str": "4", "ticks": "67", "oid": "6", "mac": "4x", "hex": "4x",
               "decimal": "4"}


def _seed(*parts: object) -> int:
    """A stable pseudo-random number per AP and column, so recordings are reproducible."""
    digest = hashlib.sha256("/".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass(frozen=True, slots=True)
class Line:
    oid: tuple[int, ...]
    tag: str
    value: str

    def render(self) -> str:
        return f"{'.'.join(map(str, self.oid))}|{self.tag}|{self.value}"


def _oid(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def uptime_line(oid: str, seed: int) -> Line:
    initial_ticks = (seed % (90 * DAY_S)) * 100  # up for up to 90 days already
    return Line(_oid(oid), "67:numeric", f"rate=100,initial={initial_ticks}")


def clients_line(oid: tuple[int, ...], seed: int, tag: str = "66") -> Line:
    """Clients between NIGHT_SHARE of the peak (01:00 in Paris) and the peak (13:00)."""
    peak = 3 + seed % 23
    swing = peak * (1 - NIGHT_SHARE) / 2
    return Line(oid, f"{tag}:numeric",
                f"function=cos,atime=1,rate={DAY_RATE:.10f},scale=-{swing:g},"
                f"offset={peak - swing + 0.5:g},min=0")


def _counter_line(oid: tuple[int, ...], column: Column, seed: int) -> Line:
    bytes_per_s = 2_000 + seed % 400_000
    if column.type == "counter64":
        return Line(oid, "70:numeric", f"rate={bytes_per_s},initial={seed * 1000}")
    # 32-bit counters start near the top so that a demo sees them wrap.
    return Line(oid, "65:numeric",
                f"rate={bytes_per_s},initial={2**32 - 1 - seed % 10**8},max=4294967295,wrap=1")


def _static(value: object, column: Column) -> tuple[str, str]:
    tag = TAG_BY_TYPE.get(column.type, "2")
    if column.type in ("mac", "hex"):
        text = str(value).replace(":", "")
        return tag, text
    return tag, str(value)


class Recording:
    """Lines of one simulated agent; render() gives snmprec text sorted by OID."""

    def __init__(self, profile: Profile, name: str, seed_key: str,
                 event_after_s: float = EVENT_AFTER_S) -> None:
        self.profile = profile
        self.event_after_s = event_after_s
        self.seed_key = seed_key
        sim = profile.sim
        self.lines: dict[tuple[int, ...], Line] = {}
        descr = sim.sys_descr or f"{profile.vendor} {profile.model}"
        object_id = sim.sys_object_id or (profile.detect[0] if profile.detect else NET_SNMP_LINUX)
        self.add(Line(_oid(SYS_DESCR), "4", descr))
        self.add(Line(_oid(SYS_OBJECT_ID), "6", object_id))
        self.add(uptime_line(SYS_UPTIME, _seed(seed_key, "uptime")))
        self.add(Line(_oid(SYS_NAME), "4", name))

    def add(self, line: Line) -> None:
        self.lines[line.oid] = line

    def render(self) -> str:
        return "\n".join(self.lines[oid].render() for oid in sorted(self.lines)) + "\n"

    def scalars(self) -> None:
        for name, scalar in self.profile.scalars.items():
            oid = _oid(scalar.oid)
            seed = _seed(self.seed_key, name)
            if scalar.type == "ticks":
                self.add(uptime_line(scalar.oid, seed))
            elif name in self.profile.sim.clients:
                self.add(clients_line(oid, seed))
            elif name in self.profile.sim.values:
                tag, text = _static(self.profile.sim.values[name][0], Column(oid=scalar.oid,
                                                                            type=scalar.type))
                self.add(Line(oid, tag, text))

    def table_rows(self, table: str, index_prefix: tuple[int, ...], count: int,
                   overrides: dict[str, object] | None = None, seed_key: str = "",
                   first_row: int = 1, behaviour: str = "normal") -> None:
        """`count` rows of `table` under `index_prefix`; column values from the sim hints."""
        spec = self.profile.tables[table]
        sim = self.profile.sim
        for row in range(count):
            index = (*index_prefix, first_row + row) if count > 1 or not index_prefix or \
                table != getattr(self.profile.controller, "table", None) else index_prefix
            for name, column in spec.columns.items():
                oid = (*_oid(column.oid), *index)
                ref = f"{table}.{name}"
                seed = _seed(self.seed_key, seed_key, ref, row)
                odd = behaviour_value(self.profile, behaviour, table, name,
                                      TAG_BY_TYPE.get(column.type, "2"), ref in sim.clients,
                                      self.event_after_s) \
                    if behaviour != "normal" else None
                if odd is not None:
                    self.add(Line(oid, *odd))
                elif overrides and name in overrides:
                    value = overrides[name]
                    if isinstance(value, Line):
                        self.add(Line(oid, value.tag, value.value))
                    else:
                        tag, text = _static(value, column)
                        self.add(Line(oid, tag, text))
                elif ref in sim.clients:
                    self.add(clients_line(oid, seed))
                elif column.type in ("counter", "counter64"):
                    self.add(_counter_line(oid, column, seed))
                elif column.type == "ticks":
                    self.add(uptime_line(".".join(map(str, oid)), seed))
                elif ref in sim.values:
                    values: Sequence[object] = sim.values[ref]
                    tag, text = _static(values[row % len(values)], column)
                    self.add(Line(oid, tag, text))
                elif name == "oper_status":
                    self.add(Line(oid, "2", "1"))
                elif column.type in ("str",):
                    self.add(Line(oid, "4", f"{name}{row}"))
                elif column.type in ("mac", "hex"):
                    self.add(Line(oid, "4x", f"{seed:012x}"[-12:]))
                elif column.type == "int":
                    self.add(Line(oid, "2", str(1 + row)))


def ap_recording(profile: Profile, ap: AccessPoint, event_after_s: float = EVENT_AFTER_S
                 ) -> str:
    """An AP answering for itself (a silent or saturating one changes after event_after_s)."""
    rec = Recording(profile, ap.name, ap.id, event_after_s)
    rec.scalars()
    for table in profile.tables:
        rec.table_rows(table, (), profile.sim.rows.get(table, 1), behaviour=ap.sim)
    return rec.render()


def ap_key(number: int, length: int) -> tuple[int, ...]:
    """A MAC-like index (00:1b:2c:..) naming the n-th AP of a controller."""
    tail = number.to_bytes(3, "big")
    base = (0x00, 0x1B, 0x2C, *tail)
    return tuple(base[-length:]) if length <= 6 else (*([0] * (length - 6)), *base)


def controller_recording(profile: Profile, name: str, controller_id: str,
                         aps: Sequence[AccessPoint], event_after_s: float = EVENT_AFTER_S
                         ) -> str:
    """A controller reporting the APs that are up; an AP that is `down` is simply absent."""
    spec = profile.controller
    assert spec is not None
    rec = Recording(profile, name, controller_id, event_after_s)
    rec.scalars()
    key_len = profile.tables[spec.table].ap_index or 6
    for number, ap in enumerate(aps, start=1):
        if ap.sim == "down":
            continue
        key = ap_key(number, key_len)
        overrides: dict[str, object] = {spec.name: ap.controller_name or ap.name}
        if spec.up is not None:
            overrides[spec.up.column] = spec.up.values[0]
        rec.table_rows(spec.table, key, 1, overrides, seed_key=ap.id, behaviour=ap.sim)
        for table, table_spec in profile.tables.items():
            if table != spec.table and table_spec.ap_index:
                rec.table_rows(table, key, profile.sim.rows.get(table, 1), seed_key=ap.id,
                               first_row=0, behaviour=ap.sim)
    for table, table_spec in profile.tables.items():
        if not table_spec.ap_index:
            rec.table_rows(table, (), profile.sim.rows.get(table, 1))
    return rec.render()
