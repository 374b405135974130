"""Samples to InfluxDB line protocol, escaped as InfluxDB 2.x and VictoriaMetrics read it.

Numbers are rendered by orjson, a whole batch in one call. CPython's float repr is most of
a point's cost (about 0.6 us a float on this project's machines, orjson's about 0.03 us),
and orjson too writes the shortest text that reads back as the same float.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import orjson

from netmon.sample import FieldValue, Sample

PRECISION_DIVISOR = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}
# A backslash is escaped first so that `\,` in a name cannot be read as an escaped comma;
# a newline would end the line, so it becomes an (escaped) space.
_TAG = str.maketrans({"\\": "\\\\", ",": "\\,", "=": "\\=", " ": "\\ ",
                      "\n": "\\ ", "\r": "\\ ", "\t": "\\ "})
_MEASUREMENT = str.maketrans({"\\": "\\\\", ",": "\\,", " ": "\\ ",
                              "\n": "\\ ", "\r": "\\ ", "\t": "\\ "})
_STRING = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
# The value types a template takes, and their slot: orjson's text, plus `i` for an integer.
_SLOTS: dict[type, str] = {int: "%si", float: "%s", bool: "%s"}
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


# How one series with one field layout is written: the line up to its time, with `%s` where
# each value goes (None: value by value, for strings), and the field types it was made for.
# A plain tuple: unpacked once per point, faster than attribute access.
_Layout = tuple[bytes | None, tuple[type, ...]]


class LineEncoder:
    """Encodes Samples; remembers the escaped line template of each series.

    A batch is one `%` format: the templates of its points joined, filled with the values
    orjson rendered in one call. A batch the templates cannot take (a string field, NaN,
    inf, a series whose field types change within it) is written value by value.
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

    def _learn(self, key: tuple[object, ...], sample: Sample) -> _Layout:
        prefix = self.prefix(sample.measurement, sample.tags)
        kinds = tuple(type(v) for v in sample.fields.values())
        template = None
        if sample.measurement and kinds and all(sample.fields) and \
                all(kind in _SLOTS for kind in kinds):
            slots = ",".join(f"{escape_tag(k).replace('%', '%%')}={_SLOTS[kind]}"
                             for k, kind in zip(sample.fields, kinds, strict=True))
            template = (prefix.replace("%", "%%") + slots).encode()
        layout = (template, kinds)
        if len(self._layouts) > MAX_CACHED_SERIES:
            self._layouts.clear()
        self._layouts[key] = layout
        return layout

    def encode(self, samples: Iterable[Sample]) -> EncodedBatch:
        batch = list(samples)
        encoded = self._encode(batch)
        if encoded is None and self._relearn(batch):  # a field changed type since
            encoded = self._encode(batch)
        return encoded if encoded is not None else self._encode_slowly(batch)

    def _encode(self, batch: list[Sample]) -> EncodedBatch | None:
        """The batch through the templates; None where they cannot take it."""
        layouts = self._layouts
        form: list[bytes] = []  # each point's template, then its time
        append = form.append
        values: list[FieldValue] = []  # every point's field values, in the templates' order
        add_values = values.extend
        kinds: list[type] = []  # the type each template expects for each value
        add_kinds = kinds.extend
        last_time: int | None = None
        stamp = b""
        for sample in batch:
            tags, fields = sample.tags, sample.fields
            # Built here, not by series_key(): a call per point costs a tenth of the encoding.
            key = (sample.measurement, len(tags), *tags, *tags.values(), *fields)
            template, field_kinds = layouts.get(key) or self._learn(key, sample)
            append(template)  # type: ignore[arg-type]  # None: the join below raises
            add_values(fields.values())
            add_kinds(field_kinds)
            if sample.time_ns != last_time:
                last_time = sample.time_ns
                stamp = f" {last_time // self.divisor}\n".encode()
            append(stamp)
        if list(map(type, values)) != kinds:
            return None
        try:
            text = b"".join(form)
            rendered = orjson.dumps(values)
        except TypeError:  # a template is None (a string field); an integer beyond 64 bits
            return None
        if b"null" in rendered:  # NaN or inf, which line protocol cannot carry
            return None
        filled = text % tuple(rendered[1:-1].split(b",")) if values else text
        return EncodedBatch(filled[:-1], len(batch), self.precision)

    def _relearn(self, batch: list[Sample]) -> bool:
        """New templates for series whose field types changed; False if none did."""
        changed = False
        for sample in batch:
            key = series_key(sample)
            layout = self._layouts.get(key)
            if layout is None or tuple(map(type, sample.fields.values())) != layout[1]:
                self._learn(key, sample)
                changed = True
        return changed

    def _encode_slowly(self, batch: list[Sample]) -> EncodedBatch:
        """Value by value; points with nothing line protocol can carry are skipped, counted."""
        out: list[bytes] = []
        for sample in batch:
            text = self.fields(sample.fields) if sample.measurement else None
            if text is None:
                self.skipped_points += 1
                continue
            prefix = self.prefix(sample.measurement, sample.tags)
            out.append(f"{prefix}{text} {sample.time_ns // self.divisor}".encode())
        return EncodedBatch(b"\n".join(out), len(out), self.precision)


def series_key(sample: Sample) -> tuple[object, ...]:
    """A series with its field keys, as the encoder's cache knows it.

    The tag count keeps a tag key from passing for a field key.
    """
    tags = sample.tags
    return (sample.measurement, len(tags), *tags, *tags.values(), *sample.fields)
