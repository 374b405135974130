"""`netmon report`: the committee report (HTML and PDF) for a period."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from netmon.cli.common import EXIT_CONFIG, ConfigOption, config_or_exit, console, err_console


def report(
    config_file: ConfigOption,
    period: Annotated[str | None, typer.Option(
        help="START..END (dates, end day included, or ISO datetimes) in the config's time "
             "zone; default: the two whole months before this one.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for report.html and report.pdf.")]
    = Path("report"),
) -> None:
    """Write report.html and report.pdf: coverage, availability, incidents, usage, fibre."""
    from geo.vector_files import LayerError
    from netmon.report.documents import write_report
    from netmon.report.period import report_period

    config = config_or_exit(config_file)
    try:
        chosen, start_ns, end_ns = report_period(period, config.timezone)
    except ValueError as exc:
        err_console.print(f"--period: {exc}", markup=False)
        raise typer.Exit(EXIT_CONFIG) from None
    try:
        written = write_report(config, start_ns, end_ns, time.time_ns(), out)
    except LayerError as exc:
        err_console.print(str(exc), markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_CONFIG) from None
    console.print(f"{config.site}: report for {chosen}", highlight=False)
    for path in written:
        console.print(f"wrote {path}", highlight=False)
