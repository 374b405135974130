"""check-config, poll, run and sim."""

from __future__ import annotations

import asyncio
import gc
import json
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from collectors.snmp.poller import ApPoller, build_targets, cycle_budget_s
from geo.zone_layout import zone_layout_warnings
from netmon.cli.common import (
    ConfigOption,
    catalog_or_exit,
    config_or_exit,
    console,
    err_console,
    fail_config,
    package_version,
)
from netmon.cli.fleet_table import fleet_table
from netmon.config.models import NetmonConfig
from netmon.db.url import database_where
from netmon.maps.inputs import layer_problems
from netmon.observation import Cycle
from netmon.sim.fleet import DEFAULT_FLAP_PERIOD_S
from netmon.web.exposure import exposure_warnings

RATE_WINDOW_S = 3.0


def wait_for_stop_signal() -> None:
    """Block until SIGINT or SIGTERM."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(1.0):
        pass


def budget_warnings(config: NetmonConfig) -> list[str]:
    """Intervals whose cycle budget cannot hold one silent AP's tries."""
    poll = config.poll
    tries_s = poll.timeout_s * (poll.retries + 1)
    intervals = {poll.interval_s} | {t.interval_s for t in build_targets(config)}
    return [f"poll: timeout_s x (retries + 1) = {tries_s:g} s does not fit the {budget:g} s "
            f"budget of a {interval} s cycle: a silent AP is cut short and reported as timed "
            "out before its last try" for interval in sorted(intervals)
            if tries_s > (budget := cycle_budget_s(interval))]


def shared_name_warnings(config: NetmonConfig) -> list[str]:
    """APs of one controller looked up by the same name: a name can match only one of them."""
    named: dict[tuple[str, str], list[str]] = {}
    for ap in config.aps:
        if ap.controller is not None and ap.mac is None and ap.serial is None:
            named.setdefault((ap.controller, ap.controller_name or ap.name), []).append(ap.id)
    return [f"controller {ctl}: APs {', '.join(ids)} are all looked up by the name {name!r}: "
            "give each its mac or serial (a name two rows share is never matched)"
            for (ctl, name), ids in sorted(named.items()) if len(ids) > 1]


def schema_line(config: NetmonConfig) -> str:
    """The database's schema revision beside this netmon's: what `netmon run` will do to it."""
    from netmon.db.backup import CopyError, stored_revision
    from netmon.db.migrate import head, known

    ours = head()
    path = config.store.path
    if config.store.url is not None:
        return f"schema: this netmon {ours}; the server's is checked by `netmon run`"
    if not path.exists():
        return f"schema: no database yet; `netmon run` creates it at {ours}"
    try:
        theirs = stored_revision(path)
    except CopyError as exc:
        return f"schema: this netmon {ours}; the database cannot be read: {exc}"
    if theirs == ours:
        return f"schema: database {theirs}, this netmon {ours} (up to date)"
    if theirs in known():
        return (f"schema: database {theirs}, this netmon {ours} (`netmon run` migrates it, "
                "keeping a copy first)")
    return f"schema: database {theirs or 'none'}, this netmon {ours} (not one it can use)"


def check_config(
    file: Annotated[Path, typer.Argument(help="netmon YAML config file.", show_default=False)],
) -> None:
    """Validate a config file, its includes and the map layers it names; exit 2 naming file and
    key path of each error."""
    config = config_or_exit(file)
    problems = layer_problems(config)
    if problems:
        fail_config(problems)
    for warning in [*budget_warnings(config), *exposure_warnings(config),
                    *shared_name_warnings(config), *zone_layout_warnings(config)]:
        console.print(f"[yellow]warning[/] {file}: {warning}")
    direct = sum(1 for ap in config.aps if ap.controller is None)
    console.print(f"[green]ok[/] {file}: {len(config.zones)} zones, {len(config.aps)} APs "
                  f"({direct} polled directly, {len(config.aps) - direct} through "
                  f"{len(config.controllers)} controllers), store {database_where(config.store)}")
    console.print(f"netmon {package_version()}; {schema_line(config)}", highlight=False)


def poll(
    config_file: ConfigOption,
    once: Annotated[bool, typer.Option("--once", help="Poll one cycle and exit.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per AP per line.")]
    = False,
    rate_window_s: Annotated[float, typer.Option(
        "--rate-window", help="Seconds between the two polls that give rx/tx rates; 0: no rates.",
    )] = RATE_WINDOW_S,
) -> None:
    """Poll every AP once and print what it answered (rates need two polls: see --rate-window)."""
    config = config_or_exit(config_file)
    catalog = catalog_or_exit()

    async def cycle() -> list:  # type: ignore[type-arg]
        poller = ApPoller(config.poll, catalog, build_targets(config))
        try:
            if rate_window_s > 0:
                began = time.monotonic()
                await poller.poll()
                await asyncio.sleep(max(0.0, rate_window_s - (time.monotonic() - began)))
            return (await poller.poll()).observations
        finally:
            await poller.close()

    readings = asyncio.run(cycle())
    if as_json:
        for reading in sorted(readings, key=lambda r: r.ap_id):
            print(json.dumps(reading.as_dict(), ensure_ascii=False))
    else:
        console.print(fleet_table(config, readings, f"{config.site}: {len(readings)} APs"))


def run(
    config_file: ConfigOption,
) -> None:
    """Poll on schedule into the store until SIGINT/SIGTERM; shuts down cleanly."""
    # Loaded here: check-config and the other commands start without the monitor's weight.
    from netmon.export.exporters import ExportError
    from netmon.runtime import Monitor, run_until_signalled

    config = config_or_exit(config_file)
    frozen = False

    def freeze_once(cycle: Cycle) -> None:
        # Process-wide, so set here: what the monitor holds for its lifetime (config, targets,
        # the state learnt on the first cycle) leaves the collector's reach. A full collection
        # at 10,000 APs stopped every thread, the loop included, for 40-65 ms (docs/export.md).
        nonlocal frozen
        if not frozen:
            frozen = True
            gc.freeze()

    try:
        monitor = Monitor(config, catalog_or_exit(), on_cycle=freeze_once)
        gc.freeze()
        asyncio.run(run_until_signalled(monitor))
    except ExportError as exc:  # a busy port or spool: say which, no traceback
        err_console.print(f"[bold red]cannot start[/]: {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from exc
    err_console.print(f"stopped; store flushed to {database_where(config.store)}")


def sim(
    config_file: ConfigOption,
    work_dir: Annotated[Path | None, typer.Option(help="Where to write the recordings.")] = None,
    flap_period_s: Annotated[float, typer.Option("--flap-period", help="Seconds a flapping AP "
                                                 "stays up, then down.")] = DEFAULT_FLAP_PERIOD_S,
) -> None:
    """Serve every AP of the config as a simulated SNMP agent on 127.0.0.1 until Ctrl-C."""
    from netmon.sim.fleet import SimulatedFleet, plan_fleet
    config = config_or_exit(config_file)
    plan = plan_fleet(config, catalog_or_exit())
    for reason in plan.skipped:
        err_console.print(f"[yellow]not simulated[/] {reason}")
    folder = work_dir or Path(tempfile.mkdtemp(prefix="netmon-sim-"))
    fleet = SimulatedFleet(plan, folder, flap_period_s)
    fleet.start()
    console.print(f"serving {len(plan.agents)} agents on 127.0.0.1 (recordings in {folder}); "
                  "Ctrl-C to stop")
    try:
        wait_for_stop_signal()
    finally:
        fleet.stop()
