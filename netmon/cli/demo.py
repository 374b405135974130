"""`netmon demo`: the simulated Aix-les-Bains fleet, polled into the store, shown live."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.live import Live

from netmon import demo_town
from netmon.cli.common import EXIT_CONFIG, catalog_or_exit, config_or_exit, console, err_console
from netmon.cli.fleet_table import fleet_table
from netmon.config.models import NetmonConfig
from netmon.observation import Cycle

DEMO_DIR = Path("netmon-demo")


def _title(config: NetmonConfig, report: Cycle) -> str:
    down = sum(not r.up for r in report.observations)
    clients = sum(r.clients or 0 for r in report.observations)
    return (f"{config.site}: {len(report.observations)} APs, {down} down, {clients} clients "
            f"(cycle {report.duration_s * 1000:.0f} ms, {report.requests} requests)")


def demo(
    workdir: Annotated[Path, typer.Option(
        "--dir", help="Folder for the demo's config copy, store, maps and report.")]
    = DEMO_DIR,
    config_file: Annotated[Path | None, typer.Option(
        "--config", "-c", help="Simulate this config instead of the shipped demo town "
        "(used as it is: its store, maps and report go where it says).", show_default=False)]
    = None,
    duration_s: Annotated[float | None, typer.Option(
        "--duration", help="Exit cleanly after this many seconds (default: until Ctrl-C).")]
    = None,
) -> None:
    """Start the simulated fleet, poll it on schedule into the store and show it live."""
    # Loaded here: the other commands start without the monitor's and simulator's weight.
    from netmon.cli.demo_guide import where_to_look
    from netmon.cli.demo_outputs import write_demo_outputs
    from netmon.runtime import Monitor, run_until_signalled
    from netmon.sim.fleet import SimulatedFleet, plan_fleet

    if config_file is None:
        try:
            config_file = demo_town.prepare(workdir)
        except OSError as exc:  # a file in the way, a folder not ours
            err_console.print(f"demo: cannot copy the demo town into {workdir}/config: "
                              f"{exc.strerror or exc}", markup=False, highlight=False)
            raise typer.Exit(EXIT_CONFIG) from None
        console.print(f"demo town copied to {config_file.parent} (rewritten on each run: copy "
                      "it elsewhere to change it, then pass -c)", highlight=False)
    config = config_or_exit(config_file)
    catalog = catalog_or_exit()
    plan = plan_fleet(config, catalog)
    fleet = SimulatedFleet(plan, Path(tempfile.mkdtemp(prefix="netmon-demo-")))
    console.print(f"starting {len(plan.agents)} simulated agents for {len(config.aps)} APs "
                  "on 127.0.0.1 …")
    fleet.start()
    live = Live(console=console, auto_refresh=False, transient=False) \
        if console.is_terminal else None

    announced = False

    def show(report: Cycle) -> None:
        nonlocal announced
        if not announced:  # the listener is up by the first cycle
            announced = True
            console.print("\n".join(where_to_look(config, monitor.exporters)),
                          highlight=False, markup=False, soft_wrap=True)
        table = fleet_table(config, report.observations, _title(config, report))
        if live is not None:
            live.update(table, refresh=True)
        else:
            console.print(_title(config, report))

    monitor = Monitor(config, catalog, on_cycle=show)
    started_ns = time.time_ns()
    try:
        if live is not None:
            with live:
                asyncio.run(run_until_signalled(monitor, duration_s))
        else:
            asyncio.run(run_until_signalled(monitor, duration_s))
    finally:
        fleet.stop()
    last = monitor.scheduler.completed_cycles
    console.print(f"demo stopped after {last} cycles; the store is {config.store.path}")
    write_demo_outputs(config, started_ns, console)
