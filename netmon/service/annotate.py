"""The `ap` Samples of a cycle with what netmon knows of service: `expected_clients` (the
baseline for this hour of the week) and `silent` (the AP's silent incident as last committed,
so at most one interval behind the decision this cycle makes)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from netmon.observation import ApObservation, Cycle
from netmon.sample import FieldValue
from netmon.service.baseline import ClientBaseline


def _annotated(observation: ApObservation, fields: dict[str, FieldValue]) -> ApObservation:
    samples = tuple(
        dataclasses.replace(s, fields={**s.fields, **fields}) if s.measurement == "ap" else s
        for s in observation.samples)
    return dataclasses.replace(observation, samples=samples)


def with_service_fields(cycle: Cycle, baseline: ClientBaseline | None,
                        silent: Callable[[str], bool]) -> Cycle:
    observations = []
    for observation in cycle.observations:
        if not observation.up or observation.degraded:
            observations.append(observation)
            continue
        fields: dict[str, FieldValue] = {"silent": int(silent(observation.ap_id))}
        expected = baseline.expected(observation.ap_id, cycle.started_ns) if baseline else None
        if expected is not None:
            fields["expected_clients"] = round(expected.median, 2)
        observations.append(_annotated(observation, fields))
    return dataclasses.replace(cycle, observations=observations)
