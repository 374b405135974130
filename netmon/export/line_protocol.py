"""Samples to InfluxDB line protocol, escaped as InfluxDB 2.x and VictoriaMetrics read it."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from netmon.sample import FieldValue, Sample

PRECISION_DIVISOR = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}
# A backslash is escaped first so that `\,` in a name cannot be read as an escaped comma;
# a newline would end the line, so it becomes an (escaped) space.
_TAG = str.maketrans({"\\": "\\\\", ",": "\\,", "=": "\\=", " ": "\\ ",
                      "\n": "\\ ", "\r": "\\ ", "\t": "\\ "})
_MEASUREMENT = str.maketrans({"\\": "\\\\", ",": "\\,", " ": "\\ ",
                              "\n": "\\ ", "\r": "\\ ", "\t": "\\ "})
_STRING = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
# Caches grow with the number of series; past this they are rebuilt from scratch.
MAX_CACHED_SERIES = 200_000


@dataclass(frozen=True, slots=True)
class EncodedBatch:
    """Line protocol ready to send: one point per line, no trailing newline."""

    body: bytes
    points: int
    precision: str


def escape_tag(text: str) -> str:
    """A tag key, tag value or field key."""
    return text.translate(_TAG)


def escape_measurement(text: str) -> str:
    return text.translate(_MEASUREMENT)


def field_value(value: FieldValue) -> str | None:
    """One field value as line protocol writes it; None for what it cannot carry (NaN, inf)."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value}i"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    return '"' + str(value).translate(_STRING) + '"'


@functools.lru_cache(maxsize=4096)  # field keys are few: escaped once each
def _template_part(key: str, kind: str) -> str | None:
    """`key={:d}i` for ints, `key={!r}` for floats; None where the slow path must run.

    A value of another type than the series had when its template was made either raises
    (`:d` takes no float or str) or shows a quote, NaN or inf: the slow path takes it then.
    """
    escaped = escape_tag(key).replace("{", "{{").replace("}", "}}")
    if kind == "int":
        return f"{escaped}={{:d}}i"
    if kind == "float":
        return f"{escaped}={{!r}}"
    return None


class _Layout(NamedTuple):
    """How one series with one field layout is written: its prefix and a field template."""

    prefix: str
    template: str | None  # None: some value needs the slow path (bool, str)
    has_float: bool


class LineEncoder:
    """Encodes Samples; remembers the escaped prefix and field template of each series.

    The cache matters: a poller sends the same series every cycle, and escaping is most of
    the cost of a point.
    """

    def __init__(self, precision: str = "ms", extra_tags: Mapping[str, str] | None = None,
                 ) -> None:
        self.precision = precision
        self.divisor = PRECISION_DIVISOR[precision]
        self.extra_tags = {k: v for k, v in (extra_tags or {}).items() if k and v}
        self._layouts: dict[tuple[object, ...], _Layout] = {}
        # Tag keys and values repeat across series (zones, vendors): escape each once.
        self._escaped: dict[str, str] = {}
        # Points that had no field line protocol can carry (all NaN/inf): not sent, counted.
        self.skipped_points = 0

    def prefix(self, measurement: str, tags: Mapping[str, str]) -> str:
        """`measurement,tag=value,... ` with tags sorted by key, empty values left out."""
        merged = {**self.extra_tags, **tags} if self.extra_tags else tags
        escaped = self._escaped
        if len(escaped) > MAX_CACHED_SERIES:
            escaped.clear()
        parts = [escape_measurement(measurement)]
        for key in sorted(merged):
            value = merged[key]
            if key and value:
                for text in (key, value):
                    if text not in escaped:
                        escaped[text] = escape_tag(text)
                parts.append(f"{escaped[key]}={escaped[value]}")
        return ",".join(parts) + " "

    def fields(self, fields: Mapping[str, FieldValue]) -> str | None:
        """The field set of one point, any value type; None if no field can be written."""
        parts = []
        for key, value in fields.items():
            text = field_value(value)
            if text is not None and key:
                parts.append(f"{escape_tag(key)}={text}")
        return ",".join(parts) or None

    def _layout(self, key: tuple[object, ...], sample: Sample) -> _Layout:
        parts = [_template_part(k, type(v).__name__) for k, v in sample.fields.items()]
        template = None if None in parts or not parts else ",".join(p for p in parts if p)
        layout = _Layout(self.prefix(sample.measurement, sample.tags), template,
                         any(type(v) is float for v in sample.fields.values()))
        if len(self._layouts) > MAX_CACHED_SERIES:
            self._layouts.clear()
        self._layouts[key] = layout
        return layout

    def encode(self, samples: Iterable[Sample]) -> EncodedBatch:
        out: list[str] = []
        append = out.append
        layouts = self._layouts
        last_time: int | None = None
        stamp = ""
        points = 0
        for sample in samples:
            fields = sample.fields
            # Field types are not in the key (costly to build); the template checks them.
            key = (sample.measurement, *sample.tags.items(), *fields)
            layout = layouts.get(key) or self._layout(key, sample)
            text: str | None = None
            if layout.template is not None:
                try:
                    text = layout.template.format(*fields.values())
                except ValueError:
                    pass
                else:
                    if layout.has_float and ("nan" in text or "inf" in text or "'" in text):
                        text = None
            if text is None:  # rare: a type the template does not take; value by value
                text = self.fields(fields)
            if text is None or not sample.measurement:
                self.skipped_points += 1
                continue
            if sample.time_ns != last_time:
                last_time = sample.time_ns
                stamp = f" {last_time // self.divisor}\n"
            append(layout.prefix)
            append(text)
            append(stamp)
            points += 1
        body = "".join(out).encode()
        return EncodedBatch(body[:-1], points, self.precision)
