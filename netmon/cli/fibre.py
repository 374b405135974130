"""`netmon fibre import` and `netmon fibre status`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer

from collectors.fibre.records import FORMATS, FormatName
from netmon.cli.common import ConfigOption, config_or_exit, console, err_console, fail_config
from netmon.config.models import NetmonConfig
from netmon.db.url import database_exists, database_where
from netmon.fibre.settings import FibreSettings, plan_problems

if TYPE_CHECKING:
    from collectors.fibre.importer import ImportOutcome

EXIT_REJECTED: Final = 1  # imported, but some rows were rejected
EXIT_UNUSABLE: Final = 3  # a file could not be imported at all (wrong format, unreadable)
MAX_SHOWN_REJECTS: Final = 200  # the rejects file has them all
QUARTERS_SHOWN: Final = 8

fibre_app = typer.Typer(help="Fibre (FTTH) rollout: import deployment files, show progress.",
                        no_args_is_help=True)


def fibre_config_or_exit(path: Path) -> tuple[NetmonConfig, FibreSettings]:
    """The config and its fibre settings (defaults when there is no `fibre:`); exit 2 if bad."""
    config = config_or_exit(path)
    settings = config.fibre or FibreSettings()
    problems = plan_problems(settings, [z.id for z in config.zones], str(config.source or path))
    if problems:
        fail_config(problems)
    return config, settings


def _format(value: str | None) -> FormatName | None:
    if value is None:
        return None
    if value not in FORMATS:
        raise typer.BadParameter(f"{value!r}: use one of {', '.join(FORMATS)}")
    return value


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def import_files(
    config_file: ConfigOption,
    files: Annotated[list[Path] | None, typer.Argument(
        help="Files to import; none: the config's fibre.imports and fibre.watch_dir.",
        show_default=False)] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help=f"{' | '.join(FORMATS)}; detected when not given.",
        show_default=False)] = None,
    day: Annotated[str | None, typer.Option(
        "--date", help="Day a base_imb snapshot describes (YYYY-MM-DD); default: from its "
        "file name, else its modification time.", show_default=False)] = None,
    rejects: Annotated[Path | None, typer.Option(
        "--rejects", help="Where to write the rejected rows (one file only); default: "
        "fibre-rejects/ next to the store.", show_default=False)] = None,
    only_new: Annotated[bool, typer.Option(
        "--only-new", help="Skip files already imported with the same content.")] = False,
    sheet: Annotated[str | None, typer.Option(
        "--sheet", help="Sheet of an ARCEP workbook (default: the one named Communes).",
        show_default=False)] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Import a file cut short (its complete rows) or far smaller than "
                          "the last import of its format.")] = False,
) -> None:
    """Import fibre files into the store: good rows kept, bad rows reported and set aside.

    Exit 0: all imported; 1: some rows rejected; 2: bad config; 3: a file could not be read.
    """
    config, _ = fibre_config_or_exit(config_file)
    chosen, snapshot = _format(fmt), _day(day)
    if rejects is not None and files is not None and len(files) > 1:
        raise typer.BadParameter("--rejects names one file: import one file at a time")
    # Imported here, not at the top: pandas and geopandas take a second to load.
    from collectors.fibre.importer import FibreImporter
    from netmon.store.session import write_session

    with write_session(config.store) as session:
        importer = FibreImporter(config, session.owner, session.publish)
        if files:
            outcomes = [importer.import_file(f, chosen, day=snapshot, skip_unchanged=only_new,
                                             rejects_path=rejects, sheet=sheet,
                                             replace=replace) for f in files]
        else:
            outcomes = importer.import_configured(skip_unchanged=only_new)
            if not outcomes:
                err_console.print("nothing to import: give files, or set fibre.imports or "
                                  "fibre.watch_dir in the config", highlight=False)
    code = 0
    for outcome in outcomes:
        code = max(code, _report(outcome))
    if len(outcomes) > 1:
        console.print(f"all files: {files_summary(outcomes)}", highlight=False)
    raise typer.Exit(code)


def files_summary(outcomes: list[ImportOutcome]) -> str:
    """`3 files imported, 1 refused; 41 figures, 6 rows rejected` (figures: zone and day)."""
    refused = sum(1 for o in outcomes if o.error is not None)
    imported = sum(1 for o in outcomes if o.error is None and not o.unchanged)
    unchanged = len(outcomes) - refused - imported
    figures = sum(o.imported for o in outcomes)
    rejected = sum(o.rejected for o in outcomes)
    return (f"{imported} imported, {refused} refused, {unchanged} unchanged; {figures:,} figures "
            f"(one zone on one day), {rejected:,} rows rejected")


def _report(outcome: ImportOutcome) -> int:
    """Print what importing one file did; its exit code."""
    if outcome.error is not None:
        err_console.print(f"[bold red]error[/] {outcome.error}", highlight=False, soft_wrap=True)
        return EXIT_UNUSABLE
    if outcome.unchanged:
        console.print(outcome.summary(), highlight=False, markup=False)
        return 0
    console.print(f"[bold]{outcome.path}[/]", highlight=False)
    for note in outcome.notes:
        console.print(f"  {note}", highlight=False, markup=False)
    for rejection in outcome.rejections[:MAX_SHOWN_REJECTS]:
        err_console.print(f"  {rejection}", highlight=False, markup=False, soft_wrap=True)
    hidden = len(outcome.rejections) - MAX_SHOWN_REJECTS
    if hidden > 0:
        err_console.print(f"  ... and {hidden} more in {outcome.rejects_file}", highlight=False)
    for problem in outcome.sink_errors:
        err_console.print(f"  [red]not stored:[/] {problem}", highlight=False)
    console.print(outcome.summary(), highlight=False, markup=False, soft_wrap=True)
    if outcome.sink_errors:
        return EXIT_UNUSABLE
    return EXIT_REJECTED if outcome.rejected else 0


def status(
    config_file: ConfigOption,
    zone: Annotated[str | None, typer.Option(
        "--zone", "-z", help="Only this zone (id or INSEE code).", show_default=False)] = None,
    quarters: Annotated[bool, typer.Option(
        "--quarters", help="Also show the last quarters of each zone.")] = False,
) -> None:
    """% connectable per zone and for the town, the plan, and the projected completion."""
    config, settings = fibre_config_or_exit(config_file)
    from netmon.cli.fibre_table import progress_tables, quarters_table
    from netmon.fibre.history import FibreHistory
    from netmon.fibre.progress import RolloutProgress

    if not database_exists(config.store):
        console.print(f"no fibre data yet: the store {database_where(config.store)} does not "
                      f"exist; run `netmon fibre import -c {config_file}`", highlight=False)
        return
    with FibreHistory(config.store) as history:
        milestones = history.milestones()
        last = history.imports()[-1:] if milestones else []
    if zone is not None:
        milestones = [m for m in milestones if m.zone == zone]
    if not milestones:
        console.print(f"no fibre data{f' for zone {zone}' if zone else ''} in "
                      f"{database_where(config.store)}; run `netmon fibre import -c {config_file}`",
                      highlight=False)
        return
    rows = RolloutProgress(config, settings).of(milestones)
    for table in progress_tables(rows, f"Fibre rollout — {config.site}", console.width):
        console.print(table)
    if quarters:
        for row in rows:
            console.print(quarters_table(row, QUARTERS_SHOWN))
    console.print(f"% = connectable / total, counted in premises (locaux), or in buildings for "
                  f"ARCEP's base_imb; Δ qtr = gain over the last quarter; gap = % - "
                  f"plan. Projected completion: a straight line on the last "
                  f"{settings.projection_quarters} quarters reaching {settings.completion_pct:g} "
                  f"%, with its 95 % confidence interval in brackets.", highlight=False)
    if last:
        entry = last[0]
        when = date.fromtimestamp(entry.imported_ns / 1e9).isoformat()
        console.print(f"Last import: {entry.file} on {when} ({entry.imported} figures "
                      f"imported, {entry.rejected} rows rejected).", highlight=False, markup=False)


fibre_app.command("import")(import_files)
fibre_app.command("status")(status)
