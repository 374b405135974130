"""Milestones as `fibre` Samples: what the store, InfluxDB and any other sink take."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time
from typing import Final

from netmon.fibre.milestone import Milestone
from netmon.sample import FieldValue, Sample

MEASUREMENT: Final = "fibre"
NS_PER_S: Final = 1_000_000_000


def day_ns(milestone: Milestone) -> int:
    """Midnight UTC of the milestone's day, in ns: the same fact always lands on the same point."""
    midnight = datetime.combine(milestone.day, time(0), tzinfo=UTC)
    return int(midnight.timestamp()) * NS_PER_S


def fibre_samples(milestones: Iterable[Milestone]) -> list[Sample]:
    """One `fibre` Sample per milestone, with only the fields the milestone has."""
    samples = []
    for m in milestones:
        fields: dict[str, FieldValue] = {}
        for name, value in (("premises_total", m.premises_total),
                            ("premises_connectable", m.premises_connectable),
                            ("premises_connected", m.premises_connected),
                            ("target", m.target)):
            if value is not None:
                fields[name] = value
        if fields:
            tags = {"zone": m.zone, "operator": m.operator, "source": m.source}
            samples.append(Sample(MEASUREMENT, tags, fields, day_ns(m)))
    return samples
