"""The import path: store, history, rejects file, re-import, corrections, building points."""

from __future__ import annotations

import csv
import shutil
import sqlite3
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest

from collectors.fibre.importer import FibreImporter, ImportOutcome
from collectors.fibre.records import Milestone
from netmon.config import NetmonConfig
from netmon.fibre.history import FibreHistory
from netmon.fibre.measurement import fibre_samples
from netmon.store.session import write_session
from tests.support.demo import DEMO
from tests.support.fibre_files import SAMPLES, config_in
from tests.support.store import samples_of

DEMO_MILESTONES = DEMO.parent / "fibre-milestones.csv"
HEADER = "date,zone,operator,premises_total,premises_connectable,premises_connected,planned_target"


@pytest.fixture
def config(tmp_path: Path) -> NetmonConfig:
    return config_in(tmp_path, {"communes": ["73008"]})


def ns(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 10**9


def store_dump(config: NetmonConfig) -> list[object]:
    """Every stored fibre point and fibre fact, without the import times."""
    with samples_of(config.store) as samples:
        points: list[object] = [
            (field, found.tags, found.points) for field in samples.field_names("fibre")
            for found in samples.series("fibre", field, start_ns=0, end_ns=2**62,
                                        resolution="raw")]
    with sqlite3.connect(config.store.path) as conn:
        facts = conn.execute("SELECT day, zone, operator, source, premises_total, "
                             "premises_connectable, premises_connected, target "
                             "FROM fibre_milestones ORDER BY 1, 2, 3, 4").fetchall()
    return points + facts


def import_once(config: NetmonConfig, path: Path, **options: Any) -> ImportOutcome:
    with write_session(config.store) as session:
        return FibreImporter(config, session.owner, session.publish).import_file(path, **options)


def test_fibre_samples_are_points_at_midnight_utc() -> None:
    [sample] = fibre_samples([Milestone(date(2025, 3, 31), "centre", "Orange", "milestones",
                                        3420, 3395, None, 3420)])
    assert sample.measurement == "fibre"
    assert sample.tags == {"zone": "centre", "operator": "Orange", "source": "milestones"}
    assert sample.fields == {"premises_total": 3420, "premises_connectable": 3395,
                             "target": 3420}
    assert sample.time_ns == ns(date(2025, 3, 31))


def test_import_writes_the_fibre_measurement_to_the_store(config: NetmonConfig) -> None:
    outcome = import_once(config, DEMO_MILESTONES)
    assert outcome.imported == 129 and outcome.rejected == 0
    with samples_of(config.store) as store:
        [centre] = store.series("fibre", "premises_connectable", tags={"zone": "centre"},
                                start_ns=0, end_ns=ns(date(2030, 1, 1)), resolution="raw")
        assert centre.tags == {"zone": "centre", "operator": "Orange", "source": "milestones"}
        assert len(centre.points) == 43
        assert centre.points[-1] == (ns(date(2026, 9, 30)), 3401.0)
        assert sorted(store.tag_values("fibre", "zone")) == ["73008", "centre", "grand-port"]


def test_reimporting_the_same_file_changes_nothing(config: NetmonConfig) -> None:
    import_once(config, DEMO_MILESTONES)
    before = store_dump(config)
    again = import_once(config, DEMO_MILESTONES)
    assert again.imported == 129
    assert store_dump(config) == before
    skipped = import_once(config, DEMO_MILESTONES, skip_unchanged=True)
    assert skipped.unchanged
    assert store_dump(config) == before
    with FibreHistory(config.store) as history:
        log = history.imports()
    assert len(log) == 2  # the unchanged file was not imported again
    assert log[0].sha256 == log[1].sha256 and log[0].imported == 129


def test_a_corrected_file_replaces_the_values_of_the_same_date_and_zone(
        config: NetmonConfig, tmp_path: Path) -> None:
    first = tmp_path / "q1.csv"
    first.write_text(f"{HEADER}\n2025-03-31,centre,Orange,3420,3300,1900,\n"
                     "2025-03-31,grand-port,Orange,436,398,150,\n", encoding="utf-8")
    import_once(config, first)
    corrected = tmp_path / "q1-corrected.csv"
    corrected.write_text(f"{HEADER}\n2025-03-31,Centre-ville,Orange,3420,3395,,\n",
                         encoding="utf-8")
    import_once(config, corrected)
    with samples_of(config.store) as store:
        latest = {s.tags["zone"]: s.fields for s in store.latest("fibre")}
    assert latest["centre"]["premises_connectable"] == 3395  # corrected
    assert latest["centre"]["premises_connected"] == 1900  # not given again: kept
    assert latest["grand-port"]["premises_connectable"] == 398  # untouched
    with FibreHistory(config.store) as history:
        centre = [m for m in history.milestones() if m.zone == "centre"]
    assert [(m.premises_connectable, m.premises_connected) for m in centre] == [(3395, 1900)]


def test_rejects_file_lists_each_bad_row_and_can_be_fixed_and_imported(
        config: NetmonConfig) -> None:
    outcome = import_once(config, SAMPLES / "milestones-excel-fr.csv")
    assert (outcome.imported, outcome.rejected) == (4, 6)
    rejects = outcome.rejects_file
    assert rejects is not None
    assert rejects.parent == config.store.path.parent / "fibre-rejects"
    assert outcome.summary() == ("4 figures imported: premises of 2 zones on 2 dates; "
                                 f"6 rows rejected (see {rejects})")
    with rejects.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0][:4] == ["reject_line", "reject_reason", "Date", "Quartier"]
    assert [r[0] for r in rows[1:]] == ["8", "9", "10", "11", "12", "13"]
    assert rows[3][1] == "premises_connectable '-5' is negative"
    # The committee fixes the rows in place and imports the rejects file itself.
    fixed = [rows[0]] + [r for r in rows[1:] if r[0] in ("10", "12")]
    fixed[1][6] = "3 405"
    fixed[2][5] = "436"
    with rejects.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(fixed)
    again = import_once(config, rejects)
    assert (again.imported, again.rejected) == (2, 0)


def test_building_points_are_saved_for_the_maps_newest_snapshot_kept(
        config: NetmonConfig, tmp_path: Path) -> None:
    outcome = import_once(config, SAMPLES / "base_imb-73-20241231.csv")
    saved = config.store.path.parent / "fibre-buildings.gpkg"
    assert any(str(saved) in note for note in outcome.notes)
    points = gpd.read_file(saved, layer="buildings")
    assert points.crs.to_epsg() == 4326
    assert set(points["date"]) == {"2024-12-31"}
    assert {"imb_id", "imb_etat", "status", "zone", "code_insee", "address"} <= set(points)
    older = tmp_path / "base_imb_20240630.csv"
    shutil.copy(SAMPLES / "base_imb-73-20241231.csv", older)
    outcome = import_once(config, older)
    assert any("newer snapshot" in n for n in outcome.notes)
    assert set(gpd.read_file(saved, layer="buildings")["date"]) == {"2024-12-31"}


def test_history_outlives_the_store_retention(config: NetmonConfig) -> None:
    """`fibre` is kept raw (store.keep_raw): milestones older than raw_days survive retention."""
    import_once(config, DEMO_MILESTONES)
    with write_session(config.store) as session:
        session.store.maintain(time.time_ns())  # packing and retention
    with samples_of(config.store) as store:
        old = store.series("fibre", "premises_connectable", start_ns=0,
                           end_ns=ns(date(2020, 1, 1)), resolution="raw")
    assert old and all(s.points for s in old)
    with FibreHistory(config.store) as history:
        assert len(history.milestones()) == 129


def test_samples_not_taken_are_reported_and_the_file_is_retried(config: NetmonConfig) -> None:
    def refuse(samples: object) -> None:
        raise OSError("the pipeline is stopping")

    with write_session(config.store) as session:
        importer = FibreImporter(config, session.owner, refuse)
        outcome = importer.import_file(DEMO_MILESTONES, skip_unchanged=True)
        assert outcome.sink_errors and "stopping" in outcome.sink_errors[0]
        retried = FibreImporter(config, session.owner, session.publish).import_file(
            DEMO_MILESTONES, skip_unchanged=True)
    assert not retried.unchanged  # not logged as imported: tried again
    with samples_of(config.store) as store:
        assert store.latest("fibre")


def test_wrong_or_missing_file_is_an_outcome_error_not_an_exception(
        config: NetmonConfig, tmp_path: Path) -> None:
    notes = tmp_path / "minutes.txt"
    notes.write_text("Compte rendu de la commission du 12 mai\n", encoding="utf-8")
    outcome = import_once(config, notes)
    assert outcome.error is not None and "not a fibre file netmon knows" in outcome.error
    missing = import_once(config, tmp_path / "absent.csv")
    assert missing.error is not None and "cannot read" in missing.error
    forced = import_once(config, SAMPLES / "milestones.csv", fmt="arcep-buildings")
    assert forced.error is not None and "not an ARCEP base_imb file" in forced.error
