"""The InfluxDB sink's state at scrape time: spool depth, writes, failures, last success."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from netmon.export.influx_sink import InfluxSink

NS_PER_S = 1_000_000_000
FAILURE_KINDS = ("unreachable", "timeout", "throttled", "server_error", "rejected")


class InfluxSinkMetrics(Collector):
    def __init__(self, sink: InfluxSink) -> None:
        self.sink = sink

    def collect(self) -> Iterator[Metric]:
        delivery, spool = self.sink.delivery, self.sink.spool
        yield GaugeMetricFamily("netmon_influxdb_spool_points",
                                "Points waiting in the on-disk spool for the server.",
                                value=spool.points)
        yield GaugeMetricFamily("netmon_influxdb_spool_bytes",
                                "Size of the spooled batches (compressed).", value=spool.bytes)
        yield GaugeMetricFamily("netmon_influxdb_spool_limit_bytes",
                                "influxdb.spool_max_mb: past it the oldest points are dropped.",
                                value=spool.max_bytes)
        yield GaugeMetricFamily("netmon_influxdb_buffered_points",
                                "Points in memory, not yet sent nor spooled.",
                                value=self.sink.buffered_points)
        yield CounterMetricFamily("netmon_influxdb_points_written",
                                  "Points the server acknowledged.",
                                  value=delivery.points_written)
        failures = CounterMetricFamily("netmon_influxdb_write_failures",
                                       "Failed write requests, by kind.", labels=["kind"])
        for kind in FAILURE_KINDS:
            failures.add_metric([kind], delivery.failures.get(kind, 0))
        yield failures
        yield CounterMetricFamily("netmon_influxdb_dead_letter_points",
                                  "Points the server refused for good, kept in the "
                                  "dead-letter file.", value=delivery.dead_letter_points)
        yield CounterMetricFamily("netmon_influxdb_dropped_points",
                                  "Points lost: dropped from a full spool or refused with the "
                                  "dead-letter file full.",
                                  value=spool.dropped_points + delivery.lost_points)
        last = GaugeMetricFamily("netmon_influxdb_last_success_timestamp_seconds",
                                 "When the server last acknowledged a write (Unix time).")
        if delivery.last_success_ns is not None:
            last.add_metric([], delivery.last_success_ns / NS_PER_S)
        yield last
