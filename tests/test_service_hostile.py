"""Hostile radio rows: a profile outside the vocabulary is refused, garbage utilisation ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from collectors.snmp.profile import ProfileCatalog, default_catalog
from collectors.snmp.readings import ApState, service_facts
from netmon.config.errors import ConfigError
from netmon.sample import Sample

GENERIC = (Path(__file__).resolve().parents[1] / "collectors" / "snmp" / "profiles"
           / "generic.yaml")


def test_a_radio_field_outside_the_vocabulary_is_refused(tmp_path: Path) -> None:
    (tmp_path / "generic.yaml").write_text(GENERIC.read_text())
    (tmp_path / "odd.yaml").write_text(
        "extends: generic\nrole: ap\nvendor: x\nmodel: y\ndescription: z\n"
        "tables: {r: {columns: {n: {oid: 1.3.6.1.4.1.9999.1}}}}\n"
        "rows: [{table: r, measurement: ap_radio, tags: {radio: index}, "
        "fields: {client_macs: n}}]\n")
    with pytest.raises(ConfigError) as caught:
        ProfileCatalog.load([tmp_path])
    assert "odd.yaml" in str(caught.value) and "client_macs" in str(caught.value)


def test_garbage_utilisation_is_ignored_and_a_never_seen_radio_is_no_fault() -> None:
    profile = default_catalog().get("unifi")
    tags = {"ap": "a", "radio": "na"}
    state = ApState()
    samples = [Sample("ap_radio", tags, {"utilization_pct": 4000, "oper_up": 0}, 0),
               Sample("ap_radio", {**tags, "radio": "ng"}, {"utilization_pct": -5}, 0)]
    down, busiest, known = service_facts(profile, samples, state)
    assert (down, busiest, known) == ((), None, True)  # never up: an unused slot
    up = [Sample("ap_radio", tags, {"utilization_pct": 55, "oper_up": 1}, 0)]
    assert service_facts(profile, up, state)[:2] == ((), 55)
    assert service_facts(profile, samples, state)[0] == ("radio na",)
