"""Entry point: `netmon COMMAND --help`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy.exc import DatabaseError

from netmon import logs
from netmon.cli import (
    alerts,
    backup,
    commands,
    dashboards,
    demo,
    inventory,
    maps,
    probe,
    report,
    uptime,
)
from netmon.cli.common import EXIT_CONFIG, err_console, setup_logging
from netmon.cli.fibre import fibre_app
from netmon.cli.spool import app as spool_app
from netmon.cli.versions import version_line
from netmon.cli.web import web
from netmon.db.migrate import SchemaError

app = typer.Typer(help="netmon: a town's public Wi-Fi and fibre rollout, watched.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


@app.callback(invoke_without_command=True)
def _options(
    ctx: typer.Context,
    log_level: Annotated[str, typer.Option("--log-level", help="debug, info, warning, error.")]
    = "warning",
    log_format: Annotated[str | None, typer.Option(
        "--log-format", help="human (default) or json: one JSON object per line "
        "(also NETMON_LOG_FORMAT=json).", show_default=False)] = None,
    show_version: Annotated[bool, typer.Option(
        "--version", help="Print netmon's version and database schema, then exit.",
        is_eager=True)] = False,
) -> None:
    if show_version:
        typer.echo(version_line())
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(2)
    try:
        chosen = logs.log_format(log_format)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--log-format") from None
    setup_logging(log_level, chosen)


app.command("check-config")(commands.check_config)
app.command("poll")(commands.poll)
app.command("run")(commands.run)
app.command("sim")(commands.sim)
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
app.command("demo")(demo.demo)
app.add_typer(fibre_app, name="fibre")
app.add_typer(alerts.app, name="alerts")
app.command("uptime")(uptime.uptime)
app.command("probe")(probe.probe)
app.command("map")(maps.map_command)
app.command("report")(report.report)
app.command("web")(web)
app.add_typer(inventory.app, name="inventory")
app.add_typer(spool_app, name="spool")
app.add_typer(dashboards.app, name="dashboards")


def main() -> None:
    try:
        app()
    except SchemaError as exc:  # a database this netmon cannot use: say which, no traceback
        err_console.print(f"[bold red]database[/]: {escape(str(exc))}", highlight=False)
        raise SystemExit(EXIT_CONFIG) from None
    except DatabaseError as exc:  # not a database at all, or locked past the busy timeout
        err_console.print(f"[bold red]database[/]: {escape(str(exc.orig))}", highlight=False)
        raise SystemExit(EXIT_CONFIG) from None
