"""The committee report of a fleet with a history: figures, HTML in a browser, the PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from typer.testing import CliRunner

from netmon.cli.main import app
from netmon.config import NetmonConfig, load_config
from netmon.report.documents import report_html, write_report
from netmon.report.figures import gather
from netmon.report.period import default_period
from netmon.report.usage_tables import Slot, usage_tables
from tests.support import usage_history
from tests.support.fleet_history import NS, fleet_config, write_fibre, write_incidents, write_polls
from tests.support.offline_browser import visit
from tests.support.usage_history import write_usage

DOWN_AP = "ap-00005"
DAY_NS = 86_400 * NS
PERIOD_NS = 15 * DAY_NS  # three weeks started: the weekly chart shows


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    """6 APs, 15 days of 10-minute polls (rolled up), one 90-minute outage, fibre figures."""
    folder = tmp_path_factory.mktemp("report")
    path = fleet_config(folder, 6)
    config = load_config(path)
    now = time.time_ns()
    outage = (now - DAY_NS, now - DAY_NS + 5400 * NS)
    write_polls(config, now - PERIOD_NS, now, 600, {DOWN_AP: outage})
    write_incidents(config, {DOWN_AP: outage})
    write_fibre(config)
    yield path, now


def _config(path: Path, language: str) -> NetmonConfig:
    config = load_config(path)
    return config.model_copy(update={"language": language})


@pytest.fixture(scope="module")
def french(history: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory
           ) -> tuple[Path, Path]:
    """report.html and report.pdf of the last 15 days, in French."""
    path, now = history
    html_path, pdf_path = write_report(_config(path, "fr"), now - PERIOD_NS, now, now,
                                       tmp_path_factory.mktemp("french"))
    return html_path, pdf_path


def test_french_report_has_every_section_and_the_key_figures(french: tuple[Path, Path]
                                                             ) -> None:
    html_path, pdf_path = french
    html = html_path.read_text(encoding="utf-8")
    assert ">Incidents</h3>" in html
    for heading in ("Synthèse", "Couverture", "Disponibilité", "Fréquentation",
                    "Fibre optique", "Méthodes et sources"):
        assert f">{heading}</h2>" in html, heading
    assert "Borne 5" in html and "borne hors service" in html  # the incident, by name
    assert "1 h 30" in html or "1h30" in html or "90 min" in html
    assert "Quartier nord" in html and "Quartier sud" in html
    assert "17 h–18 h" in html or "18 h–19 h" in html  # the evening peak of the made-up day
    assert "Ville test (73008)" in html  # the town's fibre line
    assert " locaux</td>" in html and "bâtiments</td>" not in html  # milestones count premises
    assert html.count("data:image/png;base64,") == 6  # 2 maps and 4 charts, all inlined
    assert 'id="usage-week"' in html
    assert "http://" not in html and "https://" not in html
    assert pdf_path.read_bytes().startswith(b"%PDF")


def test_english_report_speaks_english(history: tuple[Path, int], tmp_path: Path) -> None:
    path, now = history
    html_path, _ = write_report(_config(path, "en"), now - PERIOD_NS, now, now, tmp_path)
    html = html_path.read_text(encoding="utf-8")
    assert "<html lang=\"en\">" in html and ">Availability</h2>" in html
    assert "Least available APs" in html and "Synthèse" not in html


def test_report_pages_render_offline_and_print(french: tuple[Path, Path], tmp_path: Path
                                               ) -> None:
    html_path, pdf_path = french
    seen = visit(html_path, width=900, height=1200, ready="#fibre-map",
                 evaluate="() => [...document.images].map(i => i.naturalWidth)")
    assert seen.failed == [] and seen.outside == [] and seen.console_errors == []
    assert len(seen.values) == 6 and min(seen.values) > 500  # every image decoded
    shot = Image.open(io.BytesIO(seen.png)).convert("L")
    assert ImageStat.Stat(shot).stddev[0] > 20
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) is needed: see .ci/packages.txt"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf_path),
                    str(tmp_path / "page")], check=True, timeout=60)
    page = Image.open(next(tmp_path.glob("page-*1.png"))).convert("L")
    assert page.width < page.height  # A4 portrait
    dark_share = page.point(lambda v: 255 if v < 128 else 0).histogram()[255] / (
        page.width * page.height)
    assert dark_share > 0.01  # text and a map, not a blank page
    pages = subprocess.run(["pdfinfo", str(pdf_path)], check=True, capture_output=True,
                           text=True, timeout=30).stdout
    assert int(next(line.split()[-1] for line in pages.splitlines()
                    if line.startswith("Pages"))) >= 4


def test_report_without_a_store_says_there_is_no_data(tmp_path: Path) -> None:
    config = load_config(fleet_config(tmp_path, 2, language="en"))
    now = time.time_ns()
    html_path, _ = write_report(config, now - DAY_NS, now, now, tmp_path / "out")
    html = html_path.read_text(encoding="utf-8")
    assert "No usage measurement in the period." in html
    assert "No fibre data imported" in html and "No incident in the period." in html
    assert not config.store.path.exists()  # a report reads; it creates no store
    seen = visit(html_path, width=900, height=1200, ready="#availability", evaluate="""() => [
        document.querySelector("#availability").innerText,
        document.querySelectorAll("#availability table").length,
        [...document.querySelectorAll("#coverage td")].map(c => c.innerText)]""")
    availability, tables, coverage_cells = seen.values
    # Nothing was polled: the reader is told so, never shown an empty table or a false 0 %.
    assert "No data: nothing was polled in the period" in availability
    assert tables == 0  # no header without rows
    assert coverage_cells.count("no data") == 2 and "0.0 %" not in coverage_cells


def test_default_period_is_the_two_previous_whole_months() -> None:
    assert default_period(date(2026, 11, 28)) == "2026-09-01..2026-10-31"
    assert default_period(date(2027, 1, 5)) == "2026-11-01..2026-12-31"


def test_netmon_report_command(history: tuple[Path, int], tmp_path: Path) -> None:
    path, _ = history
    result = CliRunner().invoke(app, ["report", "-c", str(path), "--out", str(tmp_path),
                                      "--period", "2026-09-01..2026-08-01"])
    assert result.exit_code == 2 and "--period" in result.output
    assert not (tmp_path / "report.pdf").exists()
    day = time.strftime("%Y-%m-%d")
    result = CliRunner().invoke(app, ["report", "-c", str(path), "--out", str(tmp_path),
                                      "--period", f"{day}..{day}"])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'id="usage-hour"' in html and 'id="usage-week"' not in html  # one day: no weeks
    assert (tmp_path / "report.pdf").exists()


@pytest.fixture(scope="module")
def usage_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    """Two months of usage with known answers (tests/support/usage_history.py)."""
    path = fleet_config(tmp_path_factory.mktemp("usage"), 5)
    start_ns, end_ns = write_usage(load_config(path))
    return path, start_ns, end_ns


def test_usage_figures_heatmap_months_and_aps(usage_store: tuple[Path, int, int]) -> None:
    path, start_ns, end_ns = usage_store
    config = load_config(path)
    tables = usage_tables(gather(config, start_ns, end_ns, time.time_ns()).usage, config)
    nord, sud = tables.heatmaps
    # Rows Monday..Sunday in Paris time: Saturday 15:00 is nord's highest cell, before and
    # after the end of summer time alike.
    busiest = nord.busiest()
    assert busiest is not None and (busiest.weekday, busiest.hour) == (5, 15)
    assert busiest.clients == pytest.approx((9 * 49 + 50) / 9)  # 9 Saturdays
    assert nord.cells[5][15] == nord.highest and nord.cells[5][14] == pytest.approx(9)
    assert sud.busiest() == Slot(2, 9, 13.0)
    assert sud.cells[6] == [None] * 24 and nord.cells[6][0] == pytest.approx(9)  # no 0
    assert tables.busiest_slots[0].weekday == 5 and tables.busiest_slots[0].hour == 15
    months = {(m.month, m.zone): m for m in tables.months}
    for month, peak in usage_history.NORD_PEAK.items():
        assert months[(month, "nord")].peak == peak
        assert months[(month, "nord")].traffic_bytes == pytest.approx(
            usage_history.NORD_BYTES[month])
        assert months[(month, "sud")].peak == usage_history.SUD_PEAK
        assert months[(month, "sud")].traffic_bytes is None  # sud reports no traffic
    assert months[("2026-11", "nord")].peak_at == usage_history.BIG_SATURDAY
    assert [a.id for a in tables.top_aps] == ["ap-00000", "ap-00002"]
    assert [a.id for a in tables.bottom_aps] == ["ap-00001", "ap-00003"]
    assert tables.silent_aps == ["ap-00004"]


@pytest.mark.parametrize(("language", "words"), [
    ("fr", {"month": "novembre 2026", "peak_at": "14 novembre 2026 à 15:00",
            "oct_bytes": "8,0\u00a0Go", "nov_bytes": "7,8\u00a0Go", "no_data": "pas de données",
            "slot": "sam. 15 h–16 h", "heading": "Par heure de la semaine"}),
    ("en", {"month": "November 2026", "peak_at": "14 November 2026, 15:00",
            "oct_bytes": "8.0\u00a0GB", "nov_bytes": "7.8\u00a0GB", "no_data": "no data",
            "slot": "Sat 15 h–16 h", "heading": "By hour of the week"})])
def test_usage_tables_in_the_report(usage_store: tuple[Path, int, int], tmp_path: Path,
                                    language: str, words: dict[str, str]) -> None:
    path, start_ns, end_ns = usage_store
    html = report_html(_config(path, language), start_ns, end_ns, time.time_ns())
    html_path = tmp_path / "report.html"
    html_path.write_text(html, encoding="utf-8")
    assert f">{words['heading']}</h3>" in html and 'id="usage-heatmap"' in html
    seen = visit(html_path, width=900, height=1200, ready="#usage-months", evaluate="""() => [
        [...document.querySelectorAll("#usage-months tr")].slice(1).map(
            r => [...r.cells].map(c => c.innerText)),
        [...document.querySelectorAll("#usage-top_aps tr")].slice(2).map(r => r.cells[0].innerText),
        [...document.querySelectorAll("#usage-bottom_aps tr")].slice(2).map(
            r => r.cells[0].innerText),
        [...document.querySelectorAll("#busiest-slots tr")].slice(1).map(r => r.cells[0].innerText),
        document.querySelector("#usage-heatmap").naturalWidth,
        document.querySelector("#silent-aps").innerText]""")
    months, top, bottom, slots, heatmap_width, silent = seen.values
    assert seen.failed == [] and seen.outside == [] and seen.console_errors == []
    nord_nov = next(r for r in months if r[0] == words["month"] and r[1] == "Quartier nord")
    assert nord_nov[2:] == ["99" + (",0" if language == "fr" else ".0"), words["peak_at"],
                            words["nov_bytes"]]
    assert [r[4] for r in months if r[1] == "Quartier nord"] == [words["oct_bytes"],
                                                                 words["nov_bytes"]]
    assert [r[4] for r in months if r[1] == "Quartier sud"] == [words["no_data"]] * 2
    assert top == ["ap-00000", "ap-00002"] and bottom == ["ap-00001", "ap-00003"]
    assert slots[0] == words["slot"] and heatmap_width > 500
    assert "ap-00004" in silent
