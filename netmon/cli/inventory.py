"""`netmon inventory import`: a town's published hotspot list -> netmon inventory YAML."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Annotated, Final

import typer

from netmon.cli.common import EXIT_CONFIG, ConfigOption, config_or_exit, console, err_console

EXIT_REJECTED: Final = 1
EXIT_UNREADABLE: Final = 3
SHOWN_REJECTS: Final = 50

app = typer.Typer(help="Inventory from outside: hotspot lists published as open data.",
                  no_args_is_help=True)


def _column(role: str) -> object:
    return typer.Option(f"--{role}-column", help=f"Column holding the site's {role}.")


def _fail(message: str, code: int = EXIT_CONFIG) -> typer.Exit:
    err_console.print(message, markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


@app.command("import")
def import_list(
    file: Annotated[Path, typer.Argument(help="CSV, GeoJSON or other vector file of sites.",
                                         show_default=False)],
    config_file: ConfigOption,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="YAML file to write (default: FILE's name with .yaml, here).")]
    = None,
    zone: Annotated[str | None, typer.Option(help="Put every site in this zone.")] = None,
    fallback_zone: Annotated[str | None, typer.Option(
        help="Zone for sites inside no zone polygon (else they are rejected).")] = None,
    controller: Annotated[str | None, typer.Option(
        help="The APs are reported by this controller of the config.")] = None,
    host_template: Annotated[str | None, typer.Option(
        help="SNMP address of each AP, e.g. '{id}.wifi.example.org' ({id}, {site}, {n}).")]
    = None,
    id_prefix: Annotated[str, typer.Option(help="Prefix of every AP id.")] = "",
    placement: Annotated[str | None, typer.Option(help="indoor or outdoor for every AP.")]
    = None,
    profile: Annotated[str | None, typer.Option(help="SNMP profile of every AP.")] = None,
    model: Annotated[str | None, typer.Option(help="Hardware model of every AP.")] = None,
    id_column: Annotated[str | None, _column("id")] = None,
    name_column: Annotated[str | None, _column("name")] = None,
    address_column: Annotated[str | None, _column("address")] = None,
    lat_column: Annotated[str | None, _column("lat")] = None,
    lon_column: Annotated[str | None, _column("lon")] = None,
    point_column: Annotated[str | None, typer.Option(
        "--point-column", help="Column holding 'lat, lon' (e.g. geo_point_2d).")] = None,
    count_column: Annotated[str | None, typer.Option(
        "--count-column", help="Column holding the number of APs of the site.")] = None,
    status_column: Annotated[str | None, typer.Option(
        "--status-column", help="Column holding the site's status (not in service: disabled).")]
    = None,
    crs: Annotated[str | None, typer.Option(
        help="Reference system of the lat/lon columns when not WGS84, e.g. EPSG:2154 for "
             "Lambert-93 Y/X in metres.")] = None,
) -> None:
    """Read a hotspot list (site id, name, address, position, APs, status) into inventory YAML.

    Exit 0: every row imported; 1: some rows rejected (see the .rejects.csv); 2: bad option or
    config; 3: the file cannot be read as a hotspot list (nothing written).
    """
    from netmon.inventory.hotspot_inventory import (
        ImportChoices,
        build_inventory,
        inventory_yaml,
        template_problem,
    )
    from netmon.inventory.hotspot_list import HotspotListError, read_hotspot_list

    config = config_or_exit(config_file)
    zone_ids = {z.id for z in config.zones}
    for option, value in (("--zone", zone), ("--fallback-zone", fallback_zone)):
        if value is not None and value not in zone_ids:
            raise _fail(f"{option}: unknown zone {value!r} (known: {', '.join(sorted(zone_ids))})")
    if controller is not None and controller not in {c.id for c in config.controllers}:
        raise _fail(f"--controller: unknown controller {controller!r}")
    if controller is None and host_template is None:
        raise _fail("a hotspot list has no SNMP addresses: give --controller ID (the APs are "
                    "reported by a controller) or --host-template TEMPLATE (e.g. "
                    "'{id}.wifi.example.org')")
    if host_template is not None and (problem := template_problem(host_template)):
        raise _fail(problem)
    if placement not in (None, "indoor", "outdoor"):
        raise _fail(f"--placement: {placement!r} is neither indoor nor outdoor")
    given = {"id": id_column, "name": name_column, "address": address_column,
             "lat": lat_column, "lon": lon_column, "point": point_column,
             "count": count_column, "status": status_column}
    try:
        rows = read_hotspot_list(file, given, crs)
    except HotspotListError as exc:
        raise _fail(str(exc), EXIT_UNREADABLE) from None
    choices = ImportChoices(zone=zone, fallback_zone=fallback_zone, controller=controller,
                            host_template=host_template, id_prefix=id_prefix,
                            placement=placement, profile=profile, model=model)
    inventory = build_inventory(config, rows.sites, choices)
    target = out or Path(f"{file.stem}.yaml")
    target.write_text(inventory_yaml(inventory.aps, file, target, config_file, datetime.now()),
                      encoding="utf-8")
    rejected = sorted([*rows.rejected, *((s.line, reason, list(s.cells))
                                         for s, reason in inventory.rejected)])
    cols = rows.columns
    console.print(f"{file}: columns used: " + ", ".join(
        f"{role}={getattr(cols, role)!r}" for role in ("id", "name", "address", "lat", "lon",
                                                        "point", "count", "status")
        if getattr(cols, role)), highlight=False, markup=False)
    for line, reason, _ in rejected[:SHOWN_REJECTS]:
        err_console.print(f"  {file}:{line}: {reason}", markup=False, highlight=False,
                          soft_wrap=True)
    sites = len(rows.sites) - len(inventory.rejected)
    disabled = sum(1 for ap in inventory.aps if ap.get("enabled") is False)
    summary = (f"{len(inventory.aps)} APs from {sites} sites ({disabled} disabled: not in "
               f"service) written to {target}; {len(rejected)} rejected")
    if rejected:
        rejects = target.with_suffix(".rejects.csv")
        with rejects.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["reject_line", "reject_reason", *rows.header])
            writer.writerows([line, reason, *cells] for line, reason, cells in rejected)
        console.print(f"{summary} (see {rejects})", highlight=False, markup=False)
        raise typer.Exit(EXIT_REJECTED)
    console.print(summary, highlight=False, markup=False)

