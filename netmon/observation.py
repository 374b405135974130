"""What flows from any collector into the core: observations of APs, gathered in cycles.

Collectors (SNMP today; a controller API or a ping probe tomorrow) produce these; the
pipeline, the fleet state, the metrics, the store and the web consume them and import
nothing from `collectors/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netmon.sample import Sample


@dataclass(frozen=True, slots=True)
class ApObservation:
    """What one look at one AP learned: reachable or not, its figures, and its Samples."""

    ap_id: str
    zone: str
    up: bool  # the AP (or its controller, for it) answered
    samples: tuple[Sample, ...]
    error: str | None = None
    rebooted: bool = False
    uptime_s: float | None = None
    clients: int | None = None
    rx_bps: float | None = None
    tx_bps: float | None = None
    poll_ms: float = 0.0
    # Answered, but without the figures its profile promises (uptime, clients, traffic): not
    # an outage, not plainly up either; `error` says what was missing.
    degraded: bool = False
    # Radios or SSIDs seen in service before and out of service now ("SSID X (5 GHz)").
    radios_down: tuple[str, ...] = ()
    # The busiest radio's channel utilisation (0-100), where the vendor tells it.
    utilization_pct: float | None = None

    def as_dict(self) -> dict[str, object]:
        return {"ap": self.ap_id, "zone": self.zone, "up": int(self.up),
                "uptime_s": self.uptime_s, "clients": self.clients, "rx_bps": self.rx_bps,
                "tx_bps": self.tx_bps, "poll_ms": round(self.poll_ms, 2), "error": self.error,
                "rebooted": self.rebooted,
                "degraded": int(self.degraded), "radios_down": list(self.radios_down),
                "utilization_pct": self.utilization_pct}


@dataclass(frozen=True, slots=True)
class Cycle:
    """One round of observations taken at `started_ns`, plus Samples about no single AP."""

    started_ns: int
    duration_s: float
    observations: list[ApObservation]
    shared_samples: list[Sample] = field(default_factory=list)
    requests: int = 0
    stray_replies: int = 0  # replies read that answered nothing asked (a hostile network)
    missed: int = 0  # APs not looked at: the cycle's time ran out before their turn
    source: str = "snmp"  # which collector made it: for logs and metrics only
    # How long these observations stand for (the poll interval): netmon was watching the
    # fleet during [started_ns, started_ns + covers_s). 0 for a one-off look (a confirmation).
    covers_s: float = 0.0
    # Problems above any one AP (a controller whose AP table is missing or cut): one line each.
    notes: list[str] = field(default_factory=list)

    @property
    def samples(self) -> list[Sample]:
        out = [s for r in self.observations for s in r.samples]
        out.extend(self.shared_samples)
        return out

    @property
    def errors(self) -> list[str]:
        return [f"{r.ap_id}: {r.error}" for r in self.observations if r.error]
