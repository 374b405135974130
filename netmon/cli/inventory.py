"""`netmon inventory import`: a town's published hotspot list -> netmon inventory YAML."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Final

import typer

from netmon.cli.common import EXIT_CONFIG, ConfigOption, config_or_exit, console, err_console

EXIT_REJECTED: Final = 1
EXIT_UNREADABLE: Final = 3
# A refresh that would disable more than this share of the listed APs is refused.
SHRINK_LIMIT: Final = 0.2

app = typer.Typer(help="Inventory from outside: hotspot lists published as open data.",
                  no_args_is_help=True)


def _column(role: str, what: str | None = None) -> object:
    return typer.Option(f"--{role}-column", f"--{role}",
                        help=what or f"Column holding the site's {role}.")


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
    point_column: Annotated[str | None, _column(
        "point", "Column holding 'lat, lon' or a GeoJSON point (e.g. geo_point_2d).")] = None,
    count_column: Annotated[str | None, _column(
        "count", "Column holding the number of APs of the site.")] = None,
    status_column: Annotated[str | None, _column(
        "status", "Column holding the site's status (closed or planned: disabled).")] = None,
    status_word: Annotated[list[str] | None, typer.Option(
        "--status-word", help="Add to the status vocabulary: 'WORD=closed', '=planned' or "
                              "'=in-service' (repeatable).")] = None,
    sheet: Annotated[str | None, typer.Option(
        help="Sheet of an Excel workbook (default: the first).")] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help=f"Accept a refresh that disables more than {SHRINK_LIMIT:.0%} of the "
                          "file's listed APs (a real shrink, not a truncated export).")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Show what would change; write nothing.")] = False,
    crs: Annotated[str | None, typer.Option(
        help="Reference system of the lat/lon columns when not WGS84, e.g. EPSG:2154 for "
             "Lambert-93 Y/X in metres.")] = None,
) -> None:
    """Read a hotspot list (site id, name, address, position, APs, status) into inventory YAML.

    Importing onto an existing file refreshes it: APs updated by their site id, new ones
    added, those gone from the list disabled; what you added by hand is kept.
    Exit 0: every row imported; 1: some rows rejected (see the .rejects.csv); 2: bad option,
    config or target file, or a refused shrink; 3: the file cannot be read as a hotspot list.
    Nothing is written on exit 2 or 3.
    """
    from netmon.cli import inventory_report as report
    from netmon.inventory.hotspot_inventory import (
        ImportChoices,
        build_inventory,
        template_problem,
    )
    from netmon.inventory.hotspot_list import HotspotListError, read_hotspot_list
    from netmon.inventory.include_file import (
        IncludeFileError,
        include_yaml,
        read_include,
        write_atomically,
    )
    from netmon.inventory.refresh import refresh
    from netmon.inventory.status_words import StatusVocabulary

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
    try:
        words = StatusVocabulary.with_words(status_word or [])
    except ValueError as exc:
        raise _fail(str(exc)) from None
    target = out or Path(f"{file.stem}.yaml")
    try:
        old_aps = read_include(target)
    except IncludeFileError as exc:
        raise _fail(str(exc)) from None
    given = {"id": id_column, "name": name_column, "address": address_column,
             "lat": lat_column, "lon": lon_column, "point": point_column,
             "count": count_column, "status": status_column}
    try:
        rows = read_hotspot_list(file, given, crs, sheet, words)
    except HotspotListError as exc:
        raise _fail(str(exc), EXIT_UNREADABLE) from None
    choices = ImportChoices(zone=zone, fallback_zone=fallback_zone, controller=controller,
                            host_template=host_template, id_prefix=id_prefix,
                            placement=placement, profile=profile, model=model)
    listed = frozenset(str(ap["id"]) for ap in old_aps if ap.get("source"))
    inventory = build_inventory(config, rows.sites, choices, replacing=listed)
    held = rows.rejected_sites | {site.site_id for site, _ in inventory.rejected}
    change = refresh(old_aps, inventory.aps, held, date.today(), words)
    rejected = sorted([*rows.rejected, *((s.line, reason, list(s.cells))
                                         for s, reason in inventory.rejected)])
    report.columns(file, rows)
    report.rejects(file, rejected)
    if old_aps:
        report.diff(target, change)
    if listed and len(change.gone) > SHRINK_LIMIT * len(listed) and not replace:
        raise _fail(f"{file}: refused: {len(change.gone)} of the {len(listed)} listed APs of "
                    f"{target} would be disabled (more than {SHRINK_LIMIT:.0%}); a truncated "
                    "export? If the list really shrank, run again with --replace")
    sites = len(rows.sites) - len(inventory.rejected)
    disabled = sum(1 for ap in inventory.aps if ap.get("enabled") is False)
    summary = (f"{len(inventory.aps)} APs from {sites} sites ({disabled} disabled: closed or "
               f"planned) {'would be ' if dry_run else ''}written to {target}; "
               f"{len(rejected)} rejected")
    if not dry_run:
        write_atomically(target, include_yaml(change.aps, file, target, config_file,
                                              datetime.now()))
        if rejected:
            rejects = target.with_suffix(".rejects.csv")
            report.write_rejects(rejects, rows.header, rejected)
            summary += f" (see {rejects})"
    console.print(summary, highlight=False, markup=False)
    if rejected:
        raise typer.Exit(EXIT_REJECTED)
