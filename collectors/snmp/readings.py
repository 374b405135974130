"""From what an agent answered to Samples, as its profile says; no I/O here."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from collectors.snmp.bands import band_of
from collectors.snmp.columns import TableTypes, table_types
from collectors.snmp.derive import TICKS_MODULUS, TICKS_PER_S, CounterRates, UptimeTracker
from collectors.snmp.profile import SERVICE_MEASUREMENTS, Profile, RowSamples
from collectors.snmp.values import Value, convert_noting
from netmon.config.models import AccessPoint
from netmon.observation import ApObservation
from netmon.sample import FieldValue, Sample

# Interfaces counted in the AP's own rx/tx unless the profile or the AP names its uplink.
DEFAULT_UPLINK = r"^(?!lo)"
IF_OPER_UP = 1
MAX_PROBLEMS_SHOWN = 5  # a hostile agent can make thousands: the error stays one line
# Per-AP memories keyed by what an agent names (interfaces, rows): an agent inventing new
# names on every poll must not grow them for ever.
MAX_REMEMBERED = 4096


class Counter(NamedTuple):
    value: int
    width: int
    ticks: int | None = None  # sysUpTime in the PDU that carried it: the counter's instant


Row = dict[str, Any]  # column name -> Value | Counter
Rows = dict[tuple[int, ...], Row]  # index -> row


@dataclass(slots=True)
class Answer:
    """Everything one poll of one agent returned, already typed by the profile."""

    scalars: dict[str, Value] = field(default_factory=dict)
    tables: dict[str, Rows] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    truncated: set[str] = field(default_factory=set)  # tables cut at the row limit


def put_cell(types: TableTypes, table: str, name: str, index: tuple[int, ...], raw: object,
             ticks: int | None, answer: Answer) -> None:
    """One value as read, typed by its column, into the answer's rows (counters with the
    sysUpTime of their PDU); a value its type cannot carry is noted and dropped."""
    kind, width, low, high = types.columns[name]
    if type(raw) is int and low <= raw <= high:
        value: Value | None = raw  # the usual number, checked in place: hot path
    else:
        value = convert_noting(raw, kind, f"table {table} {name}", answer.problems)
        if value is None:
            return
    rows = answer.tables.get(table)
    if rows is None:
        rows = answer.tables[table] = {}
    row = rows.get(index)
    if row is None:
        row = rows[index] = {}
    row[name] = Counter(value, width, ticks) if width else value  # type: ignore[arg-type]


def fill_fallbacks(profile: Profile, answer: Answer) -> None:
    """Every table present; a fallback column's value stands in, row by row, for a primary
    the row lacks (ifDescr for ifName, ifInOctets for ifHCInOctets)."""
    for table in profile.tables:
        rows = answer.tables.get(table)
        if rows is None:
            answer.tables[table] = {}
            continue
        for fallback, primary in table_types(profile, table).fallbacks:
            for row in rows.values():
                if primary not in row and fallback in row:
                    row[primary] = row[fallback]


def ap_tags(ap: AccessPoint, profile: Profile | None, model: str | None = None) -> dict[str, str]:
    return {
        "ap": ap.id,
        "ap_name": ap.name,
        "zone": ap.zone,
        "site": ap.site or ap.zone,
        "vendor": profile.vendor if profile else "unknown",
        "model": model or ap.model or (profile.model if profile else "unknown"),
    }


def down_reading(ap: AccessPoint, profile: Profile | None, time_ns: int, error: str,
                 poll_ms: float, model: str | None = None) -> ApObservation:
    fields: dict[str, FieldValue] = {"up": 0, "poll_ms": round(poll_ms, 3)}
    sample = Sample("ap", ap_tags(ap, profile, model), fields, time_ns, error=error)
    return ApObservation(ap.id, ap.zone, False, (sample,), error=error, poll_ms=poll_ms)


def _cell_text(index: tuple[int, ...], row: Row, ref: str) -> str | None:
    if ref == "index":
        return ".".join(map(str, index))
    match = re.fullmatch(r"index\[(\d+)\]", ref)
    if match:
        position = int(match.group(1))
        return str(index[position]) if position < len(index) else None
    value = row.get(ref)
    return None if value is None else str(value[0] if isinstance(value, Counter) else value)


def row_samples(spec: RowSamples, rows: Iterable[tuple[tuple[int, ...], Row]],
                base_tags: Mapping[str, str], time_ns: int) -> list[Sample]:
    out = []
    service = spec.measurement in SERVICE_MEASUREMENTS
    for index, row in rows:
        tags = dict(base_tags)
        for tag, ref in spec.tags.items():
            text = _cell_text(index, row, ref)
            if text:
                tags[tag] = text
        fields: dict[str, FieldValue] = {}
        for name, ref in spec.fields.items():
            value = row.get(ref)
            if isinstance(value, Counter):
                value = value.value
            if isinstance(value, int):
                fields[name] = value
        if spec.up is not None and row.get(spec.up.column) is not None:
            fields["oper_up"] = int(row[spec.up.column] in spec.up.values)
        if service:
            band = band_of(tags.get("band") or tags.get("radio_type") or tags.get("radio"),
                           fields.get("freq_mhz"), fields.get("channel"))
            if band is not None:
                tags["band"] = band
        if fields:
            out.append(Sample(spec.measurement, tags, fields, time_ns))
    return out


def _service_name(sample: Sample) -> str:
    """How an operator names a radio or SSID: "radio 2 (5 GHz)", "SSID Aix-Wifi-Gratuit"."""
    tags = sample.tags
    if "ifname" in tags:
        return f"radio interface {tags['ifname']}"
    parts = []
    if "ssid" in tags:
        parts.append(f"SSID {tags['ssid']}")
    if "radio" in tags and not ("ssid" in tags and sample.measurement == "ap_ssid"):
        parts.append(f"radio {tags['radio']}")
    if "band" in tags:
        parts.append(f"({tags['band']})")
    return " ".join(parts) or sample.measurement


def service_facts(profile: Profile, samples: Sequence[Sample], state: ApState
                  ) -> tuple[tuple[str, ...], float | None, bool]:
    """The radios and SSIDs out of service (seen in service before: an unused VAP slot that
    was never up is no fault), the busiest radio's channel utilisation, and whether this AP
    says anything of its radios at all."""
    radios = _pattern(profile.ap.radios) if profile.ap.radios else None
    down: list[str] = []
    busiest: float | None = None
    known = False
    for sample in samples:
        if sample.measurement in SERVICE_MEASUREMENTS:
            utilization = sample.fields.get("utilization_pct")
            if isinstance(utilization, int | float) and 0 <= utilization <= 100:
                busiest = utilization if busiest is None else max(busiest, utilization)
        elif not (sample.measurement == "ap_iface" and radios is not None
                  and radios.search(sample.tags.get("ifname", ""))):
            continue
        oper = sample.fields.get("oper_up")
        if oper is None:
            continue
        known = True
        name = _service_name(sample)
        if oper:
            if len(state.in_service) >= MAX_REMEMBERED:
                state.in_service.clear()
            state.in_service.add(name)
        elif name in state.in_service:
            down.append(name)
    return tuple(sorted(down)), busiest, known or bool(state.in_service)


def _sum_column(rows: Iterable[Row], column: str) -> int | None:
    values = [r[column] for r in rows if isinstance(r.get(column), int)]
    return sum(values) if values else None


@dataclass(slots=True)
class ApState:
    """What must be remembered between polls of one AP."""

    uptime: UptimeTracker = field(default_factory=UptimeTracker)
    counters: CounterRates = field(default_factory=CounterRates)
    # Rates are timed by the agent's own sysUpTime when it answers one: no network jitter.
    agent_clock: bool = False
    uplinks: dict[str, bool] = field(default_factory=dict)  # interface name -> counted in rx/tx
    # The AP's tags and each interface's, built once for this AP and profile: Samples are
    # frozen and nothing changes their tags, so one dict serves every poll.
    tags_of: tuple[AccessPoint, Profile] | None = None
    tags: dict[str, str] = field(default_factory=dict)
    iface_tags: dict[str, dict[str, str]] = field(default_factory=dict)
    index_names: dict[tuple[int, ...], str] = field(default_factory=dict)
    # Radios and SSIDs seen in service: one of them down now is a service fault.
    in_service: set[str] = field(default_factory=set)

    def tags_for(self, ap: AccessPoint, profile: Profile) -> dict[str, str]:
        if self.tags_of is None or self.tags_of[0] is not ap or self.tags_of[1] is not profile:
            self.tags_of, self.tags, self.iface_tags = (ap, profile), ap_tags(ap, profile), {}
        return self.tags

    def index_name(self, index: tuple[int, ...]) -> str:
        """An interface without a name is named by its index (e.g. "3")."""
        name = self.index_names.get(index)
        if name is None:
            if len(self.index_names) >= MAX_REMEMBERED:
                self.index_names.clear()
            name = self.index_names[index] = ".".join(map(str, index))
        return name

    def tags_of_iface(self, name: str) -> dict[str, str]:
        tags = self.iface_tags.get(name)
        if tags is None:
            if len(self.iface_tags) >= MAX_REMEMBERED:
                self.iface_tags.clear()
            tags = self.iface_tags[name] = {**self.tags, "ifname": name}
        return tags


def clients_of(profile: Profile, answer: Answer, rows_of: Any = None) -> int | None:
    ref = profile.ap.clients
    if ref is None:
        return None
    if "." in ref:
        table, column = ref.split(".", 1)
        rows = rows_of(table) if rows_of else answer.tables.get(table, {}).values()
        return _sum_column(rows, column)
    value = answer.scalars.get(ref)
    return value if isinstance(value, int) else None


@functools.lru_cache(maxsize=256)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


@dataclass(slots=True, frozen=True)
class Clock:
    """Seconds on the agent's clock (its uptime) when a PDU was answered; the poller's own
    monotonic clock when the agent gives no uptime."""

    now_s: float
    uptime_s: float | None = None
    ticks: int | None = None

    def at(self, counter: Counter) -> float:
        if self.uptime_s is None or self.ticks is None or counter.ticks is None:
            return self.now_s
        return self.uptime_s + (counter.ticks - self.ticks) % TICKS_MODULUS / TICKS_PER_S


def _rate(counters: CounterRates, index: tuple[int, ...], row: Row, column: str, field: str,
          fields: dict[str, FieldValue], clock: Clock, reset: bool) -> float | None:
    """The rate of one counter of a row, put in `fields` as well when there is one."""
    counter = row.get(column)
    if type(counter) is not Counter:
        return None
    rate = counters.rate_bps((index, column), counter.value, counter.width, clock.at(counter),
                             reset)
    if rate is not None:
        fields[field] = round(rate, 3)
    return rate


def _traffic(ap: AccessPoint, profile: Profile, answer: Answer, state: ApState, clock: Clock,
             reset: bool, time_ns: int) -> tuple[list[Sample], float | None, float | None]:
    """Per-interface samples, and the AP's rx/tx summed over its uplink interfaces."""
    if profile.ap.traffic is None or profile.ap.traffic not in answer.tables:
        return [], None, None
    uplink = _pattern(ap.uplink_if or profile.ap.uplink or DEFAULT_UPLINK)
    uplinks = state.uplinks
    counters = state.counters
    samples: list[Sample] = []
    rx_total: float | None = 0.0
    tx_total: float | None = 0.0
    counted = 0
    for index, row in sorted(answer.tables[profile.ap.traffic].items()):
        name = row.get("name")
        if type(name) is not str or not name:
            name = str(name) if name else state.index_name(index)
        fields: dict[str, FieldValue] = {}
        oper = row.get("oper_status")
        if type(oper) is int:
            fields["oper_up"] = 1 if oper == IF_OPER_UP else 0
        rx = _rate(counters, index, row, "in_octets", "rx_bps", fields, clock, reset)
        tx = _rate(counters, index, row, "out_octets", "tx_bps", fields, clock, reset)
        counts = uplinks.get(name)
        if counts is None:
            if len(uplinks) >= MAX_REMEMBERED:
                uplinks.clear()
            counts = uplinks[name] = uplink.search(name) is not None
        if counts:
            counted += 1
            rx_total = None if rx is None or rx_total is None else rx_total + rx
            tx_total = None if tx is None or tx_total is None else tx_total + tx
        if fields:
            samples.append(Sample("ap_iface", state.tags_of_iface(name), fields, time_ns))
    if counted == 0:
        return samples, None, None
    return samples, rx_total, tx_total


def ap_reading(ap: AccessPoint, profile: Profile, answer: Answer, state: ApState,
               time_ns: int, now_s: float, poll_ms: float) -> ApObservation:
    """The reading of an AP polled directly."""
    tags = state.tags_for(ap, profile)
    uptime_s, rebooted = None, False
    ticks = answer.scalars.get(profile.ap.uptime or "")
    if isinstance(ticks, int):
        uptime_s, rebooted = state.uptime.observe(ticks, now_s)
    clients = clients_of(profile, answer)
    agent_clock = uptime_s is not None
    clock = Clock(now_s, uptime_s, ticks if isinstance(ticks, int) else None)
    reset = rebooted or agent_clock != state.agent_clock  # never mix two clocks in one rate
    state.agent_clock = agent_clock
    samples, rx, tx = _traffic(ap, profile, answer, state, clock, reset, time_ns)
    for spec in profile.rows:
        samples.extend(row_samples(spec, answer.tables.get(spec.table, {}).items(), tags,
                                   time_ns))
    traffic = profile.ap.traffic
    missing = promises_missing(profile, uptime_s, clients,
                               traffic is not None and not answer.tables.get(traffic))
    return assemble(ap, profile, state, tags, time_ns, samples, answer.problems, rebooted,
                    uptime_s, clients, rx, tx, poll_ms, missing)


def _source(profile: Profile, ref: str) -> str:
    """A profile reference with the OID it reads, for an error a person can check."""
    table, _, column = ref.partition(".")
    if column and table in profile.tables and column in profile.tables[table].columns:
        return f"{ref} ({profile.tables[table].columns[column].oid})"
    if ref in profile.scalars:
        return f"{ref} ({profile.scalars[ref].oid})"
    return ref


def promises_missing(profile: Profile, uptime_s: float | None, clients: int | None,
                     no_traffic: bool, uptime_ref: str | None = None) -> list[str]:
    """What the profile promises for an AP (uptime, clients, traffic) that the agent did not
    give: an AP that answers but says none of it is not shown as plainly up."""
    missing = []
    uptime_ref = uptime_ref or profile.ap.uptime
    if uptime_ref and uptime_s is None:
        missing.append(f"uptime from {_source(profile, uptime_ref)}")
    if profile.ap.clients and clients is None:
        missing.append(f"clients from {_source(profile, profile.ap.clients)}")
    if no_traffic:
        missing.append(f"traffic from table {profile.ap.traffic}")
    return missing


def degraded_reason(profile: Profile, missing: list[str]) -> str:
    return (f"degraded: profile {profile.name} got no {', no '.join(missing)} (absent or "
            f"noSuchObject); is this a {profile.vendor} {profile.model}?")


def assemble(ap: AccessPoint, profile: Profile, state: ApState, tags: dict[str, str],
             time_ns: int, samples: list[Sample], problems: list[str], rebooted: bool,
             uptime_s: float | None, clients: int | None, rx: float | None, tx: float | None,
             poll_ms: float, missing: list[str] | None = None) -> ApObservation:
    fields: dict[str, FieldValue] = {"up": 1, "poll_ms": round(poll_ms, 3)}
    radios_down, utilization, radios_known = service_facts(profile, samples, state)
    if radios_known:
        fields["radios_down"] = len(radios_down)
    if uptime_s is not None:
        fields["uptime_s"] = uptime_s
    if clients is not None:
        fields["clients"] = clients
    if rx is not None:
        fields["rx_bps"] = round(rx, 3)
    if tx is not None:
        fields["tx_bps"] = round(tx, 3)
    shown = problems[:MAX_PROBLEMS_SHOWN]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        shown.append(f"and {len(problems) - MAX_PROBLEMS_SHOWN} more")
    if missing:
        fields["degraded"] = 1
        shown.insert(0, degraded_reason(profile, missing))
    error = "; ".join(shown) or None
    ap_sample = Sample("ap", tags, fields, time_ns, error=error)
    return ApObservation(ap.id, ap.zone, True, (ap_sample, *samples), error=error,
                         rebooted=rebooted, uptime_s=uptime_s, clients=clients, rx_bps=rx,
                         tx_bps=tx, poll_ms=poll_ms, degraded=bool(missing),
                         radios_down=radios_down, utilization_pct=utilization)
