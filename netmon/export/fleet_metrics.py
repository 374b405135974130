"""Per-AP and per-zone Prometheus gauges, from the newest reading of every AP.

A custom collector rather than labelled Gauge objects: every scrape shows exactly the APs
this poller owns, with the labels of their newest reading, and nothing stale. It is fed on
the event loop and read on a worker thread (netmon.export.cycle_exposition): its state is
replaced whole by each cycle, never changed in place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from netmon.observation import ApObservation, Cycle

NS_PER_S = 1_000_000_000
BITS_PER_BYTE = 8
# Labels on every per-AP series: what identifies the AP and what alerts group by.
AP_LABELS = ("ap", "ap_name", "zone", "site")
# Vendor and model can change once an AP is first detected: kept off the value series.
INFO_LABELS = (*AP_LABELS, "vendor", "model")


@dataclass(frozen=True, slots=True)
class _ApState:
    reading: ApObservation
    labels: dict[str, str]
    polled_ns: int
    reboots: int = 0


class FleetMetrics(Collector):
    """A CycleConsumer (fed each cycle) and a Prometheus collector (read at each scrape)."""

    def __init__(self) -> None:
        self._aps: dict[str, _ApState] = {}

    def keep_only(self, ap_ids: set[str]) -> None:
        """A reloaded inventory: APs no longer polled leave the next render."""
        self._aps = {k: v for k, v in self._aps.items() if k in ap_ids}

    def consume(self, report: Cycle) -> None:
        # Copy on write: a render on another thread keeps reading the dict it took.
        aps = dict(self._aps)
        for reading in report.observations:
            ap_sample = next((s for s in reading.samples if s.measurement == "ap"), None)
            tags = ap_sample.tags if ap_sample is not None else {}
            labels = {k: tags.get(k, "") for k in INFO_LABELS}
            labels["ap"], labels["zone"] = reading.ap_id, reading.zone
            previous = aps.get(reading.ap_id)
            reboots = (previous.reboots if previous else 0) + int(reading.rebooted)
            aps[reading.ap_id] = _ApState(reading, labels, report.started_ns, reboots)
        self._aps = aps

    def describe(self) -> Iterator[Metric]:
        return iter(())  # the metric set depends on the readings: nothing to check up front

    def collect(self) -> Iterator[Metric]:
        def gauge(name: str, doc: str, labels: tuple[str, ...] = AP_LABELS,
                  ) -> GaugeMetricFamily:
            return GaugeMetricFamily(name, doc, labels=list(labels))

        info = gauge("netmon_ap_info", "AP metadata (value 1): vendor and model as detected.",
                     INFO_LABELS)
        up = gauge("netmon_ap_up", "1 if the AP answered its last poll, else 0.")
        degraded = gauge("netmon_ap_degraded", "1 if the AP answered its last poll without "
                         "the uptime, clients or traffic its profile reads, else 0.")
        clients = gauge("netmon_ap_clients", "Wi-Fi clients associated (a count, no identity).")
        uptime = gauge("netmon_ap_uptime_seconds", "Time since the AP last booted.")
        rx = gauge("netmon_ap_receive_bytes_per_second",
                   "Traffic received on the AP's counted interfaces.")
        tx = gauge("netmon_ap_transmit_bytes_per_second",
                   "Traffic sent on the AP's counted interfaces.")
        poll = gauge("netmon_ap_poll_duration_seconds", "How long the AP's last poll took.")
        polled = gauge("netmon_ap_last_poll_timestamp_seconds",
                       "When the AP was last polled (Unix time).")
        reboots = CounterMetricFamily("netmon_ap_reboots",
                                      "Reboots seen (uptime went back) since netmon started.",
                                      labels=list(AP_LABELS))
        service = _ServiceGauges()
        zone_aps = gauge("netmon_zone_aps", "APs of the zone polled by this netmon.", ("zone",))
        zone_up = gauge("netmon_zone_aps_up", "APs of the zone that answered.", ("zone",))
        zone_clients = gauge("netmon_zone_clients", "Wi-Fi clients in the zone.", ("zone",))
        zones: dict[str, list[int]] = {}
        for state in sorted(self._aps.values(), key=lambda s: s.reading.ap_id):
            r = state.reading
            values = [state.labels[k] for k in AP_LABELS]
            info.add_metric([state.labels[k] for k in INFO_LABELS], 1)
            up.add_metric(values, int(r.up))
            degraded.add_metric(values, int(r.degraded))
            if r.clients is not None:
                clients.add_metric(values, r.clients)
            if r.uptime_s is not None:
                uptime.add_metric(values, r.uptime_s)
            if r.rx_bps is not None:
                rx.add_metric(values, r.rx_bps / BITS_PER_BYTE)
            if r.tx_bps is not None:
                tx.add_metric(values, r.tx_bps / BITS_PER_BYTE)
            poll.add_metric(values, r.poll_ms / 1000)
            polled.add_metric(values, state.polled_ns / NS_PER_S)
            reboots.add_metric(values, state.reboots)
            if r.up:
                service.add(r, values)
            totals = zones.setdefault(r.zone, [0, 0, 0])
            totals[0] += 1
            totals[1] += int(r.up)
            totals[2] += r.clients or 0
        for zone, (total, answered, count) in sorted(zones.items()):
            zone_aps.add_metric([zone], total)
            zone_up.add_metric([zone], answered)
            zone_clients.add_metric([zone], count)
        yield from (info, up, degraded, clients, uptime, rx, tx, poll, polled, reboots,
                    zone_aps, zone_up, zone_clients, *service.families())


RADIO_LABELS = (*AP_LABELS, "radio", "band", "ssid")


class _ServiceGauges:
    """Whether each answering AP serves the public: its silent state, what its history
    expects, its radios (docs/alerts.md, "Wi-Fi service health")."""

    def __init__(self) -> None:
        def gauge(name: str, doc: str, labels: tuple[str, ...] = AP_LABELS
                  ) -> GaugeMetricFamily:
            return GaugeMetricFamily(name, doc, labels=list(labels))

        self.silent = gauge("netmon_ap_silent", "1 while the AP has an open silent incident "
                            "(answers, but serves no one), else 0.")
        self.expected = gauge("netmon_ap_expected_clients", "Median clients of this hour of "
                              "the week in the AP's own history (when learnt).")
        self.radios_down = gauge("netmon_ap_radios_down", "Radios or SSIDs seen in service "
                                 "that are out of service now.")
        self.busy = gauge("netmon_ap_channel_utilization_ratio",
                          "Channel utilisation of the AP's busiest radio (0-1).")
        self.radio_clients = gauge("netmon_radio_clients", "Wi-Fi clients of one radio or "
                                   "SSID (a count).", RADIO_LABELS)
        self.radio_busy = gauge("netmon_radio_channel_utilization_ratio",
                                "Channel utilisation of one radio (0-1).", RADIO_LABELS)
        self.radio_up = gauge("netmon_radio_up", "1 if the radio or SSID is in service.",
                              RADIO_LABELS)

    def add(self, r: ApObservation, values: list[str]) -> None:
        for sample in r.samples:
            fields = sample.fields
            if sample.measurement == "ap":
                if "silent" in fields:
                    self.silent.add_metric(values, float(fields["silent"]))
                if "expected_clients" in fields:
                    self.expected.add_metric(values, float(fields["expected_clients"]))
                if "radios_down" in fields:
                    self.radios_down.add_metric(values, float(fields["radios_down"]))
            elif sample.measurement == "ap_radio":
                labels = [*values, sample.tags.get("radio", ""), sample.tags.get("band", ""),
                          sample.tags.get("ssid", "")]
                for family, name, scale in ((self.radio_clients, "clients", 1.0),
                                            (self.radio_busy, "utilization_pct", 0.01),
                                            (self.radio_up, "oper_up", 1.0)):
                    value = fields.get(name)
                    if isinstance(value, int | float):
                        family.add_metric(labels, float(value) * scale)
        if r.utilization_pct is not None:
            self.busy.add_metric(values, r.utilization_pct / 100)

    def families(self) -> tuple[GaugeMetricFamily, ...]:
        return (self.silent, self.expected, self.radios_down, self.busy, self.radio_clients,
                self.radio_busy, self.radio_up)
