"""A controller's AP table -> one reading per inventory AP, matched by identity; no I/O."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from collectors.snmp.profile import Profile
from collectors.snmp.readings import (
    Answer,
    ApState,
    Row,
    ap_tags,
    assemble,
    clients_of,
    down_reading,
    promises_missing,
    row_samples,
)
from netmon.config.models import AccessPoint
from netmon.observation import ApObservation
from netmon.sample import Sample

Key = tuple[int, ...]
MAC_OCTETS = 6


@dataclass(slots=True)
class ControllerReading:
    """What one poll of a controller says: readings of the APs it could judge, the
    controller-wide samples, and controller-level problems (one line each)."""

    readings: list[ApObservation] = field(default_factory=list)
    shared: list[Sample] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unknown: int = 0  # inventory APs not judged this poll (and why is in `problems`)


def _mac_of_key(key: Key) -> str | None:
    """The MAC an AP table index spells (6 octets, possibly after a length sub-id)."""
    octets = key[-MAC_OCTETS:]
    if len(octets) != MAC_OCTETS or any(not 0 <= o <= 255 for o in octets):
        return None
    return ":".join(f"{o:02x}" for o in octets)


class ApDirectory:
    """The controller's AP rows by key, MAC, serial and name (names may repeat)."""

    def __init__(self, profile: Profile, rows: dict[Key, Row]) -> None:
        spec = profile.controller
        assert spec is not None
        key_len = profile.tables[spec.table].ap_index or 0
        self.rows: dict[Key, Row] = {}
        self.by: dict[str, dict[str, list[Key]]] = {"mac": defaultdict(list),
                                                     "serial": defaultdict(list),
                                                     "name": defaultdict(list)}
        for index, row in rows.items():
            key = index[:key_len]
            if key in self.rows:
                continue
            self.rows[key] = row
            mac = _mac_of_key(key) if spec.mac == "index" else \
                row.get(spec.mac) if spec.mac else None
            if isinstance(mac, str) and mac:
                self.by["mac"][mac.lower()].append(key)
            serial = row.get(spec.serial) if spec.serial else None
            if serial is not None and str(serial):
                self.by["serial"][str(serial)].append(key)
            name = row.get(spec.name)
            if name is not None:
                self.by["name"][str(name)].append(key)
        self.has_mac = spec.mac is not None
        self.has_serial = spec.serial is not None

    def find(self, ap: AccessPoint) -> tuple[str, str, list[Key]]:
        """How the AP is looked up (mac, serial, then name), by what, and the rows found."""
        if ap.mac and self.has_mac:
            return "mac", ap.mac, self.by["mac"].get(ap.mac, [])
        if ap.serial and self.has_serial:
            return "serial", ap.serial, self.by["serial"].get(ap.serial, [])
        name = ap.controller_name or ap.name
        return "name", name, self.by["name"].get(name, [])

    def describe(self, key: Key) -> str:
        mac = _mac_of_key(key)
        return f"row {'.'.join(map(str, key))}" + (f" (MAC {mac})" if mac else "")


def _grouped(profile: Profile, answer: Answer) -> dict[str, dict[Key, list[tuple[Key, Row]]]]:
    """Each per-AP table's rows by AP key, grouped once (not scanned once per AP)."""
    out: dict[str, dict[Key, list[tuple[Key, Row]]]] = {}
    for table, spec in profile.tables.items():
        length = spec.ap_index
        if not length:
            continue
        groups: dict[Key, list[tuple[Key, Row]]] = defaultdict(list)
        for index, row in answer.tables.get(table, {}).items():
            groups[index[:length]].append((index[length:], row))
        out[table] = groups
    return out


def controller_readings(controller_id: str, aps: list[AccessPoint], profile: Profile,
                        answer: Answer, states: dict[str, ApState], time_ns: int, now_s: float,
                        poll_ms: float) -> ControllerReading:
    """One reading per AP the controller reports; APs it cannot vouch for stay unknown."""
    result = ControllerReading()
    spec = profile.controller
    if spec is None:
        result.problems.append(f"profile {profile.name} is an AP profile (role "
                               f"{profile.kind}): a controller needs a controller profile")
        result.unknown = len(aps)
        return result
    table_rows = answer.tables.get(spec.table, {})
    truncated = spec.table in answer.truncated
    # Rows with no name are another column's leftovers (e.g. uptimes of a separate MIB).
    if not any(spec.name in row for row in table_rows.values()):
        result.problems.append(f"its AP table ({spec.table}, "
                               f"{profile.tables[spec.table].columns[spec.name].oid}) is "
                               f"missing or empty: its {len(aps)} APs are unknown")
        result.unknown = len(aps)
        # What the controller says for itself (per-SSID counts) is still its own truth.
        result.shared.extend(_shared_rows(controller_id, profile, answer, time_ns))
        return result
    directory = ApDirectory(profile, table_rows)
    grouped = _grouped(profile, answer)
    unread = 0
    for ap in aps:
        how, what, keys = directory.find(ap)
        if len(keys) > 1:
            result.problems.append(
                f"{how} {what!r} of AP {ap.id} names {len(keys)} APs: "
                f"{', '.join(directory.describe(k) for k in keys[:3])}; give the AP its "
                "mac or serial in the inventory")
            result.unknown += 1
            continue
        if not keys:
            if truncated:
                unread += 1  # past the rows read: not known to be gone
                continue
            error = f"not reported by controller {controller_id} (no AP with {how} {what!r})"
            result.readings.append(down_reading(ap, profile, time_ns, error, poll_ms))
            continue
        key = keys[0]
        row = directory.rows[key]
        result.readings.append(_reading(ap, profile, answer, row, key, grouped, states,
                                        controller_id, time_ns, now_s, poll_ms))
    if unread:
        result.problems.append(f"its AP table was cut at the row limit (poll.max_table_rows): "
                               f"{unread} APs past it are unknown")
        result.unknown += unread
    result.shared.extend(_shared_rows(controller_id, profile, answer, time_ns))
    return result


def _shared_rows(controller_id: str, profile: Profile, answer: Answer,
                 time_ns: int) -> list[Sample]:
    """The controller-wide rows (tables without `ap_index`, e.g. clients per SSID)."""
    out: list[Sample] = []
    for rows_spec in profile.rows:
        if not profile.tables[rows_spec.table].ap_index:
            out.extend(row_samples(rows_spec, answer.tables.get(rows_spec.table, {}).items(),
                                   {"controller": controller_id}, time_ns))
    return out


def _reading(ap: AccessPoint, profile: Profile, answer: Answer, row: Row, key: Key,
             grouped: dict[str, dict[Key, list[tuple[Key, Row]]]],
             states: dict[str, ApState], controller_id: str, time_ns: int, now_s: float,
             poll_ms: float) -> ApObservation:
    spec = profile.controller
    assert spec is not None
    model = row.get(spec.model) if spec.model else None
    tags = ap_tags(ap, profile, str(model) if model else None)
    # A row with no state at all (a walk without that column) is reported, not down: the
    # figures it lacks make it degraded instead.
    state_value = row.get(spec.up.column) if spec.up is not None else None
    if spec.up is not None and state_value is not None and state_value not in spec.up.values:
        # Same model tag as when it is up, so its `ap` series does not split while down.
        return down_reading(ap, profile, time_ns, f"controller {controller_id} reports state "
                            f"{state_value}", poll_ms, tags["model"])
    state = states.get(ap.id) or states.setdefault(ap.id, ApState())
    uptime_s, rebooted = None, False
    ticks = row.get(spec.uptime) if spec.uptime else None
    if isinstance(ticks, int):
        uptime_s, rebooted = state.uptime.observe(ticks, now_s)

    def own_rows(table: str) -> Iterable[Row]:
        return (r for _, r in grouped.get(table, {}).get(key, ()))

    clients = clients_of(profile, answer, own_rows)
    missing = promises_missing(profile, uptime_s, clients, False,
                               spec.uptime and f"{spec.table}.{spec.uptime}")
    samples: list[Sample] = []
    for rows_spec in profile.rows:
        mine = grouped.get(rows_spec.table, {}).get(key)
        if mine:
            samples.extend(row_samples(rows_spec, mine, tags, time_ns))
    return assemble(ap, profile, state, tags, time_ns, samples, answer.problems, rebooted,
                    uptime_s, clients, None, None, poll_ms, missing)
