"""Damaged fibre files fail loudly: every unreadable row is a reject with its line, a file cut
short or far smaller than the last import is refused (unless --replace), and nothing stored
changes when a file is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from netmon.cli.main import app
from netmon.config import load_config
from netmon.fibre.history import FibreHistory
from netmon.fibre.milestone import Milestone
from tests.support.fibre_files import (
    SAMPLES,
    quarters_between,
    write_arcep_workbook,
    write_config,
)

FIBRE = {"communes": ["73008"]}
BASE_IMB = SAMPLES / "base_imb-73-20241231.csv"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert "Traceback" not in result.output
    return result.exit_code, " ".join(result.output.split())


def stored(config: Path) -> list[Milestone]:
    with FibreHistory(load_config(config).store) as history:
        return history.milestones()


def test_a_garbage_row_of_base_imb_is_rejected_with_its_line_not_skipped(
        tmp_path: Path) -> None:
    config = write_config(tmp_path, FIBRE)
    damaged = tmp_path / "base_imb_20241231.csv"
    text = BASE_IMB.read_text(encoding="cp1252")
    lines = text.splitlines()
    lines.insert(5, "§§ garbage;;;;;;;;;;;;")
    damaged.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = run("fibre", "import", "-c", str(config), str(damaged))
    assert code == 1
    assert f"{damaged}:6: coordinates x='§§ garbage' y='' are not numbers" in output
    assert "code_insee '' is not an INSEE commune code" in output
    rejects = next((tmp_path / "var" / "fibre-rejects").glob("*.rejects.csv"))
    assert "§§ garbage" in rejects.read_text(encoding="utf-8-sig")
    assert "130 buildings (at least 850 premises, from catg_loc_imb) imported: 3 figures " \
           "(2 districts, 1 commune); 1 row rejected" in output


def test_a_communes_file_cut_mid_row_is_refused_and_replace_keeps_its_whole_rows(
        tmp_path: Path) -> None:
    config = write_config(tmp_path, FIBRE)
    text = (SAMPLES / "arcep-communes.csv").read_text(encoding="utf-8-sig")
    start = text.index(";73008;")
    cut = tmp_path / "arcep-communes.csv"
    cut.write_text(text[:start + 60], encoding="utf-8")  # in the middle of Aix-les-Bains' row
    cut_line = text[:start].count("\n") + 1
    code, output = run("fibre", "import", "-c", str(config), str(cut))
    assert code == 3
    assert f"ends in the middle of line {cut_line} (a download cut short?): " \
           "refused, nothing imported, the stored figures unchanged" in output
    assert stored(config) == []
    code, output = run("fibre", "import", "-c", str(config), str(cut), "--replace")
    assert f"{cut}:{cut_line}: the file ends in the middle of this row" in output
    assert code == 1
    assert not [m for m in stored(config) if m.zone == "73008"]  # no figure from half a row


def test_a_truncated_base_imb_over_the_full_one_is_refused_unless_replace(
        tmp_path: Path) -> None:
    config = write_config(tmp_path, FIBRE)
    full = tmp_path / "base_imb_20241231.csv"
    shutil.copyfile(BASE_IMB, full)
    code, output = run("fibre", "import", "-c", str(config), str(full))
    assert code == 0, output
    before = stored(config)
    total = sum(1 for _ in BASE_IMB.open(encoding="cp1252")) - 1
    assert "130 buildings (at least 850 premises, from catg_loc_imb) imported" in output
    assert total == 142  # 130 of Aix-les-Bains, 12 of Grésy-sur-Aix left aside
    half = tmp_path / "base_imb_20250331.csv"
    lines = BASE_IMB.read_text(encoding="cp1252").splitlines()
    half.write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8")
    code, output = run("fibre", "import", "-c", str(config), str(half))
    assert code == 3
    assert "fewer than the last arcep-buildings import" in output and "--replace" in output
    assert stored(config) == before
    code, output = run("fibre", "import", "-c", str(config), str(half), "--replace")
    assert code == 0, output
    assert len(stored(config)) > len(before)  # the new day's figures, taken on purpose


def test_a_workbook_whose_sheet_was_renamed_is_read_with_sheet(tmp_path: Path) -> None:
    config = write_config(tmp_path, FIBRE)
    book = write_arcep_workbook(tmp_path / "arcep.xlsx", quarters_between((2023, 1), (2024, 4)),
                                sheet="Données 2024")
    code, output = run("fibre", "import", "-c", str(config), str(book))
    assert code == 3
    assert "no sheet named 'Communes' (sheets: 'Lisez-moi', 'Départements', " \
           "'Données 2024')" in output
    code, output = run("fibre", "import", "-c", str(config), str(book),
                       "--sheet", "Données 2024")
    assert code == 0, output
    assert "read as arcep-communes (sheet 'Données 2024')" in output


def test_the_status_table_says_buildings_for_base_imb_figures(tmp_path: Path) -> None:
    config = write_config(tmp_path, FIBRE)
    code, _ = run("fibre", "import", "-c", str(config), str(BASE_IMB))
    assert code == 0
    code, output = run("fibre", "status", "-c", str(config))
    assert code == 0 and "Counts" in output
    table = output.split("% = connectable")[0]
    assert "buildings" in table and "premises" not in table
