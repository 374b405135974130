"""Fibre test material: configs in a temporary folder and files in each format, made here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Final

import yaml
from openpyxl import Workbook

from netmon.config import NetmonConfig, load_config

REPO: Final = Path(__file__).resolve().parents[2]
SAMPLES: Final = REPO / "collectors" / "fibre" / "samples"
# The real commune outline (IGN Admin Express, Licence Ouverte): tests/data/README.md.
COMMUNE_OUTLINE: Final = REPO / "tests" / "data" / "aix-les-bains-73008.geojson"

CENTRE: Final = [[5.9078, 45.6851], [5.911, 45.6838], [5.9185, 45.6846], [5.9228, 45.687],
                 [5.9222, 45.6915], [5.917, 45.6928], [5.9105, 45.692], [5.9075, 45.6892]]
GRAND_PORT: Final = [[5.8838, 45.6958], [5.8915, 45.6955], [5.8928, 45.6985],
                     [5.8905, 45.7025], [5.885, 45.703], [5.8832, 45.7]]
ZONES: Final = [{"id": "centre", "name": "Centre-ville", "polygon": CENTRE},
                {"id": "grand-port", "name": "Grand Port", "polygon": GRAND_PORT}]
QUARTER_MONTH_DAY: Final = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


def write_config(folder: Path, fibre: dict[str, Any] | None = None,
                 zones: Sequence[dict[str, Any]] = ZONES, **top: Any) -> Path:
    """A netmon config with the demo's two zones, its store inside `folder`."""
    doc: dict[str, Any] = {"site": "Aix-les-Bains", "store": {"path": "var/netmon.db"},
                           "zones": list(zones), **top}
    if fibre is not None:
        doc["fibre"] = fibre
    path = folder / "netmon.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def config_in(folder: Path, fibre: dict[str, Any] | None = None, **top: Any) -> NetmonConfig:
    return load_config(write_config(folder, fibre, **top))


def quarter_end(year: int, quarter: int) -> date:
    month, day = QUARTER_MONTH_DAY[quarter]
    return date(year, month, day)


def arcep_rows(quarters: Sequence[tuple[int, int]]) -> list[list[object]]:
    """Commune rows as ARCEP publishes them: Aix-les-Bains, two neighbours and one in the Ain."""
    communes = [("73", "73008", "Aix-les-Bains", 23850, 1.9),
                ("73", "73065", "Chambéry", 41210, 0.2),
                ("73", "73128", "Grésy-sur-Aix", 2590, 3.1),
                ("01", "01004", "Ambérieu-en-Bugey", 9120, 2.0)]
    rows: list[list[object]] = []
    for dep, code, name, estimate, mid in communes:
        values: list[object] = []
        for i, _ in enumerate(quarters):
            connectable = int(estimate * 0.98 / (1 + math.exp(-0.9 * (i / 4 - mid))))
            values.append(connectable if connectable >= 20 else None)
        rows.append([dep, "Savoie" if dep == "73" else "Ain", code, name, estimate, *values])
    return rows


def write_arcep_workbook(path: Path, quarters: Sequence[tuple[int, int]],
                         labels: Sequence[str] | None = None, title_rows: int = 4,
                         sheet: str = "Communes", numeric_codes: bool = False) -> Path:
    """An ARCEP-style workbook: a cover sheet, then `sheet` with its header under a title."""
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Lisez-moi"
    cover.append(["Observatoire du haut et très haut débit : déploiements"])
    book.create_sheet("Départements").append(["Code département", "T4 2017"])
    communes = book.create_sheet(sheet)
    communes.append(["Déploiements FttH par commune — locaux raccordables en fin de trimestre"])
    for _ in range(title_rows - 1):
        communes.append([])
    header = list(labels) if labels is not None else [
        "Code département", "Nom département", "Code commune", "Nom commune",
        "Meilleure estimation des locaux à date"]
    communes.append([*header, *(f"T{q} {y}" for y, q in quarters)])
    for row in arcep_rows(quarters):
        if numeric_codes:
            row[2] = int(str(row[2]))  # as Excel keeps 01004: the number 1004
        communes.append(row)
    communes.append([])
    communes.append(["Source : Arcep, données déclarées par les opérateurs"])
    book.save(path)
    return path


def quarters_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    return [(y, q) for y in range(first[0], last[0] + 1) for q in (1, 2, 3, 4)
            if first <= (y, q) <= last]
