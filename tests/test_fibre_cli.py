"""`netmon fibre import` and `netmon fibre status` as a person runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from netmon.cli.main import app
from tests.support.demo import DEMO
from tests.support.fibre_files import (
    REPO,
    SAMPLES,
    quarters_between,
    write_arcep_workbook,
    write_config,
)

FIBRE = {"communes": ["73008"],
         "imports": [{"path": str(DEMO.parent / "fibre-milestones.csv")}],
         "plan": [{"zone": "centre", "date": "2023-12-31", "connectable_pct": 100}]}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "160"})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def test_import_keeps_good_rows_reports_each_bad_one_and_ends_with_the_count(
        tmp_path: Path) -> None:
    config = write_config(tmp_path, FIBRE)
    messy = SAMPLES / "milestones-excel-fr.csv"
    code, output = run("fibre", "import", "-c", str(config), str(messy))
    assert code == 1  # imported, with rejected rows
    for line in (8, 9, 10, 11, 12, 13):
        assert f"{messy}:{line}: " in output
    assert f"{messy}:10: premises_connectable '-5' is negative" in output
    rejects = tmp_path / "var" / "fibre-rejects"
    [rejects_file] = rejects.iterdir()
    assert output.strip().splitlines()[-1] == \
        f"4 figures imported: premises of 2 zones on 2 dates; 6 rows rejected (see {rejects_file})"


def test_clean_import_exits_zero(tmp_path: Path) -> None:
    config = write_config(tmp_path, FIBRE)
    code, output = run("fibre", "import", "-c", str(config), str(SAMPLES / "milestones.csv"))
    assert code == 0
    assert output.strip().splitlines()[-1] == \
        "6 figures imported: premises of 3 zones on 2 dates; 0 rows rejected"


def test_without_files_the_configured_imports_are_read_then_status_shows_them(
        tmp_path: Path) -> None:
    config = write_config(tmp_path, FIBRE)
    code, output = run("fibre", "import", "-c", str(config))
    assert code == 0
    assert "129 figures imported: premises of 3 zones on 43 dates; 0 rows rejected" in output
    code, output = run("fibre", "status", "-c", str(config))
    assert code == 0
    for text in ("Centre-ville", "Grand Port", "Aix-les-Bains (73008)", "99.4 %", "96.8 %",
                 "98.0 %", "100.0 %", "-0.6 pp", "Projected completion"):
        assert text in output
    assert "(2027-" in output or "(2026-" in output  # a projected month with its interval
    code, output = run("fibre", "status", "-c", str(config), "--zone", "grand-port",
                       "--quarters")
    assert "Grand Port" in output and "Centre-ville" not in output
    assert "2026-09-30" in output and "by quarter" in output


def test_only_new_skips_a_file_already_imported(tmp_path: Path) -> None:
    config = write_config(tmp_path, FIBRE)
    sample = str(SAMPLES / "milestones.csv")
    run("fibre", "import", "-c", str(config), sample)
    code, output = run("fibre", "import", "-c", str(config), "--only-new", sample)
    assert code == 0 and "unchanged since its last import" in output


def test_a_file_of_the_wrong_format_is_one_clear_error(tmp_path: Path) -> None:
    config = write_config(tmp_path, FIBRE)
    code, output = run("fibre", "import", "-c", str(config), str(config))
    assert code == 3
    assert "not a fibre file netmon knows; expected a netmon milestone CSV" in output
    assert len(output.strip().splitlines()) == 1
    code, output = run("fibre", "import", "-c", str(config), "--format", "arcep-communes",
                       str(SAMPLES / "milestones.csv"))
    assert code == 3 and "not an ARCEP commune sheet" in output


def test_a_file_of_the_wrong_format_gives_no_traceback_in_a_real_process(tmp_path: Path) -> None:
    config = write_config(tmp_path, FIBRE)
    picture = tmp_path / "carte.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    proc = subprocess.run([sys.executable, "-m", "netmon", "fibre", "import", "-c", str(config),
                           str(picture)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "COLUMNS": "200"}, cwd=REPO)
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error {picture}: not a fibre file netmon knows")


def test_bad_options_and_bad_config_exit_two(tmp_path: Path) -> None:
    config = write_config(tmp_path, FIBRE)
    code, output = run("fibre", "import", "-c", str(config), "--format", "pdf",
                       str(SAMPLES / "milestones.csv"))
    assert code == 2 and "use one of milestones, arcep-communes, arcep-buildings" in output
    wrong_plan = write_config(tmp_path, {**FIBRE, "plan": [
        {"zone": "centre", "date": "2023-12-31", "connectable_pct": 100},
        {"zone": "lac", "date": "2025-12-31", "connectable_pct": 100}]})
    code, output = run("fibre", "status", "-c", str(wrong_plan))
    assert code == 2
    assert "fibre.plan[1].zone: unknown zone 'lac' (known: centre, grand-port, 73008)" in output
    bad_cron = write_config(tmp_path, {**FIBRE, "schedule": "every day"})
    code, output = run("fibre", "status", "-c", str(bad_cron))
    assert code == 2 and "fibre.schedule: not a cron expression" in output


def test_status_before_any_import(tmp_path: Path) -> None:
    code, output = run("fibre", "status", "-c", str(write_config(tmp_path, FIBRE)))
    assert code == 0 and "no fibre data yet" in output


def test_arcep_workbook_and_buildings_import_from_the_command_line(tmp_path: Path) -> None:
    config = write_config(tmp_path, {"communes": ["73008"]})
    workbook = write_arcep_workbook(tmp_path / "2025t2-obs-hd-thd-deploiement.xlsx",
                                    quarters_between((2017, 4), (2025, 2)))
    code, output = run("fibre", "import", "-c", str(config), str(workbook))
    assert code == 0 and "read as arcep-communes (sheet 'Communes')" in output
    assert output.strip().endswith("1 commune (23,850 premises) imported: 31 quarterly figures; "
                                   "0 rows rejected, 3 rows about other communes left aside")
    buildings = SAMPLES / "base_imb-73-20241231.csv"
    code, output = run("fibre", "import", "-c", str(config), str(buildings))
    assert code == 0 and "buildings counted as of 2024-12-31 (date from file name)" in output
    assert (tmp_path / "var" / "fibre-buildings.gpkg").exists()
    code, output = run("fibre", "status", "-c", str(config))
    assert "arcep-communes" in output and "arcep-buildings" in output
    assert "Centre-ville" in output and "Aix-les-Bains (73008)" in output
