"""netmon's own health as Prometheus metrics: poll cycles, their duration, errors by kind."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from netmon.observation import ApObservation, Cycle

NS_PER_S = 1_000_000_000
# A cycle of 50 APs takes well under a second; one of thousands, or with dead APs, longer.
CYCLE_BUCKETS_S = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300)
# How an error message reads -> its kind; first match wins, order matters.
ERROR_KINDS = (
    ("timeout", re.compile(r"timeout|no complete answer", re.IGNORECASE)),
    ("authentication", re.compile(r"SNMPv3 (authentication failed|engine unknown)")),
    ("malformed_reply", re.compile(r"malformed reply")),
    ("network", re.compile(r"network error")),
    ("agent_error", re.compile(r"agent error|refused by the agent", re.IGNORECASE)),
    ("degraded", re.compile(r"^degraded: ")),  # answered without the profile's figures
    ("controller_reports_down", re.compile(r"controller \S+ reports state")),
    ("not_reported_by_controller", re.compile(r"not reported by controller")),
    ("internal", re.compile(r"internal error")),
    ("partial_answer", re.compile(r"table \S+:")),
)


def error_kind(reading: ApObservation) -> str | None:
    """A small fixed set of label values, so a flood of distinct messages cannot grow series."""
    if not reading.error:
        return None
    for kind, pattern in ERROR_KINDS:
        if pattern.search(reading.error):
            return kind
    return "other" if not reading.up else "partial_answer"


class _Skipped(Collector):
    """Cycles the scheduler skipped because the previous one still ran, per interval."""

    def __init__(self, skipped: Callable[[], Mapping[int, int]]) -> None:
        self.skipped = skipped

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "netmon_poll_skipped_cycles",
            "Poll cycles skipped because the previous one of the group still ran.",
            labels=["interval_seconds"])
        for interval_s, count in sorted(dict(self.skipped()).items()):
            family.add_metric([str(interval_s)], count)
        yield family


class PollMetrics:
    """A CycleConsumer that records each cycle in the given registry."""

    def __init__(self, registry: CollectorRegistry,
                 skipped: Callable[[], Mapping[int, int]] | None = None) -> None:
        self.duration = Histogram("netmon_poll_duration_seconds",
                                  "Duration of a whole poll cycle.", buckets=CYCLE_BUCKETS_S,
                                  registry=registry)
        self.cycles = Counter("netmon_poll_cycles", "Poll cycles completed.", registry=registry)
        self.requests = Counter("netmon_poll_snmp_requests", "SNMP requests sent.",
                                registry=registry)
        self.stray = Counter("netmon_poll_stray_replies",
                             "Reads of datagrams from an agent that answered no request of ours "
                             "(wrong request id, undecodable; several may be discarded in one "
                             "read). Datagrams from any other address never reach netmon.",
                             registry=registry)
        self.errors = Counter("netmon_poll_errors", "APs whose poll failed or was partial, "
                              "by kind of error.", ["kind"], registry=registry)
        self.missed = Counter("netmon_poll_missed_aps",
                              "APs a cycle did not look at: its time (the interval less a "
                              "margin) ran out before their turn; raise poll.concurrency.",
                              registry=registry)
        self.notes = Gauge("netmon_poll_controller_problems",
                           "Controller-level problems in the last cycle (an AP table missing, "
                           "cut at the row limit, or naming two APs alike): their APs are "
                           "unknown; the log says which.", registry=registry)
        self.last_cycle = Gauge("netmon_poll_last_cycle_timestamp_seconds",
                                "When the last poll cycle started (Unix time); alert if old.",
                                registry=registry)
        for kind, _ in ERROR_KINDS:
            self.errors.labels(kind)  # every kind present from the start, at 0
        self.errors.labels("other")
        if skipped is not None:
            registry.register(_Skipped(skipped))

    def consume(self, report: Cycle) -> None:
        self.duration.observe(report.duration_s)
        self.cycles.inc()
        self.requests.inc(report.requests)
        self.stray.inc(report.stray_replies)
        self.missed.inc(report.missed)
        self.notes.set(len(report.notes))
        self.last_cycle.set(report.started_ns / NS_PER_S)
        for reading in report.observations:
            kind = error_kind(reading)
            if kind is not None:
                self.errors.labels(kind).inc()
