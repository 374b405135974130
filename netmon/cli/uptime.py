"""`netmon uptime`: uptime per zone and per AP over a period, worst first, maintenance excluded."""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from netmon.alerts.messages import duration_text
from netmon.alerts.uptime import UptimeRow, parse_period, uptime_rows
from netmon.cli.common import EXIT_CONFIG, ConfigOption, config_or_exit, console, err_console
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url

CSV_COLUMNS = ("level", "id", "name", "zone", "uptime_pct", "down_s", "monitored_s",
               "maintenance_s", "incidents", "longest_s", "observed_pct")
NO_DATA = "no data"  # netmon watched none of the period: unknown, never 100 %


def _table(title: str, rows: list[UptimeRow]) -> Table:
    table = Table(title=title, title_justify="left")
    # Ids are what operators grep for: never cut them, let the names wrap instead.
    widest = max((len(r.id) for r in rows), default=2)
    table.add_column("id", no_wrap=True, min_width=widest)
    table.add_column("name")
    table.add_column("zone", no_wrap=True)
    for column in ("uptime", "down", "incidents", "longest", "maintenance", "observed"):
        table.add_column(column, justify="right")
    for row in rows:
        pct = row.uptime_pct
        style = "dim" if pct is None else "red" if pct < 99 else "yellow" if pct < 99.9 else ""
        table.add_row(row.id, row.name, row.zone, NO_DATA if pct is None else f"{pct:.3f} %",
                      duration_text(row.down_s), str(row.incidents),
                      duration_text(row.longest_s) if row.incidents else "-",
                      duration_text(row.maintenance_s) if row.maintenance_s else "-",
                      f"{row.observed_pct:.1f} %", style=style)
    return table


def uptime(
    config_file: ConfigOption,
    period: Annotated[str, typer.Option(help="START..END: dates (end day included) or ISO "
                                             "datetimes, in the config's time zone.")],
    zone: Annotated[str | None, typer.Option(help="Only this zone.")] = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Also write the rows here.")]
    = None,
) -> None:
    """Uptime per zone and per AP over a period (worst first); maintenance windows excluded."""
    config = config_or_exit(config_file)
    try:
        start_ns, end_ns = parse_period(period, config.timezone)
    except ValueError as exc:
        err_console.print(f"--period: {exc}", markup=False)
        raise typer.Exit(EXIT_CONFIG) from None
    if zone is not None and zone not in {z.id for z in config.zones}:
        known = ", ".join(z.id for z in config.zones)
        err_console.print(f"--zone: unknown zone {zone!r} (known: {known})", markup=False)
        raise typer.Exit(EXIT_CONFIG)
    reader = DatabaseReader(database_url(config.store))
    try:
        if not reader.ready():
            err_console.print(f"{reader.where}: no database yet (netmon has not run): "
                              "every figure is unknown", markup=False)
            zones: list[UptimeRow] = []
            aps: list[UptimeRow] = []
        else:
            with reader.snapshot() as conn:
                zones, aps = uptime_rows(config, conn, start_ns, end_ns, time.time_ns(), zone)
    finally:
        reader.close()
    console.print(_table(f"{config.site}: zones, {period}", zones))
    console.print(_table(f"{config.site}: APs, {period}", aps))
    if csv_file is not None:
        with csv_file.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for row in [*zones, *aps]:
                pct = row.uptime_pct
                writer.writerow([row.level, row.id, row.name, row.zone,
                                 "" if pct is None else f"{pct:.4f}",
                                 f"{row.down_s:.0f}", f"{row.monitored_s:.0f}",
                                 f"{row.maintenance_s:.0f}", row.incidents,
                                 f"{row.longest_s:.0f}", f"{row.observed_pct:.2f}"])
        console.print(f"wrote {csv_file}", highlight=False)
