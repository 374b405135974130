"""`netmon spool status|requeue`: what waits for InfluxDB, and dead letters put back in line."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import NoReturn

import typer
from rich.markup import escape

from netmon.cli.common import ConfigOption, config_or_exit, console, err_console
from netmon.config.models import NetmonConfig
from netmon.export.dead_letter import DeadLetterFile
from netmon.export.spool import Spool, SpoolBusy
from netmon.export.spool_location import spool_dir

NS_PER_S = 1_000_000_000
app = typer.Typer(help="The InfluxDB spool and dead letters (see docs/export.md).",
                  no_args_is_help=True)


def _fail(message: str) -> NoReturn:
    err_console.print(f"[bold red]error[/]: {escape(message)}", highlight=False)
    raise typer.Exit(1)


def _open(config: NetmonConfig) -> tuple[Spool, DeadLetterFile]:
    if config.influxdb is None:
        _fail("the config has no influxdb: section, so there is no spool")
    directory = spool_dir(config)
    try:
        spool = Spool(directory, config.influxdb.spool_max_bytes)
    except SpoolBusy as exc:
        _fail(f"{exc} (stop it first)")
    return spool, DeadLetterFile(directory, config.influxdb.spool_max_bytes)


@app.command("status")
def status(config_file: ConfigOption) -> None:
    """How many points wait in the spool, since when, and how many were dead-lettered."""
    spool, letters = _open(config_or_exit(config_file))
    try:
        depth = spool.depth()
        console.print(f"spool {spool.path}: {depth.points} points in {depth.batches} batches, "
                      f"{depth.bytes / 2**20:.1f} of {spool.max_bytes / 2**20:.0f} MB")
        if depth.oldest_ns is not None:
            oldest = datetime.fromtimestamp(depth.oldest_ns / NS_PER_S, UTC)
            age_s = time.time() - depth.oldest_ns / NS_PER_S
            console.print(f"  oldest batch spooled {oldest:%Y-%m-%d %H:%M:%S} UTC "
                          f"({age_s / 60:.0f} min ago)")
        dead = list(letters.batches())
        if dead:
            console.print(f"[yellow]dead letters[/] {letters.path}: "
                          f"{sum(d.batch.points for d in dead)} points in {len(dead)} batches; "
                          f"last reason: {escape(dead[-1].reason)}")
        else:
            console.print("no dead letters")
    finally:
        spool.close()


@app.command("requeue")
def requeue(config_file: ConfigOption) -> None:
    """Put the dead letters back at the spool's tail (after fixing the cause); netmon stopped."""
    spool, letters = _open(config_or_exit(config_file))
    try:
        dead = list(letters.batches())
        if not dead:
            console.print("no dead letters to requeue")
            return
        for letter in dead:
            spool.append(letter.batch)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = letters.path.with_name(f"dead-letter-requeued-{stamp}.lp")
        letters.path.rename(kept)
        console.print(f"requeued {sum(d.batch.points for d in dead)} points "
                      f"({len(dead)} batches); the next `netmon run` sends them. "
                      f"The old file is kept as {kept}")
    finally:
        spool.close()
