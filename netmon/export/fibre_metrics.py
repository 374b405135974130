"""Fibre rollout figures as Prometheus gauges: premises per state, the plan, the projection."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Final

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from netmon.fibre.snapshot import ProgressSnapshot

SERIES_LABELS: Final = ["zone", "operator", "source"]
PERCENT: Final = 100.0


def _timestamp_s(day: date) -> float:
    return datetime.combine(day, time(0), tzinfo=UTC).timestamp()


class FibreMetrics(Collector):
    """Read at scrape time from the store's fibre history (through a short-lived cache)."""

    def __init__(self, snapshot: ProgressSnapshot) -> None:
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        premises = GaugeMetricFamily(
            "netmon_fibre_premises", "Premises of the zone by state (total, connectable, "
            "connected), as of the newest figure.", labels=[*SERIES_LABELS, "state"])
        planned = GaugeMetricFamily(
            "netmon_fibre_planned_connectable_ratio",
            "Share of premises the plan (or the file's target) expects connectable by now.",
            labels=SERIES_LABELS)
        figure = GaugeMetricFamily("netmon_fibre_figure_timestamp_seconds",
                                   "Day of the newest figure (Unix time, midnight UTC).",
                                   labels=SERIES_LABELS)
        projected = GaugeMetricFamily(
            "netmon_fibre_projected_completion_timestamp_seconds",
            "When the recent trend reaches completion (netmon's fit; absent without one).",
            labels=SERIES_LABELS)
        for p in self.snapshot.current():
            labels = [p.zone, p.operator, p.source]
            for state, count in (("total", p.premises_total),
                                 ("connectable", p.premises_connectable),
                                 ("connected", p.premises_connected)):
                if count is not None:
                    premises.add_metric([*labels, state], count)
            if p.planned_pct is not None:
                planned.add_metric(labels, p.planned_pct / PERCENT)
            figure.add_metric(labels, _timestamp_s(p.day))
            if p.projection.completion is not None:
                projected.add_metric(labels, _timestamp_s(p.projection.completion))
        yield from (premises, planned, figure, projected)
