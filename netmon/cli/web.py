"""`netmon web`: serve the status page, API, map and report from the database; poll nothing."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.markup import escape

from netmon.cli.common import EXIT_CONFIG, ConfigOption, config_or_exit, err_console, fail_config
from netmon.db.url import database_where


def web(
    config_file: ConfigOption,
    listen: Annotated[str | None, typer.Option(
        "--listen", help="HOST:PORT to serve on; default: the config's http.listen.",
        show_default=False)] = None,
) -> None:
    """Serve the status page, its JSON API, the map, the report and /healthz, read-only,
    from the database the pollers write (several can run behind a load balancer)."""
    from netmon.web.server import ListenError
    from netmon.web.service import StatusWebsite, serve_until_signalled
    from netmon.web.settings import HttpSettings

    config = config_or_exit(config_file)
    if not config.status_page.enabled:
        fail_config(["status_page.enabled is false: `netmon web` serves nothing else"])
    try:
        http = HttpSettings(listen=listen) if listen is not None else config.http
    except ValidationError as exc:
        err_console.print(f"--listen {escape(listen or '')}: {exc.errors()[0]['msg']}",
                          highlight=False)
        raise typer.Exit(EXIT_CONFIG) from None
    try:
        asyncio.run(serve_until_signalled(StatusWebsite(config, http)))
    except ListenError as exc:  # a busy port: say which, no traceback
        err_console.print(f"[bold red]cannot start[/]: {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from exc
    err_console.print(f"stopped serving {database_where(config.store)}")
