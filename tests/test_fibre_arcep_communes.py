"""ARCEP's commune workbook (.xlsx) and the same sheet saved as CSV."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from collectors.fibre.detect import read_fibre_file
from collectors.fibre.records import FormatError
from collectors.fibre.scope import ImportScope
from tests.support.fibre_files import (
    SAMPLES,
    arcep_rows,
    quarters_between,
    write_arcep_workbook,
)

QUARTERS = quarters_between((2017, 4), (2025, 2))
SCOPE = ImportScope.of([], ["73008"])


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return write_arcep_workbook(tmp_path / "2025t2-obs-hd-thd-deploiement.xlsx", QUARTERS)


def test_workbook_gives_a_quarterly_series_of_the_configured_commune(workbook: Path) -> None:
    result = read_fibre_file(workbook, SCOPE)
    assert result.format == "arcep-communes"
    assert result.rejections == []
    expected = [v for v in arcep_rows(QUARTERS)[0][5:] if v is not None]
    assert [m.premises_connectable for m in result.milestones] == expected
    assert {m.zone for m in result.milestones} == {"73008"}
    assert {m.premises_total for m in result.milestones} == {23850}
    assert result.milestones[-1].day == date(2025, 6, 30)
    assert all(m.day.month in (3, 6, 9, 12) for m in result.milestones)
    assert result.skipped == 3  # the other three communes
    assert any(n.startswith("line ") and "a note, not a commune: 'Source : Arcep" in n
               for n in result.notes)  # the footnote, shown, not counted as a commune


def test_csv_sample_of_the_sheet(tmp_path: Path) -> None:
    result = read_fibre_file(SAMPLES / "arcep-communes.csv", ImportScope.of([], ["73008", "01004"]))
    assert result.format == "arcep-communes"
    assert "utf-8-sig" in result.notes[0]
    by_zone = {m.zone for m in result.milestones}
    assert by_zone == {"73008", "01004"}
    aix = [m for m in result.milestones if m.zone == "73008"]
    assert (aix[0].day, aix[-1].day) == (date(2017, 12, 31), date(2025, 6, 30))
    assert aix[-1].premises_connectable == 23292


def test_labels_of_another_release_and_codes_as_numbers(tmp_path: Path) -> None:
    """Renamed columns, quarters written `2018-T1`, codes typed as numbers (01004 -> 1004)."""
    path = tmp_path / "deploiements.xlsx"
    labels = ["Département", "Nom dép.", "CODE_INSEE", "Libellé commune",
              "Meilleure estimation du nombre de locaux"]
    write_arcep_workbook(path, QUARTERS, labels=labels, title_rows=9, numeric_codes=True,
                         sheet="Données communes")
    result = read_fibre_file(path, ImportScope.of([], ["01004"]))
    assert {m.zone for m in result.milestones} == {"01004"}
    assert result.milestones[0].premises_total == 9120


def test_bad_cells_are_rejected_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "communes.csv"
    path.write_text(
        "Code commune;Nom commune;Meilleure estimation des locaux à date;T3 2024;T4 2024;T1 2025\n"
        "73008;Aix-les-Bains;23 850;22 900;n.d.;23 500\n"
        "73008;Aix-les-Bains;23 850;1;2;3\n", encoding="cp1252")
    result = read_fibre_file(path, SCOPE)
    assert [(m.day, m.premises_connectable) for m in result.milestones] == \
        [(date(2024, 9, 30), 22900), (date(2025, 3, 31), 23500)]
    assert [(r.line, r.reason) for r in result.rejections] == [
        (2, "commune 73008, column 'T4 2024': T4 2024 'n.d.' is not a number"),
        (3, "commune 73008 appears twice (first on line 2)"),
    ]


def test_connectable_above_the_estimate_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "communes.csv"
    path.write_text("Code commune,Meilleure estimation des locaux à date,T1 2025\n"
                    "73008,100,101\n", encoding="utf-8")
    [rejection] = read_fibre_file(path, SCOPE).rejections
    assert "connectable 101 > best estimate of premises 100" in rejection.reason


def test_a_workbook_without_the_sheet_names_the_sheets(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    book = Workbook()
    assert book.active is not None
    book.active.title = "Régions"
    book.save(path)
    with pytest.raises(FormatError, match="no sheet named 'Communes' \\(sheets: 'Régions'\\)"):
        read_fibre_file(path, SCOPE)


def test_a_sheet_without_quarters_is_not_arcep(tmp_path: Path) -> None:
    path = tmp_path / "communes.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Communes"
    sheet.append(["Code commune", "Nom commune", "Population"])
    book.save(path)
    with pytest.raises(FormatError, match="missing estimate, quarter columns"):
        read_fibre_file(path, SCOPE)


def test_a_broken_workbook_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(FormatError, match=r"not a readable \.xlsx workbook"):
        read_fibre_file(path, SCOPE)
