"""The fleet as a rich table: one row per AP, down ones first."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table

from netmon.config.models import NetmonConfig
from netmon.observation import ApObservation


def human_rate(bps: float | None) -> str:
    if bps is None:
        return "–"
    for unit, scale in (("Gb/s", 1e9), ("Mb/s", 1e6), ("kb/s", 1e3)):
        if bps >= scale:
            return f"{bps / scale:.1f} {unit}"
    return f"{bps:.0f} b/s"


def human_uptime(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    return f"{days}d {hours:02d}h" if days else f"{hours}h {rest // 60:02d}m"


def fleet_table(config: NetmonConfig, readings: Iterable[ApObservation], title: str = "") -> Table:
    names = {ap.id: ap.name for ap in config.aps}
    zones = {z.id: z.name for z in config.zones}
    table = Table(title=title or None, expand=False, header_style="bold")
    numeric = ("clients", "rx", "tx", "poll ms")
    for column in ("AP", "name", "zone", "status", "uptime", *numeric, "error"):
        table.add_column(column, no_wrap=column != "error",
                         justify="right" if column in numeric else "left")
    ordered = sorted(readings, key=lambda r: (r.up, r.zone, r.ap_id))
    for r in ordered:
        status = "[green]up[/]" if r.up else "[bold red]DOWN[/]"
        table.add_row(r.ap_id, names.get(r.ap_id, ""), zones.get(r.zone, r.zone), status,
                      human_uptime(r.uptime_s), "–" if r.clients is None else str(r.clients),
                      human_rate(r.rx_bps), human_rate(r.tx_bps), f"{r.poll_ms:.0f}",
                      r.error or "")
    return table
