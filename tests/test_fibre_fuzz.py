"""Property-based fuzzing of every importer: no input crashes it; every rejection says why."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectors.fibre.detect import read_fibre_file
from collectors.fibre.records import FormatError, FormatName, ImportResult
from collectors.fibre.scope import District, ImportScope
from tests.support.fibre_files import CENTRE, quarter_end

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SCOPE = ImportScope.of([District("centre", "Centre-ville", tuple((x, y) for x, y in CENTRE)),
                        District("grand-port", "Grand Port")], ["73008"])
QUARTER_ENDS = {quarter_end(y, q) for y in range(2000, 2100) for q in (1, 2, 3, 4)}

# Cells that look like what people type, plus anything at all (no separators or quotes, so
# that the rows stay rows and every one of them can be accounted for).
plain_text = st.text(st.characters(exclude_characters=',;\t|"\r\n\x00',
                                   exclude_categories=["Cs"]), max_size=12)
numbers = st.one_of(st.integers(-50, 10**6).map(str), st.floats(-1e6, 1e6).map(str),
                    st.integers(0, 10**6).map(lambda n: f"{n:,}".replace(",", " ")),
                    st.just("12,5"), st.just(""))
days = st.one_of(st.dates(date(2000, 1, 1), date(2099, 12, 31)).map(str),
                 st.dates().map(lambda d: d.strftime("%d/%m/%Y")), st.just("T4 2017"),
                 st.just("31/13/2025"), plain_text)
zones = st.sampled_from(["centre", "Centre-ville", "grand-port", "GRAND PORT", "73008",
                         "73065", "", "lac"]) | plain_text
states = st.sampled_from(["deploye", "raccordable demande", "en cours de deploiement", "signe",
                          "cible", "abandonne", "Déployé", ""]) | plain_text
coordinates = st.one_of(
    st.tuples(st.floats(926000, 928500), st.floats(6513000, 6516500)).map(
        lambda p: (f"{p[0]:.2f}", f"{p[1]:.2f}")),
    st.tuples(st.floats(5.90, 5.93), st.floats(45.68, 45.70)).map(
        lambda p: (f"{p[0]:.6f}".replace(".", ","), f"{p[1]:.6f}".replace(".", ","))),
    st.tuples(numbers, numbers))
separators = st.sampled_from([",", ";", "\t"])
encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])


@contextmanager
def written(text: str, encoding: str, name: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(text.encode(encoding, errors="replace"))
        yield path


def check_rejections(result: ImportResult, lines: int) -> None:
    for rejection in result.rejections:
        assert rejection.reason.strip()
        assert 1 <= rejection.line <= lines
        assert rejection.file == result.path


def data_rows(rows: list[list[str]]) -> int:
    return sum(1 for r in rows if any(c.strip() for c in r))


@FUZZ
@given(rows=st.lists(st.tuples(days, zones, plain_text, numbers, numbers, numbers, numbers),
                     max_size=25), sep=separators, encoding=encodings)
def test_milestones_every_row_is_imported_or_rejected(rows: list[tuple[str, ...]], sep: str,
                                                      encoding: str) -> None:
    header = ["date", "zone", "operator", "premises_total", "premises_connectable",
              "premises_connected", "planned_target"]
    text = "\n".join(sep.join(r) for r in [header, *rows]) + "\n"
    with written(text, encoding, "milestones.csv") as path:
        result = read_fibre_file(path, SCOPE, "milestones")
    check_rejections(result, len(rows) + 1)
    assert len(result.milestones) + len(result.rejections) == data_rows([list(r) for r in rows])
    for m in result.milestones:
        assert m.zone in ("centre", "grand-port", "73008")
        assert m.premises_total is not None
        assert m.premises_connectable is None or m.premises_connectable <= m.premises_total


@FUZZ
@given(rows=st.lists(st.tuples(st.sampled_from(["73008", "73065", "1004", "", "Total"]),
                               numbers, st.lists(numbers, min_size=3, max_size=3)),
                     max_size=15),
       title_rows=st.integers(0, 5), sep=separators, encoding=encodings)
def test_arcep_communes_keeps_only_sound_figures(rows: list[tuple[str, str, list[str]]],
                                                 title_rows: int, sep: str,
                                                 encoding: str) -> None:
    header = ["Code commune", "Nom commune", "Meilleure estimation des locaux à date",
              "T4 2024", "T1 2025", "T2 2025"]
    lines = [["Observatoire FttH"]] * title_rows + [header]
    lines += [[code, "Aix", estimate, *quarters] for code, estimate, quarters in rows]
    text = "\n".join(sep.join(r) for r in lines) + "\n"
    with written(text, encoding, "communes.csv") as path:
        result = read_fibre_file(path, SCOPE, "arcep-communes")
    check_rejections(result, len(lines))
    for m in result.milestones:
        assert m.zone == "73008" and m.day in QUARTER_ENDS
        assert m.premises_total and m.premises_connectable is not None
        assert 0 <= m.premises_connectable <= m.premises_total


@FUZZ
@given(rows=st.lists(st.tuples(coordinates, st.sampled_from(["73008", "73128", "", "7300"]),
                               states, st.sampled_from(["IMB/1", "IMB/2", "IMB/3", ""])),
                     max_size=25), sep=separators, encoding=encodings)
def test_arcep_buildings_accounts_for_every_row(
        rows: list[tuple[tuple[str, str], str, str, str]], sep: str, encoding: str) -> None:
    header = ["x", "y", "imb_id", "code_insee", "nom_com", "imb_etat", "type_imb"]
    lines = [header] + [[x, y, imb, code, "Aix", etat, "P"]
                        for (x, y), code, etat, imb in rows]
    if sep == ",":  # decimal commas need another separator, as in the real files
        sep = ";"
    text = "\n".join(sep.join(r) for r in lines) + "\n"
    with written(text, encoding, "base_imb_20250331.csv") as path:
        result = read_fibre_file(path, SCOPE, "arcep-buildings")
    check_rejections(result, len(lines))
    kept = 0 if result.buildings is None else len(result.buildings)
    assert kept + len(result.rejections) + result.skipped == data_rows(lines[1:])
    by_zone = {m.zone: m for m in result.milestones}
    if "73008" in by_zone:
        town = by_zone["73008"]
        assert town.premises_connectable is not None and town.premises_total is not None
        assert town.premises_connectable <= town.premises_total <= kept


@FUZZ
@given(data=st.binary(max_size=600),
       fmt=st.sampled_from([None, "milestones", "arcep-communes", "arcep-buildings"]),
       name=st.sampled_from(["file.csv", "file.txt", "file.xlsx"]))
def test_any_bytes_give_a_result_or_one_format_error(data: bytes, fmt: FormatName | None,
                                                     name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            result = read_fibre_file(path, SCOPE, fmt)
        except FormatError as exc:
            assert str(exc).strip()
            return
    check_rejections(result, max(1, data.count(b"\n") + data.count(b"\r") + 1))


@FUZZ
@given(header=st.lists(st.sampled_from(["date", "Zone", "Locaux", "Code commune", "x", "y",
                                        "imb_id", "imb_etat", "code_insee", "T4 2017",
                                        "Meilleure estimation des locaux à date"]) | plain_text,
                       min_size=1, max_size=10),
       body=st.lists(st.lists(plain_text | numbers, max_size=10), max_size=10),
       sep=separators)
def test_any_table_gives_a_result_or_one_format_error(header: list[str], body: list[list[str]],
                                                      sep: str) -> None:
    text = "\n".join(sep.join(r) for r in [header, *body]) + "\n"
    with written(text, "utf-8", "table.csv") as path:
        try:
            result = read_fibre_file(path, SCOPE)
        except FormatError as exc:
            assert "expected" in str(exc)
            return
    check_rejections(result, len(body) + 1)
