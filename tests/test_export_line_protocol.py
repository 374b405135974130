"""Line protocol: escaping and types, checked by what a real VictoriaMetrics reads back."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def test_a_series_that_mixes_types_within_one_batch() -> None:
    batch = LineEncoder("ns").encode([Sample("m", {"t": "v"}, {"f": 1}, 1),
                                      Sample("m", {"t": "v"}, {"f": 2.5}, 2),
                                      Sample("m", {"t": "v"}, {"f": True}, 3)])
    assert batch.body.split(b"\n") == [b"m,t=v f=1i 1", b"m,t=v f=2.5 2", b"m,t=v f=true 3"]


def test_strings_percent_signs_and_huge_integers_beside_numbers() -> None:
    encoder = LineEncoder("ns")
    samples = [Sample("m", {"t": "50%"}, {"load%": 0.5}, 1),
               Sample("m", {"t": "x"}, {"note": 'a "b", c'}, 2),
               Sample("m", {"t": "y"}, {"big": 2**70}, 3)]
    for _ in range(2):  # the second time through the cached templates
        assert encoder.encode(samples).body.split(b"\n") == [
            b"m,t=50% load%=0.5 1", b'm,t=x note="a \\"b\\", c" 2', b"m,t=y big=%di 3" % 2**70]


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=40))
def test_every_finite_float_reads_back_exactly(values: list[float]) -> None:
    encoder = LineEncoder("ns")
    samples = [Sample("m", {"ap": str(i % 3)}, {"x": v, "n": i}, i) for i, v in enumerate(values)]
    for _ in range(2):
        lines = encoder.encode(samples).body.split(b"\n")
        assert len(lines) == len(values)
        for line, value, sample in zip(lines, values, samples, strict=True):
            fields, stamp = line.split(b" ")[1:]
            x, n = fields.split(b",")
            assert x.startswith(b"x=") and float(x[2:]) == value
            assert n == f"n={sample.fields['n']}i".encode() and int(stamp) == sample.time_ns


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


def test_victoria_metrics_reads_back_extreme_floats(victoria: VictoriaMetrics) -> None:
    now_ns = time.time_ns() - 5 * 10**9
    # Exponents both ways, as orjson writes them; VictoriaMetrics stores a 64-bit decimal,
    # so values near the ends of the double range do not come back exactly from it.
    values = [1e16, 1.5e-7, 1e-05, 6.02e23, -0.0, 0.1, 123456789.123, -3.25]
    samples = [Sample("lp_float", {"i": str(i)}, {"v": v}, now_ns) for i, v in enumerate(values)]
    writer = InfluxWriter(InfluxSettings(url=victoria.url, precision="ns"))
    outcome = writer.write(LineEncoder("ns").encode(samples))
    writer.close()
    assert outcome.ok, outcome
    read = {int(r["metric"]["i"]): float(r["values"][0])
            for r in victoria.export('{__name__="lp_float_v"}')}
    assert read == dict(enumerate(values))
