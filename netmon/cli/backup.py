"""backup and restore: a consistent copy of the SQLite store, and putting one back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.markup import escape
from rich.table import Table

from netmon.cli.common import ConfigOption, config_or_exit, console, err_console
from netmon.config.models import NetmonConfig
from netmon.db.backup import CopyError, Snapshot
from netmon.db.migrate import head

EXIT_REFUSED = 1
PG_DUMP = ("the store is PostgreSQL (store.url): back it up with pg_dump -Fc and put it back "
           "with pg_restore (docs/store.md, \"Backup and restore\")")


def _sqlite_store(config: NetmonConfig) -> Path:
    if config.store.url is not None:
        _refuse(PG_DUMP)
    return config.store.path


def _refuse(message: str) -> NoReturn:
    err_console.print(f"[bold red]refused[/]: {escape(message)}", highlight=False)
    raise typer.Exit(EXIT_REFUSED)


def _rows(snapshot: Snapshot, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in snapshot.rows.items():
        table.add_row(name, f"{count:,}")
    return table


def backup(
    config_file: ConfigOption,
    out: Annotated[Path, typer.Option("--out", "-o", help="The backup file to write.",
                                      show_default=False)],
) -> None:
    """Copy the store while `netmon run` goes on writing: one consistent moment, checked."""
    from netmon.db.backup import backup as take

    store = _sqlite_store(config_or_exit(config_file))
    try:
        copy = take(store, out)
    except CopyError as exc:
        _refuse(str(exc))
    moment = datetime.fromtimestamp(copy.taken_ns / 1e9, UTC).isoformat(timespec="milliseconds")
    console.print(_rows(copy, f"{out}: {store} as of {moment}"))
    console.print(f"schema revision {copy.revision} (this netmon: {head()}); "
                  f"taken_ns {copy.taken_ns}; integrity ok")


def restore(
    config_file: ConfigOption,
    file: Annotated[Path, typer.Argument(help="A file written by `netmon backup`.",
                                         show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing store (it is kept "
                                        "as <name>.before-restore-<time>).")] = False,
) -> None:
    """Check a backup and install it as the store (netmon run stopped); older ones migrated."""
    from netmon.db.restore import restore as install

    store = _sqlite_store(config_or_exit(config_file))
    try:
        done = install(file, store, force)
    except CopyError as exc:
        _refuse(str(exc))
    console.print(_rows(done.installed, f"{store}: restored from {file}"))
    migrated = (f", migrated from {done.from_revision}"
                if done.from_revision != done.installed.revision else "")
    console.print(f"schema revision {done.installed.revision}{migrated}; integrity ok")
    if done.kept is not None:
        console.print(f"the replaced store is kept as {done.kept}")
