"""`netmon probe HOST`: is this device supported, by which profile, and what is missing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import SecretStr, ValidationError
from rich.table import Table

from netmon.cli.common import EXIT_CONFIG, catalog_or_exit, console, err_console
from netmon.config.errors import ConfigError, describe
from netmon.config.safe_yaml import load_yaml
from netmon.config.secrets import UnresolvedReference, resolve_references
from netmon.redaction import REDACTOR

if TYPE_CHECKING:  # the SNMP stack loads only when a probe runs
    from collectors.snmp.probe import Probe
    from collectors.snmp.settings import SnmpCredentials

EXIT_UNREACHABLE = 1


def _credentials(path: Path | None, community: str | None) -> SnmpCredentials:
    """From a YAML credentials block (`${NAME}` from the environment), or a community."""
    from collectors.snmp.settings import SnmpCredentials

    if path is None:
        return SnmpCredentials(version="2c", community=SecretStr(community or "public"))
    resolved: set[str] = set()
    try:
        raw = resolve_references(load_yaml(path), {}, "credentials", resolved)
        REDACTOR.add(resolved)  # never printed, even in an error
        return SnmpCredentials.model_validate(raw)
    except ValidationError as exc:
        problems = describe(path, "credentials", exc)
    except (ConfigError, UnresolvedReference) as exc:
        problems = exc.problems if isinstance(exc, ConfigError) else [f"{path}: {exc}"]
    for problem in problems:
        err_console.print(f"error {REDACTOR.redact(problem)}", markup=False)
    raise typer.Exit(EXIT_CONFIG)


def probe(
    host: Annotated[str, typer.Argument(help="The device's address or name.",
                                        show_default=False)],
    port: Annotated[int, typer.Option(help="SNMP port.")] = 161,
    credentials: Annotated[Path | None, typer.Option(
        "--credentials", help="YAML file holding a credentials block as in the config "
        "(version, community or SNMPv3 user and keys; ${NAME} read from the environment).",
        exists=True, dir_okay=False)] = None,
    community: Annotated[str | None, typer.Option(
        envvar="NETMON_PROBE_COMMUNITY", help="SNMP v2c community (without --credentials).",
        show_default=False)] = None,
    record: Annotated[Path | None, typer.Option(
        "--record", help="Write what was read as an snmprec file (system group and the "
        "profiles' columns: counts and identifiers, no client table).")] = None,
    max_rows: Annotated[int, typer.Option(help="Rows read per column at most.")] = 1000,
    timeout_s: Annotated[float, typer.Option("--timeout", help="Seconds per try.")] = 2.0,
) -> None:
    """Walk a device once: what it is, which profile netmon would pick and why, and what each
    candidate profile's fields returned."""
    from collectors.snmp.errors import SnmpFailure
    from collectors.snmp.probe import probe as run_probe
    from collectors.snmp.probe import snmprec
    from collectors.snmp.session import AgentSession

    creds = _credentials(credentials, community)
    catalog = catalog_or_exit()

    async def walk() -> Probe:
        session = AgentSession(host, port, creds, timeout_s, 1)
        try:
            return await run_probe(session, catalog, max_rows)
        finally:
            session.close()

    try:
        result = asyncio.run(walk())
    except (SnmpFailure, OSError) as exc:
        err_console.print(f"{host}:{port}: {exc}", markup=False)
        raise typer.Exit(EXIT_UNREACHABLE) from None
    _show(result)
    if record is not None:
        record.write_text(snmprec(result), encoding="utf-8")
        console.print(f"recorded {record}", markup=False)


def _show(result: Probe) -> None:
    console.print(f"sysObjectID {result.sys_object_id or '(none)'}", markup=False)
    console.print(f"sysDescr    {result.sys_descr}", markup=False)
    console.print(f"profile: {result.reason}", markup=False)
    console.print(f"  as an AP: {result.as_ap.name}; as a controller: "
                  f"{result.as_controller.name if result.as_controller.controller else 'none'}",
                  markup=False)
    summary = Table(title="candidate profiles", title_justify="left")
    for column in ("profile", "role", "fields found", "missing for an AP reading"):
        summary.add_column(column)
    for findings in result.candidates:
        missing = findings.missing_promises()
        summary.add_row(findings.profile.name, findings.profile.kind,
                        f"{findings.found} of {len(findings.fields)}",
                        ", ".join(missing) or "nothing",
                        style="green" if findings.found and not missing else
                        "dim" if not findings.found else "yellow")
    console.print(summary)
    for findings in result.candidates[:result.picked]:
        table = Table(title=f"{findings.profile.name} ({findings.profile.vendor} "
                      f"{findings.profile.model})", title_justify="left")
        for column in ("field", "OID", "rows", "first value"):
            table.add_column(column)
        for f in findings.fields:
            table.add_row(f.name, f.oid, str(f.rows) if not f.error else f.error,
                          f.example or "", style="" if f.rows else "dim")
        console.print(table)
