"""Every vendor profile against its recorded case: one real snmpsim serves all recordings."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

from collectors.snmp.poller import ApPoller, PollTarget, build_targets
from collectors.snmp.profile import ProfileCatalog
from collectors.snmp.session import AgentSession, Walk
from collectors.snmp.settings import PollSettings, SnmpCredentials
from netmon.config.loader import load_config
from netmon.config.models import AccessPoint
from netmon.sample import Sample
from netmon.sim.probe import snmp_answers
from netmon.sim.snmpsim_process import SnmpsimProcess, free_udp_ports
from tests.support.wait import wait_until

CASES_DIR = Path(__file__).with_name("cases")
SAMPLE_CONFIG = Path(__file__).resolve().parents[1] / "collectors" / "snmp" / "sample.yaml"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "case.yaml").exists())
HOST = "127.0.0.1"
READY_TIMEOUT_S = 30.0
# Recorded TimeTicks are static: the uptime must match to the tick.
UPTIME_TOLERANCE_S = 0.01
SETTINGS = PollSettings(timeout_s=5.0, retries=1)
LAT, LON = 45.6884, 5.9157  # Hôtel de Ville, Aix-les-Bains

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
IF_NAME, IF_DESCR = "1.3.6.1.2.1.31.1.1.1.1", "1.3.6.1.2.1.2.2.1.2"
IF_OPER = "1.3.6.1.2.1.2.2.1.8"
IF_HC_IN, IF_HC_OUT = "1.3.6.1.2.1.31.1.1.1.6", "1.3.6.1.2.1.31.1.1.1.10"
IF_IN32, IF_OUT32 = "1.3.6.1.2.1.2.2.1.10", "1.3.6.1.2.1.2.2.1.16"


def load_case(name: str) -> dict[str, Any]:
    doc = yaml.safe_load((CASES_DIR / name / "case.yaml").read_text(encoding="utf-8"))
    assert isinstance(doc, dict), name
    return doc


@pytest.fixture(scope="module")
def agent_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """One snmpsim for every case; the community of a case is its folder name."""
    root = tmp_path_factory.mktemp("profile-cases")
    data = root / "data"
    data.mkdir()
    for case in CASES:
        shutil.copyfile(CASES_DIR / case / "agent.snmprec", data / f"{case}.snmprec")
    port = free_udp_ports(1)[0]
    sim = SnmpsimProcess(data, [port], root / "work").start()

    def answering() -> bool:
        assert sim.process is not None and sim.process.poll() is None, "snmpsim exited"
        return snmp_answers(HOST, port, community=CASES[0])

    try:
        wait_until(answering, READY_TIMEOUT_S, "snmpsim to answer", poll_s=0.2)
        yield port
    finally:
        sim.stop()


def credentials(case: str) -> SnmpCredentials:
    return SnmpCredentials(version="2c", community=SecretStr(case))


def build_target(case: str, doc: dict[str, Any], port: int, profile: str) -> PollTarget:
    """The inventory of the case: one AP polled directly, or a controller and its APs."""
    controller = doc.get("controller")
    aps = []
    for raw in doc["aps"]:
        if controller:
            aps.append(AccessPoint(lat=LAT, lon=LON, controller=controller["id"], **raw))
        else:
            aps.append(AccessPoint(lat=LAT, lon=LON, host=HOST, port=port,
                                   credentials=credentials(case), profile=profile, **raw))
    if controller:
        return PollTarget(controller["id"], HOST, port, credentials(case), profile, aps,
                          controller=True)
    return PollTarget(aps[0].id, HOST, port, credentials(case), profile, aps)


Key = tuple[str, tuple[tuple[str, str], ...]]


def by_series(samples: Sequence[Sample]) -> dict[Key, Sample]:
    out: dict[Key, Sample] = {}
    for sample in samples:
        assert sample.series_key() not in out, f"two points for {sample.series_key()}"
        out[sample.series_key()] = sample
    return out


def assert_fields_match(key: Key, actual: dict[str, Any], expected: dict[str, Any]) -> None:
    assert set(actual) == set(expected), f"{key}: fields {sorted(actual)} != {sorted(expected)}"
    for name, want in expected.items():
        got = actual[name]
        if name == "uptime_s":
            assert math.isclose(got, want, abs_tol=UPTIME_TOLERANCE_S), f"{key}: {name} {got}"
        else:
            assert got == want and type(got) is type(want), f"{key}: {name} {got!r} != {want!r}"


@pytest.mark.parametrize("case", CASES)
async def test_case_gives_the_expected_samples(case: str, agent_port: int) -> None:
    doc = load_case(case)
    target = build_target(case, doc, agent_port, doc["profile"])
    poller = ApPoller(SETTINGS, ProfileCatalog.load(), [target])
    try:
        report = await poller.poll()
    finally:
        await poller.close()
    actual = by_series(report.samples)
    expected = {
        Sample(e["measurement"], {k: str(v) for k, v in e["tags"].items()}, {}, 0).series_key(): e
        for e in doc["expected"]
    }
    assert sorted(actual) == sorted(expected)
    for key, want in expected.items():
        got = actual[key]
        fields = dict(got.fields)
        if got.measurement == "ap":
            poll_ms = fields.pop("poll_ms")
            assert isinstance(poll_ms, float) and poll_ms >= 0
        assert_fields_match(key, fields, want["fields"])
        if "error" in want:
            assert got.error is not None and want["error"] in got.error, f"{key}: {got.error}"
        elif got.measurement == "ap":
            assert got.error is None, f"{key}: {got.error}"


async def test_auto_picks_each_vendor_profile_from_sys_object_id(agent_port: int) -> None:
    targets = {case: build_target(case, load_case(case), agent_port, "auto") for case in CASES}
    poller = ApPoller(SETTINGS, ProfileCatalog.load(), list(targets.values()))
    try:
        report = await poller.poll()
    finally:
        await poller.close()
    # Down or degraded readings the cases expect are no detection failure.
    assert not [e for e in report.errors
                if not any(part in e for part in ("not reported", "state", "degraded: "))]
    picked = {case: t.profile.name if t.profile else None for case, t in targets.items()}
    assert picked == {case: load_case(case)["detects_as"] for case in CASES}


def test_catalog_loads_and_every_profile_is_consistent() -> None:
    catalog = ProfileCatalog.load()
    tested = {load_case(case)["profile"] for case in CASES} | \
        {load_case(case)["detects_as"] for case in CASES}
    assert set(catalog.names()) <= tested, "every profile needs a recorded case"
    owners: dict[str, str] = {}
    for name in catalog.names():
        profile = catalog.get(name)
        assert profile.vendor and profile.model and profile.description, name
        oids = [c.oid for t in profile.tables.values() for c in t.columns.values()]
        oids += [s.oid for s in profile.scalars.values()]
        assert len(oids) == len(set(oids)), f"{name}: an OID is asked twice"
        for prefix in profile.detect:
            assert prefix not in owners, f"{name} and {owners[prefix]} both detect {prefix}"
            owners[prefix] = name
        spec = profile.controller
        if spec is None:
            assert name == "generic" or profile.extends == "generic", name
        else:
            columns = profile.tables[spec.table].columns
            for ref in (spec.name, spec.uptime, spec.model, spec.up and spec.up.column):
                assert ref is None or ref in columns, f"{name}: controller refers to {ref}"
        sim = profile.sim
        if profile.detect:
            assert sim.sys_object_id and catalog.detect(sim.sys_object_id).name == name, name
        assert set(sim.rows) <= set(profile.tables), f"{name}: sim.rows names no table"
        for ref in [*sim.values, *sim.clients]:
            table, _, column = ref.partition(".")
            assert (column in profile.tables[table].columns) if column else \
                ref in profile.scalars, f"{name}: sim refers to {ref}"


class RecordingSession(AgentSession):
    """The real session, remembering which OIDs each GET and walk asked for."""

    def __init__(self, target: PollTarget) -> None:
        super().__init__(target.host, target.port, target.credentials, SETTINGS.timeout_s,
                         SETTINGS.retries)
        self.gets: list[list[str]] = []
        self.walks: list[str] = []

    async def get(self, oids: list[str]) -> dict[str, Any]:
        self.gets.append(list(oids))
        return await super().get(oids)

    async def walk(self, column: str, max_repetitions: int, max_rows: int) -> Walk:
        self.walks.append(column)
        return await super().walk(column, max_repetitions, max_rows)


@dataclass
class GenericPoll:
    requests: list[int]
    session: RecordingSession


async def poll_generic(case: str, port: int, cycles: int) -> GenericPoll:
    target = build_target(case, load_case(case), port, "generic")
    target.session = session = RecordingSession(target)
    settings = SETTINGS.model_copy(update={"rewalk_every": 2})
    poller = ApPoller(settings, ProfileCatalog.load(), [target])
    requests = []
    try:
        for _ in range(cycles):
            report = await poller.poll()
            assert all(r.up for r in report.observations)
            requests.append(report.requests)
    finally:
        await poller.close()
    return GenericPoll(requests, session)


def _columns_of(oids: list[str]) -> set[str]:
    """The table columns a GET of row cells asked for (the OID without its one-part index)."""
    return {oid.rsplit(".", 1)[0] for oid in oids if oid != SYS_UPTIME}


async def test_generic_profile_without_hc_counters_reads_32_bit_row_by_row(
        agent_port: int) -> None:
    polled = await poll_generic("generic-openwrt-ap", agent_port, cycles=3)
    # Poll 1 walks ifName (absent) and ifOperStatus, then GETs sysUpTime, the HC counters and
    # ifDescr where ifName is missing; no row has HC counters, so their 32-bit fallbacks are
    # read at once. Poll 2: one GET. Poll 3 (rewalk_every=2) walks again and asks HC afresh.
    assert polled.requests == [4, 1, 4]
    assert polled.session.walks == [IF_NAME, IF_OPER] * 2
    first, fallback, known_rows = polled.session.gets[:3]
    assert _columns_of(first) == {IF_HC_IN, IF_HC_OUT, IF_DESCR}
    assert _columns_of(fallback) == {IF_IN32, IF_OUT32} and fallback[0] == SYS_UPTIME
    # No ifXTable on this agent: only what it has is asked, 4 rows of each column.
    assert known_rows[0] == SYS_UPTIME
    assert _columns_of(known_rows) == {IF_DESCR, IF_OPER, IF_IN32, IF_OUT32}
    assert len(known_rows) == 1 + 4 * 4


async def test_hc_agent_is_never_asked_32bit_counters(agent_port: int) -> None:
    polled = await poll_generic("ubiquiti-uap-ac-pro", agent_port, cycles=3)
    assert polled.requests == [3, 1, 3]
    assert polled.session.walks == [IF_NAME, IF_OPER] * 2
    assert _columns_of(polled.session.gets[1]) == {IF_NAME, IF_OPER, IF_HC_IN, IF_HC_OUT}
    assert not {IF_IN32, IF_OUT32, IF_DESCR} & {c for g in polled.session.gets
                                                 for c in _columns_of(g)}


def test_sample_config_loads_with_known_profiles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETMON_SNMP_COMMUNITY", "sample-community")
    monkeypatch.setenv("NETMON_SNMPV3_AUTH_KEY", "sample-auth-key")
    monkeypatch.setenv("NETMON_SNMPV3_PRIV_KEY", "sample-priv-key")
    config = load_config(SAMPLE_CONFIG, profiles=ProfileCatalog.load().names())
    levels = {ap.id: ap.credentials.security_level for ap in config.aps
              if ap.credentials and ap.controller is None}
    assert levels == {"uap-hdv": "community", "cap-esplanade": "authPriv"}
    targets = {t.id: (t.profile_name, t.controller, [ap.id for ap in t.aps])
               for t in build_targets(config)}
    assert targets == {"uap-hdv": ("unifi", False, ["uap-hdv"]),
                       "cap-esplanade": ("auto", False, ["cap-esplanade"]),
                       "wlc-port": ("cisco-wlc", True, ["port-capitainerie", "port-jetee"])}
