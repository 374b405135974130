"""Line protocol: escaping and types, checked by what a real VictoriaMetrics reads back."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from netmon.export.influx_writer import InfluxWriter
from netmon.export.line_protocol import LineEncoder, field_value
from netmon.export.settings import InfluxSettings
from netmon.sample import Sample
from tests.support.tsdb import VictoriaMetrics

AWKWARD_NAMES = [
    "Hôtel de Ville, entrée=nord",
    "Quai \\ Jean-Jacques Rousseau",
    'Esplanade "du Lac"',
    "trailing backslash\\",
    "tab\tand\nnewline",
    "Théâtre du Casino =",
]


def test_escapes_tags_measurement_and_field_keys() -> None:
    line = LineEncoder("ns").encode([Sample(
        "ap radio,x", {"ap name": "a,b=c d", "zone": "z\\"}, {"rx bps": 1.5}, 7)]).body
    assert line == b"ap\\ radio\\,x,ap\\ name=a\\,b\\=c\\ d,zone=z\\\\ rx\\ bps=1.5 7"


def test_field_types() -> None:
    assert field_value(3) == "3i"
    assert field_value(True) == "true" and field_value(False) == "false"
    assert field_value(2.5) == "2.5"
    assert field_value('say "hi" \\ bye') == '"say \\"hi\\" \\\\ bye"'
    assert field_value(math.nan) is None and field_value(math.inf) is None


def test_sorted_tags_no_empty_values_precision_and_extra_tags() -> None:
    encoder = LineEncoder("s", {"town": "Aix-les-Bains", "zone": "ignored"})
    batch = encoder.encode([Sample("ap", {"zone": "centre", "ap": "c-1", "model": ""},
                                   {"up": 1, "flag": False}, 1_700_000_000_123_456_789)])
    assert batch.body == b"ap,ap=c-1,town=Aix-les-Bains,zone=centre up=1i,flag=false 1700000000"
    assert batch.points == 1 and batch.precision == "s"


def test_points_without_a_writable_field_are_skipped_and_counted() -> None:
    encoder = LineEncoder("ms")
    batch = encoder.encode([
        Sample("ap", {"ap": "a"}, {"rx_bps": math.nan}, 1_000_000),
        Sample("ap", {"ap": "a"}, {"rx_bps": math.nan, "up": 1}, 2_000_000),
        Sample("ap", {"ap": "a"}, {"rx_bps": 1.0, "up": 1}, 3_000_000),
        Sample("ap", {"ap": "a"}, {"rx_bps": -math.inf, "up": 0}, 4_000_000),
    ])
    assert batch.body.split(b"\n") == [b"ap,ap=a up=1i 2", b"ap,ap=a rx_bps=1.0,up=1i 3",
                                       b"ap,ap=a up=0i 4"]
    assert encoder.skipped_points == 1


def test_cached_layout_follows_a_change_of_type() -> None:
    encoder = LineEncoder("ns")
    first = encoder.encode([Sample("m", {"t": "v"}, {"f": 1}, 1)])
    second = encoder.encode([Sample("m", {"t": "v"}, {"f": 1.0}, 2)])
    assert (first.body, second.body) == (b"m,t=v f=1i 1", b"m,t=v f=1.0 2")


@pytest.fixture(scope="module")
def victoria(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VictoriaMetrics]:
    server = VictoriaMetrics(tmp_path_factory.mktemp("vm"))
    server.start()
    yield server
    server.stop()


def test_victoria_metrics_reads_back_awkward_names_exactly(victoria: VictoriaMetrics,
                                                           tmp_path: Path) -> None:
    now_ns = time.time_ns() - 5 * 10**9  # older than -search.latencyOffset: visible at once
    samples = [Sample("lp_test", {"ap": f"ap-{i}", "ap_name": name, "zone": "Grand Port"},
                      {"clients": i, "rx_bps": i + 0.25, "up": True}, now_ns)
               for i, name in enumerate(AWKWARD_NAMES)]
    writer = InfluxWriter(InfluxSettings(url=victoria.url, precision="ns"))
    outcome = writer.write(LineEncoder("ns", {"town": "Aix-les-Bains"}).encode(samples))
    writer.close()
    assert outcome.ok, outcome
    read = {row["metric"]["ap"]: row for row in victoria.export('{__name__="lp_test_clients"}')}
    for i, name in enumerate(AWKWARD_NAMES):
        row = read[f"ap-{i}"]
        expected = name.replace("\t", " ").replace("\n", " ")
        assert row["metric"] == {"__name__": "lp_test_clients", "ap": f"ap-{i}",
                                 "ap_name": expected, "zone": "Grand Port",
                                 "town": "Aix-les-Bains"}
        assert row["values"] == [i]
        assert row["timestamps"] == [now_ns // 1_000_000]
    rx = {r["metric"]["ap"]: r["values"] for r in victoria.export('{__name__="lp_test_rx_bps"}')}
    assert rx == {f"ap-{i}": [i + 0.25] for i in range(len(AWKWARD_NAMES))}
    up = victoria.export('{__name__="lp_test_up"}')
    assert sorted(v for r in up for v in r["values"]) == [1] * len(AWKWARD_NAMES)
