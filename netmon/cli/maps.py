"""`netmon map`: coverage and fibre maps (PNG, offline HTML, GeoJSON) and coverage per zone."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from netmon.cli.common import EXIT_CONFIG, ConfigOption, config_or_exit, console, err_console
from netmon.config.models import NetmonConfig


def check_without(config: NetmonConfig, without: list[str]) -> tuple[str, ...]:
    """The --without ids, or exit 2 naming the unknown ones."""
    known = {ap.id for ap in config.aps}
    unknown = [i for i in without if i not in known]
    if unknown:
        err_console.print(f"--without: unknown AP {', '.join(map(repr, unknown))}",
                          markup=False)
        raise typer.Exit(EXIT_CONFIG)
    return tuple(without)


def coverage_table(title: str, zones: object) -> Table:
    import geopandas as gpd

    assert isinstance(zones, gpd.GeoDataFrame)
    table = Table(title=title, title_justify="left")
    for column, justify in (("zone", "left"), ("name", "left"), ("land km²", "right"),
                            ("covered km²", "right"), ("coverage", "right"),
                            ("APs counted", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for _, row in zones.iterrows():
        pct = row["coverage_pct"]
        table.add_row(str(row["id"]), str(row["name"]), f"{row['land_km2']:.3f}",
                      f"{row['covered_km2']:.3f}", "no data" if pct != pct else f"{pct:.1f} %",
                      f"{row['aps_counted']} / {row['aps_total']}")
    return table


def map_command(
    config_file: ConfigOption,
    out: Annotated[Path, typer.Option("--out", help="Folder for the map files.")] = Path("maps"),
    assume_up: Annotated[bool, typer.Option(
        "--assume-up", help="Count every enabled AP, whatever its state (coverage as deployed).")]
    = False,
    without: Annotated[list[str] | None, typer.Option(
        "--without", help="What if: leave this AP out (repeat for several).")] = None,
) -> None:
    """Write coverage.png, fibre.png, map.html (offline) and GeoJSON; print coverage per zone."""
    from geo.map_frame import OUTLIER_DISTANCE_M, frame_of
    from geo.vector_files import LayerError
    from netmon.maps.build import build_layers
    from netmon.maps.files import write_maps
    from netmon.maps.scenario import Scenario

    config = config_or_exit(config_file)
    scenario = Scenario(assume_up=assume_up, without=check_without(config, without or []))
    try:
        layers = build_layers(config, time.time_ns(), scenario)
    except LayerError as exc:
        err_console.print(str(exc), markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_CONFIG) from None
    written = write_maps(layers, out)
    console.print(coverage_table(f"{config.site}: coverage ({layers.coverage_note})",
                                 layers.zones))
    far = frame_of(layers, with_buildings=True).outliers
    if far:
        console.print(f"{len(far)} point(s) over {OUTLIER_DISTANCE_M / 1000:g} km from the zones "
                      "left out of the map frames:", highlight=False)
        for o in far:
            console.print(f"  {o.layer} {o.id}: {o.distance_m / 1000:.1f} km out",
                          highlight=False, markup=False)
    for path in written:
        console.print(f"wrote {path}", highlight=False)
