"""GET /usage: how the public uses the Wi-Fi over the last days, the committee report's usage
section (one template) with the hour-of-week heatmap also as an HTML grid; offline, no JS."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from geo.labels import number
from netmon.config.models import NetmonConfig
from netmon.report.texts import text
from netmon.report.usage import zone_usage
from netmon.report.usage_content import usage_section
from netmon.report.usage_tables import usage_tables
from netmon.store.base import Store
from netmon.web.status.i18n import Language

DAY_NS: Final = 86_400 * 1_000_000_000
MAX_DAYS: Final = 400


@dataclass(frozen=True)
class Cell:
    text: str
    shade: float  # 0 (no clients) .. 1 (the zone's busiest hour); -1: no data


@cache
def _environment() -> Environment:
    loader = ChoiceLoader([PackageLoader("netmon.web.status", "templates"),
                           PackageLoader("netmon.report", "templates")])
    return Environment(loader=loader, autoescape=select_autoescape(["html", "j2"]),
                       trim_blocks=True, lstrip_blocks=True)


def render_usage(config: NetmonConfig, store: Store, language: Language, days: int,
                 now_ns: int) -> str:
    usage = zone_usage(config, store, now_ns - days * DAY_NS, now_ns)
    tables = usage_tables(usage, config)
    names = {z.id: z.name for z in config.zones}
    grids = []
    for heatmap in tables.heatmaps:
        top = heatmap.highest or 0.0
        rows = [[Cell("–", -1.0) if c is None else
                 Cell(number(c, language, 1), c / top if top > 0 else 0.0) for c in row]
                for row in heatmap.cells]
        grids.append({"zone": heatmap.zone, "name": names.get(heatmap.zone, heatmap.zone),
                      "rows": rows})
    return _environment().get_template("usage.html.j2").render(
        site=config.site, language=language, days=days, grids=grids,
        weekdays=text(language, "weekdays").split(","),
        **usage_section(usage, tables, language, names, config.site))
