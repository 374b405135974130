"""A published list as a table: header and numbered rows of text, whatever the file format.

CSV (any separator, UTF-8 or Windows-1252), Excel workbooks, Opendatasoft JSON exports and any
vector file GDAL reads. A row with a real geometry carries its point as `__lat__`/`__lon__`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Final

from shapely.geometry import shape

ENCODINGS: Final = ("utf-8-sig", "cp1252")
VECTOR_SUFFIXES: Final = (".geojson", ".gpkg", ".shp", ".kml", ".fgb")
EXCEL_SUFFIXES: Final = (".xlsx", ".xlsm")
LAT, LON = "__lat__", "__lon__"

Rows = list[tuple[int, dict[str, str]]]


class ListFormatError(Exception):
    """The file cannot be read as a table at all."""


def read_table(path: Path, sheet: str | None = None) -> tuple[list[str], Rows]:
    """Header and rows (with their line, record or feature number) of a published list."""
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _workbook(path, sheet)
    if sheet is not None:
        raise ListFormatError(f"--sheet {sheet!r}: {path.name} is not a workbook")
    if suffix in VECTOR_SUFFIXES:
        return _vector(path)
    if suffix == ".json":
        return _json(path)
    return _csv(path)


def point_of(geometry: Any) -> tuple[float, float] | None:
    """(lat, lon) of a GeoJSON geometry or Feature: the point, or a point inside the shape."""
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        return None
    if geom.is_empty:
        return None
    point = geom if geom.geom_type == "Point" else geom.representative_point()
    return float(point.y), float(point.x)


def _text(value: Any) -> str:
    """A cell as text: nested objects (Opendatasoft's geo_point_2d) as JSON."""
    if value is None or value != value:  # None or NaN
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv(path: Path) -> tuple[list[str], Rows]:
    raw = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 decodes nearly anything; this is for safety
        raise ListFormatError(f"{path}: not text in UTF-8 or Windows-1252")
    try:
        dialect = csv.Sniffer().sniff(text[:20_000], delimiters=";,\t|")
    except csv.Error as exc:
        raise ListFormatError(f"{path}: not a CSV table (no ; , tab or | separated "
                              "columns found)") from exc
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise ListFormatError(f"{path}: empty file")
    header = [h.strip() for h in header]
    rows = []
    for row in reader:
        if any(cell.strip() for cell in row):
            rows.append((reader.line_num, dict(zip(header, (c.strip() for c in row),
                                                   strict=False))))
    return header, rows


def _workbook(path: Path, sheet: str | None) -> tuple[list[str], Rows]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise ListFormatError(f"{path}: cannot read it as an Excel workbook: {exc}") from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ListFormatError(f"{path}: no sheet {sheet!r} (sheets: "
                                  f"{', '.join(book.sheetnames)})")
        table = book[sheet] if sheet is not None else book.worksheets[0]
        lines = ((n, [_text(v) for v in values]) for n, values in
                 enumerate(table.iter_rows(values_only=True), start=1))
        filled = [(n, cells) for n, cells in lines if any(cells)]
    finally:
        book.close()
    if not filled:
        raise ListFormatError(f"{path}: the sheet {table.title!r} is empty")
    header = filled[0][1]
    return header, [(n, dict(zip(header, cells, strict=False))) for n, cells in filled[1:]]


def _json(path: Path) -> tuple[list[str], Rows]:
    """Opendatasoft exports: a list of records (flat, or v1 `fields` + `geometry`), an API
    answer (`results`/`records`), or GeoJSON."""
    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ListFormatError(f"{path}: not JSON: {exc}") from exc
    if isinstance(doc, dict) and doc.get("type") in ("FeatureCollection", "Feature"):
        return _vector(path)
    if isinstance(doc, dict):
        doc = next((doc[k] for k in ("results", "records") if isinstance(doc.get(k), list)),
                   None)
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        raise ListFormatError(f"{path}: JSON but not a list of records nor GeoJSON")
    header: dict[str, None] = {}
    rows: Rows = []
    for n, record in enumerate(doc, start=1):
        fields = record.get("fields") if isinstance(record.get("fields"), dict) else record
        cells = {k: _text(v) for k, v in fields.items()}
        header.update(dict.fromkeys(cells))
        if isinstance(record.get("geometry"), dict) and (point := point_of(record["geometry"])):
            cells[LAT], cells[LON] = repr(point[0]), repr(point[1])
        rows.append((n, cells))
    return list(header), rows


def _vector(path: Path) -> tuple[list[str], Rows]:
    import geopandas as gpd
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except (DataSourceError, DataLayerError, OSError, ValueError) as exc:
        raise ListFormatError(f"{path}: cannot read it as a vector file: {exc}") from exc
    if frame.crs is not None:
        frame = frame.to_crs("EPSG:4326")
    header = [str(c) for c in frame.columns if c != "geometry"]
    rows: Rows = []
    for n, (_, feature) in enumerate(frame.iterrows(), start=1):
        cells = {c: _text(feature[c]) for c in header}
        geom = feature.geometry
        if geom is not None and not geom.is_empty:
            point = geom if geom.geom_type == "Point" else geom.representative_point()
            cells[LAT], cells[LON] = repr(point.y), repr(point.x)
        rows.append((n, cells))  # feature number: the "line" of a vector file
    return header, rows
