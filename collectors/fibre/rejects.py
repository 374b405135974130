"""The rejects file: every row that was not imported, with its line and reason, fixable in place.

It is a CSV (UTF-8 with a BOM, so Excel opens it right) with the columns `reject_line` and
`reject_reason` first, then the file's own header: once the rows are corrected, the importer
reads the file again like the original (it ignores the two extra columns).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Final

from collectors.fibre.records import ImportResult

REJECT_COLUMNS: Final = ("reject_line", "reject_reason")
ENCODING: Final = "utf-8-sig"


def write_rejects(result: ImportResult, path: Path) -> Path:
    """Write the rejected rows of one import to `path` (replaced if it exists)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    delimiter = result.delimiter if result.delimiter in ",;\t" else ","
    partial = path.with_name(path.name + ".part")
    with partial.open("w", encoding=ENCODING, newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow([*REJECT_COLUMNS, *result.header])
        for rejection in result.rejections:
            writer.writerow([rejection.line, rejection.reason, *rejection.cells])
    partial.replace(path)  # readers never see a half-written file
    return path
