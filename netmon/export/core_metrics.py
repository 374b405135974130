"""The fleet state and netmon's core health as Prometheus metrics, the state once per cycle.

The fleet state shown here is the tracker's committed state, the same one the status page,
the API, the maps and the report show (netmon.fleet.view applies the same overlays).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final, Protocol

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from netmon.alerts.maintenance import MaintenanceCalendar
from netmon.config.models import NetmonConfig
from netmon.fleet.states import ApDurable, ShownState, ZoneDurable
from netmon.observation import Cycle

# A decision at 10,000 APs should take tens of ms; the buckets reach well beyond.
DECIDE_BUCKETS_S: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
SHOWN_STATES: Final[tuple[ShownState, ...]] = ("up", "down", "unknown", "maintenance",
                                               "disabled")


class _Tracker(Protocol):
    aps: dict[str, ApDurable]
    zones: dict[str, ZoneDurable]


class _Queue(Protocol):
    running: dict[str, bool]
    failing: dict[str, bool]


class _Desk(Protocol):
    @property
    def tracker(self) -> _Tracker: ...

    @property
    def queue(self) -> _Queue: ...

    @property
    def last_decide_s(self) -> float: ...


@dataclass(frozen=True, slots=True)
class _Snapshot:
    aps: list[tuple[str, str, ShownState, bool]] = field(default_factory=list)
    zones: list[tuple[str, bool]] = field(default_factory=list)


class _Health(Collector):
    """Consumer failures and rejected values, read at each scrape."""

    def __init__(self, consumer_failures: Counter[str],
                 rejected_values: Callable[[], int]) -> None:
        self.consumer_failures = consumer_failures
        self.rejected_values = rejected_values

    def collect(self) -> Iterator[Metric]:
        failures = CounterMetricFamily(
            "netmon_pipeline_consumer_failures", "Cycles a consumer failed to take "
            "(each is retried with the next cycle).", labels=["consumer"])
        # A copy: the loop may add a consumer's first failure while a worker thread reads.
        for name, count in sorted(dict(self.consumer_failures).items()):
            failures.add_metric([name], count)
        rejected = CounterMetricFamily(
            "netmon_store_rejected_values", "Values the store could not hold (integer out of "
            "range, NaN, oversized text), each dropped alone.")
        rejected.add_metric([], self.rejected_values())
        yield from (failures, rejected)


class ChannelMetrics(Collector):
    """Each alert channel's queue: running, and whether its last attempt failed."""

    def __init__(self, queue: _Queue) -> None:
        self.queue = queue

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("netmon_alert_channel_up", "1 while the channel's delivery "
                               "queue runs; 0 means its pages wait undelivered.",
                               labels=["channel"])
        failing = GaugeMetricFamily("netmon_alert_channel_failing", "1 while the channel's "
                                    "last delivery attempt failed (it is retried).",
                                    labels=["channel"])
        for channel, running in sorted(dict(self.queue.running).items()):
            up.add_metric([channel], int(running))
            failing.add_metric([channel], int(self.queue.failing.get(channel, False)))
        yield from (up, failing)


class CoreMetrics(Collector):
    """A cycle consumer (placed after the AlertDesk) and the collector of the fleet state.

    The per-AP and per-zone state goes to `fleet_registry` (rendered once per cycle); the
    tracker's duration, consumer failures and rejected values to `registry` (each scrape).
    """

    def __init__(self, config: NetmonConfig, registry: CollectorRegistry,
                 fleet_registry: CollectorRegistry, desk: _Desk,
                 consumer_failures: Counter[str],
                 rejected_values: Callable[[], int]) -> None:
        self.config = config
        self.desk = desk
        self.calendar = MaintenanceCalendar(config.maintenance, config.timezone)
        self.zone_of = {ap.id: ap.zone for ap in config.aps}
        self.disabled = [(ap.id, ap.zone) for ap in config.aps if not ap.enabled]
        self.decide = Histogram(
            "netmon_tracker_duration_seconds",
            "Time the fleet tracker took to decide one cycle (on the event loop).",
            buckets=DECIDE_BUCKETS_S, registry=registry)
        registry.register(_Health(consumer_failures, rejected_values))
        registry.register(ChannelMetrics(desk.queue))
        # Replaced whole, never mutated: a render on another thread reads a consistent copy.
        self._snapshot = _Snapshot()
        fleet_registry.register(self)

    def consume(self, cycle: Cycle) -> None:
        self.decide.observe(self.desk.last_decide_s)
        tracker = self.desk.tracker
        aps: list[tuple[str, str, ShownState, bool]] = []
        for ap_id, durable in tracker.aps.items():
            zone = self.zone_of[ap_id]
            state: ShownState = "up" if durable.state == "up" else \
                "down" if durable.state == "down" else "unknown"
            if state != "up" and self.calendar.active(ap_id, zone, cycle.started_ns):
                state = "maintenance"
            aps.append((ap_id, zone, state, durable.flapping))
        aps += [(ap_id, zone, "disabled", False) for ap_id, zone in self.disabled]
        self._snapshot = _Snapshot(aps, [(z, d.down) for z, d in tracker.zones.items()])

    def describe(self) -> Iterator[Metric]:
        return iter(())  # the series depend on the fleet: nothing to check up front

    def collect(self) -> Iterator[Metric]:
        snapshot = self._snapshot
        state = GaugeMetricFamily(
            "netmon_ap_state", "1 for the AP's fleet state (tracker, tolerance applied): up, "
            "down, unknown, maintenance or disabled.", labels=["ap", "zone", "state"])
        flapping = GaugeMetricFamily("netmon_ap_flapping", "1 while the AP is flapping.",
                                     labels=["ap", "zone"])
        counts: Mapping[tuple[str, ShownState], int] = Counter(
            (zone, shown) for _, zone, shown, _ in snapshot.aps)
        zone_states = GaugeMetricFamily("netmon_zone_aps_by_state",
                                        "APs of the zone in each fleet state.",
                                        labels=["zone", "state"])
        for ap_id, zone, shown, is_flapping in snapshot.aps:
            state.add_metric([ap_id, zone, shown], 1)
            flapping.add_metric([ap_id, zone], int(is_flapping))
        for zone in sorted({z for _, z, _, _ in snapshot.aps}):
            for shown in SHOWN_STATES:
                zone_states.add_metric([zone, shown], counts.get((zone, shown), 0))
        zone_down = GaugeMetricFamily("netmon_zone_down", "1 while the zone has an open outage.",
                                      labels=["zone"])
        for zone, down in snapshot.zones:
            zone_down.add_metric([zone], int(down))
        yield from (state, flapping, zone_states, zone_down)
