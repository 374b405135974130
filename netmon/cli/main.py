"""Entry point: `netmon COMMAND --help`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy.exc import DatabaseError

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
from netmon.cli.common import EXIT_CONFIG, err_console, package_version, setup_logging
from netmon.cli.fibre import fibre_app
from netmon.cli.spool import app as spool_app
from netmon.cli.web import web
from netmon.db.migrate import SchemaError

app = typer.Typer(help="netmon: a town's public Wi-Fi and fibre rollout, watched.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def _version(asked: bool) -> None:
    if asked:
        typer.echo(f"netmon {package_version()}")
        raise typer.Exit()


@app.callback()
def _options(
    log_level: Annotated[str, typer.Option("--log-level", help="debug, info, warning, error.")]
    = "warning",
    _: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                    help="Print netmon's version and exit.")] = False,
) -> None:
    setup_logging(log_level)


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
