"""netmon's milestone CSV: good rows kept, each bad row rejected with its line and reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from collectors.fibre.detect import read_fibre_file
from collectors.fibre.records import FormatError
from collectors.fibre.scope import District, ImportScope
from tests.support.fibre_files import SAMPLES

SCOPE = ImportScope.of([District("centre", "Centre-ville"), District("grand-port", "Grand Port")],
                       ["73008"])


def test_clean_sample_imports_every_row() -> None:
    result = read_fibre_file(SAMPLES / "milestones.csv", SCOPE)
    assert result.format == "milestones"
    assert result.rejections == []
    assert len(result.milestones) == 6
    first = result.milestones[0]
    assert (first.day, first.zone, first.operator) == (date(2025, 3, 31), "centre", "Orange")
    assert (first.premises_total, first.premises_connectable, first.premises_connected,
            first.target) == (3420, 3395, 1950, 3420)
    assert {m.zone for m in result.milestones} == {"centre", "grand-port", "73008"}


def test_messy_excel_export_keeps_good_rows_and_says_why_for_the_others() -> None:
    """cp1252, `;`, a title above French labels, thousands spaces, decimal comma, extra column."""
    path = SAMPLES / "milestones-excel-fr.csv"
    result = read_fibre_file(path, SCOPE)
    assert "cp1252" in result.notes[0] and "';'" in result.notes[0]
    kept = {(m.day, m.zone): m for m in result.milestones}
    assert set(kept) == {(date(2025, 3, 31), "centre"), (date(2025, 3, 31), "grand-port"),
                         (date(2025, 6, 30), "centre"), (date(2025, 6, 30), "grand-port")}
    assert kept[(date(2025, 3, 31), "centre")].premises_total == 3420  # "3 420"
    assert kept[(date(2025, 6, 30), "grand-port")].premises_connectable == 404  # "404,0"
    reasons = {r.line: r.reason for r in result.rejections}
    assert reasons == {
        8: "unknown zone 'Tresserve' (known: centre, grand-port, 73008)",
        9: "date '31/13/2025' is not a date (expected YYYY-MM-DD, DD/MM/YYYY or T1 2024)",
        10: "premises_connectable '-5' is negative",
        11: "premises_connectable 450 > premises_total 436",
        12: "premises_total is empty",
        13: "premises_connectable '23 210,5' is not a whole number",
    }
    assert all(r.file == path for r in result.rejections)
    assert str(result.rejections[0]).startswith(f"{path}:8: unknown zone")
    assert result.rejections[0].cells[1] == "Tresserve"


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "milestones.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_renamed_reordered_and_extra_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffZone;Remarque;Date;Total premises;Connectable;Opérateur\n"
                           "Centre-ville;ok;2025-09-30;3420;3400;SFR FTTH\n")
    [milestone] = read_fibre_file(path, SCOPE).milestones
    assert (milestone.zone, milestone.operator, milestone.premises_connectable) == \
        ("centre", "SFR FTTH", 3400)


def test_optional_columns_may_be_absent_and_operator_defaults_to_all(tmp_path: Path) -> None:
    path = write(tmp_path, "date,zone,premises_total\n2025-09-30,73008,23850\n")
    [milestone] = read_fibre_file(path, SCOPE).milestones
    assert milestone.operator == "all"
    assert milestone.premises_connectable is None


@pytest.mark.parametrize(("row", "reason"), [
    ("2025-09-30,centre,Orange,3420,3400,3401,", "premises_connected 3401 > premises_connectable"),
    ("2025-09-30,centre,Orange,3420,,,3500", "planned_target 3500 > premises_total 3420"),
    ("2025-09-30,,Orange,3420,3400,,", "zone is empty"),
    (",centre,Orange,3420,3400,,", "date is empty"),
    ("2025-09-30,centre,Orange,trois mille,3400,,", "premises_total 'trois mille' is not"),
])
def test_each_kind_of_bad_row(tmp_path: Path, row: str, reason: str) -> None:
    path = write(tmp_path, "date,zone,operator,premises_total,premises_connectable,"
                           f"premises_connected,planned_target\n{row}\n")
    result = read_fibre_file(path, SCOPE)
    assert result.milestones == []
    [rejection] = result.rejections
    assert rejection.line == 2
    assert reason in rejection.reason


def test_a_duplicate_row_is_rejected_not_merged(tmp_path: Path) -> None:
    path = write(tmp_path, "date,zone,premises_total,premises_connectable\n"
                           "2025-09-30,centre,3420,3400\n\n2025-09-30,Centre-ville,3420,3410\n")
    result = read_fibre_file(path, SCOPE)
    assert [m.premises_connectable for m in result.milestones] == [3400]
    assert [(r.line, r.reason) for r in result.rejections] == \
        [(4, "duplicate of line 2 (same date, zone and operator)")]


def test_quoted_newline_keeps_line_numbers_right(tmp_path: Path) -> None:
    path = write(tmp_path, 'date,zone,premises_total,note\n2025-09-30,centre,3420,"two\nlines"\n'
                           "2025-09-30,nowhere,10,\n")
    result = read_fibre_file(path, SCOPE)
    assert len(result.milestones) == 1
    assert [r.line for r in result.rejections] == [4]


def test_not_a_milestone_file_is_one_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "nom,prenom\nDupont,Marie\n")
    with pytest.raises(FormatError, match="expected the columns date, zone, premises_total"):
        read_fibre_file(path, SCOPE, "milestones")
