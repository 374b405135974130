"""`netmon dashboards build` and `netmon dashboards push`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final

import typer
from rich.table import Table

from netmon.cli.common import ConfigOption, config_or_exit, console, err_console

EXIT_PUSH_FAILED: Final = 1

app = typer.Typer(help="Grafana dashboards as code: build the JSON, push it to Grafana.",
                  no_args_is_help=True)


@app.command("build")
def build(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the dashboards and the "
                                      "provisioning files into.", show_default=False)],
    config_file: Annotated[Path, typer.Option(
        "--config", "-c", help="Config whose site name and AP positions go into the "
        "dashboards (the demo town's: netmon-demo/config/demo.yaml after `netmon demo`).",
        show_default=False)],
) -> None:
    """Write the five dashboards (InfluxDB and Prometheus flavours) and provisioning YAML."""
    from dashboards.output import write_tree  # the Grafana SDK loads only for this command

    config = config_or_exit(config_file)
    written = write_tree(config, out)
    console.print(f"wrote {len(written)} files to {out}", highlight=False)


@app.command("push")
def push(config_file: ConfigOption) -> None:
    """Create or update the folder, data sources and dashboards in Grafana (grafana: section).

    URL and token come from `grafana.url` / `grafana.token`, else NETMON_GRAFANA_URL /
    NETMON_GRAFANA_TOKEN. Exit 1 when Grafana refuses or cannot be reached.
    """
    from dashboards.push import PushError
    from dashboards.push import push as push_all

    config = config_or_exit(config_file)
    try:
        results = push_all(config)
    except PushError as exc:
        err_console.print(f"push failed: {exc}", markup=False, highlight=False)
        raise typer.Exit(EXIT_PUSH_FAILED) from None
    table = Table(title="Grafana", title_justify="left")
    for column in ("kind", "uid", "title", "action"):
        table.add_column(column)
    for result in results:
        table.add_row(result.kind, result.uid, result.title, result.action)
    console.print(table)
