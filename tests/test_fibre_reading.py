"""The common reading layer: encodings, separators, French numbers and dates, tolerant labels."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest

from collectors.fibre.labels import Column, find_header, match_columns, normalise
from collectors.fibre.quarters import quarter_end
from collectors.fibre.reading import (
    decode,
    parse_count,
    parse_day,
    parse_number,
    read_text_table,
    sniff_delimiter,
)
from collectors.fibre.records import FormatError
from collectors.fibre.scope import ImportScope, insee_code


@pytest.mark.parametrize(("data", "encoding"), [
    (codecs.BOM_UTF8 + "Opérateur".encode(), "utf-8-sig"),
    ("Opérateur".encode(), "utf-8"),
    ("Opérateur — Déployé".encode("cp1252"), "cp1252"),
    (b"Op\xe9rateur \x81", "latin-1"),  # 0x81 is not in cp1252
])
def test_decode_finds_the_encoding(data: bytes, encoding: str) -> None:
    text, found = decode(data)
    assert found == encoding
    assert text.startswith("Opérateur")


@pytest.mark.parametrize(("text", "delimiter"), [
    ("date,zone,premises_total\n2025-03-31,centre,3420\n", ","),
    ("date;zone;premises_total\n31/03/2025;centre;3 420,0\n", ";"),
    ("date\tzone\tpremises_total\n2025-03-31\tcentre\t3420\n", "\t"),
    ("date;zone\n", ";"),
])
def test_sniff_delimiter(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


@pytest.mark.parametrize(("text", "number"), [
    ("1234", 1234.0), ("1 234", 1234.0), ("1\u00a0234", 1234.0), ("1\u202f234,5", 1234.5),
    ("12,5", 12.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("1.234.567", 1234567.0),
    ("-5", -5.0), ("7e2", 700.0), (" 42 ", 42.0),
])
def test_parse_number(text: str, number: float) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["", "abc", "12a", "1,2,3.4.5", "nan", "inf", "--1"])
def test_parse_number_refuses_what_is_not_a_number(text: str) -> None:
    assert parse_number(text) is None


def test_parse_count_gives_the_reason() -> None:
    assert parse_count("3 420", "premises_total") == 3420
    assert parse_count("404,0", "premises_total") == 404
    assert parse_count("  ", "premises_total") is None
    for text, reason in (("-5", "negative"), ("12,5", "not a whole number"),
                         ("beaucoup", "not a number")):
        with pytest.raises(ValueError, match=reason):
            parse_count(text, "premises_total")


@pytest.mark.parametrize(("text", "day"), [
    ("2025-03-31", date(2025, 3, 31)), ("31/03/2025", date(2025, 3, 31)),
    ("31.03.2025", date(2025, 3, 31)), ("2025-03-31T00:00:00", date(2025, 3, 31)),
    ("T1 2025", date(2025, 3, 31)), ("2024-T4", date(2024, 12, 31)),
])
def test_parse_day(text: str, day: date) -> None:
    assert parse_day(text) == day


@pytest.mark.parametrize("text", ["", "31/13/2025", "demain", "2025-02-30"])
def test_parse_day_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_day(text)


@pytest.mark.parametrize(("label", "day"), [
    ("T4 2017", date(2017, 12, 31)), ("t1-2018", date(2018, 3, 31)),
    ("2019T2", date(2019, 6, 30)), ("Q3 2020", date(2020, 9, 30)),
    ("Locaux raccordables T4 2021", date(2021, 12, 31)),
    ("4e trimestre 2022", date(2022, 12, 31)), ("1er trimestre 2023", date(2023, 3, 31)),
])
def test_quarter_labels_end_on_the_quarter_end(label: str, day: date) -> None:
    assert quarter_end(label) == day


@pytest.mark.parametrize("label", ["Code commune", "T5 2017", "T4 1899", "AT4 2017", "2017"])
def test_not_quarter_labels(label: str) -> None:
    assert quarter_end(label) is None


def test_normalise_ignores_accents_case_spacing_and_punctuation() -> None:
    assert normalise("  Meilleure estimation des LOCAUX à date ") == \
        "meilleure estimation des locaux a date"
    assert normalise("Opérateur_d'infrastructure") == "operateur d infrastructure"


def test_labels_match_tolerantly_and_each_column_serves_one_key() -> None:
    wanted = [Column("code", ("code commune",)), Column("name", ("commune",)),
              Column("estimate", ("meilleure estimation des locaux a date",))]
    header = ["Nom de la commune", "CODE_COMMUNE", "Meilleure estimation des locaux (à date)"]
    assert match_columns(header, wanted) == {"code": 1, "name": 0, "estimate": 2}


def test_header_is_found_below_a_title() -> None:
    rows = [(1, ["Suivi FTTH"]), (2, [""]), (3, ["Date", "Zone", "Locaux"]),
            (4, ["2025-03-31", "centre", "3420"])]
    wanted = [Column("date", ("date",)), Column("zone", ("zone",)),
              Column("total", ("locaux",))]
    match = find_header(rows, wanted)
    assert match.index == 2
    assert match.complete
    assert match.columns == {"date": 0, "zone": 1, "total": 2}


def test_insee_codes_and_zone_names() -> None:
    assert insee_code("73008") == "73008"
    assert insee_code("1004") == "01004"  # Excel dropped the leading zero
    assert insee_code("73008.0") == "73008"
    assert insee_code("2a004") == "2A004"
    assert insee_code("centre") is None
    scope = ImportScope.of([], ["73008"])
    assert scope.zone("73008") == "73008"
    assert scope.zone("73065") is None  # a commune that is not in the config


def test_a_workbook_named_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"PK\x03\x04 not really a csv")
    with pytest.raises(FormatError, match="zip archive or a workbook"):
        read_text_table(path)


def test_a_missing_file_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="cannot read"):
        read_text_table(tmp_path / "absent.csv")
