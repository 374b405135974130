"""`netmon sim`: every AP of a config as a real SNMP agent (snmpsim) on 127.0.0.1."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from collectors.snmp.profile import ProfileCatalog
from collectors.snmp.settings import SnmpCredentials
from netmon.config.models import AccessPoint, NetmonConfig
from netmon.sim.behaviours import EVENT_AFTER_S
from netmon.sim.recordings import ap_recording, controller_recording
from netmon.sim.snmpsim_process import SnmpsimProcess

log = logging.getLogger(__name__)
LOOPBACK = ("127.0.0.1", "localhost")
DEFAULT_FLAP_PERIOD_S = 30.0
UNKNOWN_PROFILE_FALLBACK = "generic"


@dataclass(frozen=True, slots=True)
class SimAgent:
    """One simulated agent: where it listens and what it answers."""

    id: str
    port: int
    community: str
    recording: str
    behaviour: str = "normal"


@dataclass(slots=True)
class FleetPlan:
    agents: list[SimAgent] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _community(credentials: SnmpCredentials | None) -> str | None:
    if credentials is None or credentials.version == "3" or credentials.community is None:
        return None
    return credentials.community.get_secret_value()


def plan_fleet(config: NetmonConfig, catalog: ProfileCatalog,
               event_after_s: float = EVENT_AFTER_S) -> FleetPlan:
    """Which agents to simulate; APs not on loopback or on SNMPv3 are skipped, with a reason."""
    plan = FleetPlan()

    def profile_for(name: str) -> str:
        return name if name in catalog else UNKNOWN_PROFILE_FALLBACK

    for ap in config.aps:
        if ap.controller is not None:
            continue
        community = _community(ap.credentials)
        if ap.host not in LOOPBACK or community is None:
            plan.skipped.append(f"{ap.id}: not a v1/v2c agent on 127.0.0.1")
            continue
        if ap.sim == "down":
            continue  # nothing listens: the poller sees a timeout, as with a dead AP
        profile = catalog.get(profile_for(ap.profile))
        recording = ap_recording(profile, ap, event_after_s)
        plan.agents.append(SimAgent(ap.id, ap.port, community, recording, ap.sim))
    for ctl in config.controllers:
        community = _community(ctl.credentials)
        if ctl.host not in LOOPBACK or community is None:
            plan.skipped.append(f"{ctl.id}: not a v1/v2c agent on 127.0.0.1")
            continue
        served: list[AccessPoint] = [ap for ap in config.aps if ap.controller == ctl.id]
        profile = catalog.get(profile_for(ctl.profile))
        plan.agents.append(SimAgent(ctl.id, ctl.port, community,
                                    controller_recording(profile, ctl.name, ctl.id, served,
                                                         event_after_s)))
    return plan


class SimulatedFleet:
    """One snmpsim process for the steady agents, one toggled on and off for flapping ones."""

    def __init__(self, plan: FleetPlan, work_dir: Path,
                 flap_period_s: float = DEFAULT_FLAP_PERIOD_S) -> None:
        self.plan = plan
        self.work_dir = work_dir
        self.flap_period_s = flap_period_s
        self.steady: SnmpsimProcess | None = None
        self.flapping: SnmpsimProcess | None = None
        self._stop = threading.Event()
        self._toggler: threading.Thread | None = None

    def _write(self, agents: Iterable[SimAgent], name: str) -> SnmpsimProcess | None:
        chosen = list(agents)
        if not chosen:
            return None
        groups = []
        for agent in chosen:
            data_dir = self.work_dir / name / "data" / agent.id
            data_dir.mkdir(parents=True, exist_ok=True)
            (data_dir / f"{agent.community}.snmprec").write_text(agent.recording)
            groups.append((data_dir, agent.port))
        return SnmpsimProcess.engines(groups, self.work_dir / name)

    def start(self, wait: bool = True) -> None:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        steady = [a for a in self.plan.agents if a.behaviour != "flapping"]
        flapping = [a for a in self.plan.agents if a.behaviour == "flapping"]
        self.steady = self._write(steady, "steady")
        self.flapping = self._write(flapping, "flapping")
        try:
            for process in (self.steady, self.flapping):
                if process is not None:
                    process.start()
            if wait:
                for agents, process in ((steady, self.steady), (flapping, self.flapping)):
                    if process is not None:
                        for community in {a.community for a in agents}:
                            process.wait_ready(
                                [a.port for a in agents if a.community == community],
                                community=community)
        except BaseException:
            self.stop()  # no simulator outlives a start that failed
            raise
        if self.flapping is not None:
            self._toggler = threading.Thread(target=self._toggle, name="sim-flapper",
                                             daemon=True)
            self._toggler.start()

    def _toggle(self) -> None:
        """Flapping agents answer for one period, then fall silent for the next."""
        assert self.flapping is not None
        while not self._stop.wait(self.flap_period_s):
            if self.flapping.running:
                log.info("sim: flapping agents go silent")
                self.flapping.stop()
            else:
                log.info("sim: flapping agents answer again")
                self.flapping.start()

    def stop(self) -> None:
        self._stop.set()
        if self._toggler is not None:
            self._toggler.join(timeout=5)
        for process in (self.steady, self.flapping):
            if process is not None:
                process.stop()
