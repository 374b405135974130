"""Reading a fibre file into rows of text: encoding, separator and decimal comma, whatever made it.

French open data comes as UTF-8 (with or without a BOM) or as cp1252 from Excel, separated by
`,` or `;` (Excel in French uses `;` because `,` is the decimal mark), with numbers such as
`1 234` or `12,5`. Every row keeps its line number so a bad one can be reported where it is.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Final

from openpyxl import load_workbook

from collectors.fibre.labels import normalise
from collectors.fibre.quarters import quarter_end
from collectors.fibre.records import FormatError, ImportResult

DELIMITERS: Final = ",;\t|"
SNIFF_CHARS: Final = 64 * 1024
# Fallbacks after UTF-8: Excel's Western European code page, then Latin-1 (never fails).
LEGACY_ENCODINGS: Final = ("cp1252", "latin-1")
EXCEL_SUFFIXES: Final = (".xlsx", ".xlsm")
# Spaces used as thousands separators: normal, no-break and narrow no-break.
THOUSANDS_SPACES: Final = re.compile(r"[ \u00a0\u202f']")
NUMBER: Final = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
DATE_FORMATS: Final = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d/%m/%y")

Row = tuple[int, list[str]]
CUT_ROW: Final = "the file ends in the middle of this row (a download cut short?)"


@dataclass(frozen=True, slots=True)
class TextTable:
    """A file as rows of text cells, each with the line (or sheet row) it starts on."""

    path: Path
    rows: list[Row]
    encoding: str
    delimiter: str
    sheet: str | None = None
    # The line of a last row cut short: the file ends without a newline inside a row.
    cut_line: int | None = None

    def describe(self) -> str:
        if self.sheet is not None:
            return f"sheet {self.sheet!r}"
        return f"{self.encoding}, separator {self.delimiter!r}"


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (BOM or not), else cp1252, else Latin-1."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in LEGACY_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def sniff_delimiter(text: str) -> str:
    """The separator of the first lines: csv.Sniffer, else the most frequent candidate."""
    sample = text[:SNIFF_CHARS]
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    counts = {d: sum(line.count(d) for line in lines) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_csv(text: str, delimiter: str) -> Iterator[Row]:
    """Rows with the line they start on; a row csv cannot parse comes back as one raw cell."""
    lines = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=False)
    consumed = 0
    while True:
        start = consumed + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            consumed = reader.line_num
            raw = "".join(lines[start - 1 : consumed]).rstrip("\r\n")
            yield start, ["\x00csv-error", raw]
            continue
        consumed = reader.line_num
        yield start, cells


def read_text_table(path: Path) -> TextTable:
    """A CSV (or text) file as rows, whatever its encoding and separator."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if data.startswith(b"PK\x03\x04"):
        raise FormatError(f"{path}: is a zip archive or a workbook, not a CSV file "
                          f"(a workbook must be named .xlsx)")
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    # The csv field limit is per cell; a fibre file has no cell this long unless it is broken.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    rows = list(parse_csv(text, delimiter))
    return TextTable(path, rows, encoding, delimiter, cut_line=_cut_line(text, rows))


def _cut_line(text: str, rows: list[Row]) -> int | None:
    """A download cut short ends without a newline, in a row shorter than the one before
    (or in an open quote): that row's line; None for a whole file."""
    if not rows or text.endswith(("\n", "\r")):
        return None
    line, cells = rows[-1]
    if is_csv_error(cells) or '"' in cells[-1]:
        return line
    before = [c for _, c in rows[:-1] if any(x.strip() for x in c)]
    return line if before and len(cells) < len(before[-1]) else None


def is_csv_error(cells: list[str]) -> bool:
    """True for the placeholder row parse_csv yields when csv could not parse a line."""
    return len(cells) == 2 and cells[0] == "\x00csv-error"


def data_rows(table: TextTable, header_index: int, result: ImportResult,
              ) -> Iterator[tuple[int, list[str]]]:
    """The rows below the header, blank ones skipped and unreadable ones rejected."""
    for line, cells in table.rows[header_index + 1 :]:
        if not any(c.strip() for c in cells):
            continue
        if is_csv_error(cells):
            result.reject(line, "not a readable CSV row", cells[1:])
            continue
        if line == table.cut_line:
            result.reject(line, CUT_ROW, cells)
            continue
        yield line, cells


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def pick_sheet(names: list[str], wanted: str) -> str | None:
    """The sheet whose normalised name is `wanted`, or contains it; None when there is none."""
    target = normalise(wanted)
    exact = [n for n in names if normalise(n) == target]
    if exact:
        return exact[0]
    partial = [n for n in names if target in normalise(n)]
    return partial[0] if partial else None


def read_workbook_sheet(path: Path, wanted_sheet: str) -> TextTable:
    """One sheet of an .xlsx workbook as rows of text, with their sheet row numbers."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, InvalidFileException, XML errors: no common base
        raise FormatError(f"{path}: not a readable .xlsx workbook: {exc}") from exc
    try:
        name = pick_sheet(book.sheetnames, wanted_sheet)
        if name is None:
            sheets = ", ".join(repr(n) for n in book.sheetnames) or "none"
            raise FormatError(f"{path}: no sheet named {wanted_sheet!r} (sheets: {sheets})")
        rows: list[Row] = []
        for number, values in enumerate(book[name].iter_rows(values_only=True), start=1):
            rows.append((number, [cell_text(v) for v in values]))
    finally:
        book.close()
    return TextTable(path, rows, "xlsx", ",", sheet=name)


def is_workbook(path: Path) -> bool:
    return path.suffix.lower() in EXCEL_SUFFIXES


def parse_number(text: str) -> float | None:
    """`1 234,5`, `1234.5`, `1.234,5`, `1,234.5` -> 1234.5; None when it is not a number."""
    value = THOUSANDS_SPACES.sub("", text.strip())
    if not value:
        return None
    if "," in value and "." in value:
        # The one that comes last is the decimal mark; the other separates thousands.
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif "," in value:
        value = value.replace(",", ".") if value.count(",") == 1 else value.replace(",", "")
    elif value.count(".") > 1:
        value = value.replace(".", "")
    if not NUMBER.fullmatch(value):
        return None
    number = float(value)
    return number if number == number and abs(number) != float("inf") else None


def parse_count(text: str, what: str) -> int | None:
    """A count of premises: None when empty; ValueError (the reason) when it is not one."""
    if not text.strip():
        return None
    number = parse_number(text)
    if number is None:
        raise ValueError(f"{what} {text.strip()!r} is not a number")
    if number < 0:
        raise ValueError(f"{what} {text.strip()!r} is negative")
    if not number.is_integer():
        raise ValueError(f"{what} {text.strip()!r} is not a whole number")
    return int(number)


def parse_day(text: str) -> date:
    """A day as French files write it (ISO, DD/MM/YYYY, a quarter such as T4 2017)."""
    value = text.strip()
    if not value:
        raise ValueError("date is empty")
    quarter = quarter_end(value)
    if quarter is not None:
        return quarter
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date {value!r} is not a date (expected YYYY-MM-DD, DD/MM/YYYY or T1 2024)")
