"""The report's content as plain values for the template: every number already worded."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from geo.coverage_png import render_coverage_png
from geo.fibre_png import render_fibre_png
from geo.labels import Language, day, number, percent, percent_or_no_data, when
from netmon.alerts.messages import duration_text
from netmon.fibre.progress import ZoneProgress
from netmon.maps.fibre_layers import district_progress
from netmon.report import charts
from netmon.report.figures import ReportFigures
from netmon.report.texts import text
from netmon.report.usage_content import data_uri as _data_uri
from netmon.report.usage_content import report_usage

NS_PER_S: Final = 1_000_000_000
MAP_DPI: Final = 110


def _moment(ns: int, tz: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(ns / NS_PER_S, tz)


def _short(ns: int, tz: ZoneInfo) -> str:
    return f"{_moment(ns, tz):%d/%m/%Y %H:%M}"


def _projection(row: ZoneProgress, lang: Language) -> str:
    p = row.projection
    if p.status == "complete":
        return text(lang, "complete", day=f"{p.completion:%d/%m/%Y}" if p.completion else "–")
    if p.status == "not-enough-data":
        return text(lang, "not_enough")
    if p.status == "no-progress" or p.completion is None:
        return text(lang, "no_progress")
    low = f"{p.low:%m/%Y}" if p.low else "?"
    high = f"{p.high:%m/%Y}" if p.high else "…"
    return f"{p.completion:%m/%Y} ({low}–{high})"


def _png(render: Any, layers: Any) -> str:
    buffer = io.BytesIO()
    render(layers, buffer, dpi=MAP_DPI)
    return _data_uri(buffer.getvalue())


def report_content(f: ReportFigures) -> dict[str, Any]:
    """Everything report.html.j2 shows."""
    config = f.config
    lang: Language = config.language
    tz = ZoneInfo(config.timezone)
    names = {z.id: z.name for z in config.zones}
    last_day = _moment(f.end_ns, tz) - timedelta(seconds=1)
    states = [n.state for n in f.fleet.values()]
    coverage = f.coverage_table()
    cov_rows = [{"name": r["name"], "land": number(r["land_km2"], lang, 3),
                 "deployed": percent(r["coverage_pct"], lang),
                 "now": percent_or_no_data(r["now_pct"], lang),
                 "aps": f"{int(r['aps_up'])} / {int(r['aps_total'])}"}
                for _, r in coverage.iterrows()]
    content: dict[str, Any] = {
        "lang": lang,
        "title": config.report.title or text(lang, "title"),
        "site": config.site,
        "organisation": config.report.organisation,
        "subtitle": text(lang, "subtitle", start=day(_moment(f.start_ns, tz), lang),
                         end=day(last_day, lang)),
        "generated": text(lang, "generated", when=when(_moment(f.now_ns, tz), lang)),
        "t": {k: text(lang, k) for k in (
            "summary", "coverage", "zone", "land", "deployed", "now", "aps", "availability",
            "availability_intro", "uptime", "down_time", "incidents", "longest", "worst_aps",
            "no_worst", "no_availability", "ap", "name", "incidents_title", "no_incidents",
            "start", "end",
            "duration", "kind", "subject", "cause", "usage", "usage_intro", "by_hour",
            "by_week", "peak_hours", "no_usage", "fibre", "fibre_intro", "as_of", "premises",
            "connectable", "pct", "plan", "gap", "projection", "fibre_progress", "no_fibre",
            "methods", "page")},
        "coverage_intro": text(lang, "coverage_intro", model=f.deployed.coverage_note),
        "coverage_rows": cov_rows,
        "coverage_map": _png(render_coverage_png, f.deployed),
    }
    content["summary"] = _summary(f, lang, tz, states, coverage)
    content.update(_availability(f, lang, tz, names))
    content.update(report_usage(f.usage, config, lang, names))
    content.update(_fibre(f, lang))
    content["methods_text"] = text(lang, "methods_text", model=f.deployed.coverage_note,
                                   sources="; ".join(f.deployed.sources))
    return content


def _summary(f: ReportFigures, lang: Language, tz: ZoneInfo, states: Sequence[str],
             coverage: Any) -> list[str]:
    lines = [text(lang, "s_fleet", aps=sum(s != "disabled" for s in states),
                  up=states.count("up"), down=states.count("down"),
                  unknown=states.count("unknown"), when=when(_moment(f.now_ns, tz), lang)),
             text(lang, "s_coverage", zones=", ".join(
                 f"{r['name']} {percent_or_no_data(r['coverage_pct'], lang)}"
                 for _, r in coverage.iterrows()))]
    monitored = sum(r.monitored_s for r in f.zone_uptime)
    down = sum(r.down_s for r in f.zone_uptime)
    if monitored > 0:
        lines.append(text(lang, "s_uptime", pct=percent(100 * (monitored - down) / monitored,
                                                        lang, 3),
                          incidents=len(f.incidents), down=duration_text(down)))
    if f.usage.empty:
        lines.append(text(lang, "s_no_usage"))
    else:
        total = f.usage.total()
        peak_at = total.idxmax()
        hours = f.usage.peak_hours()["all"]
        lines.append(text(lang, "s_usage", mean=number(float(total.mean()), lang, 1),
                          peak=number(float(total.max()), lang, 0),
                          peak_when=when(peak_at.to_pydatetime(), lang),
                          hours=", ".join(f"{h} h–{h + 1} h" for h in hours)))
    town = next((r for r in f.fibre if r.kind == "commune" and r.pct_connectable is not None),
                None)
    best = town or next(iter(district_progress(f.fibre).values()), None)
    if best is None:
        lines.append(text(lang, "s_no_fibre"))
    else:
        plan = "" if best.planned_pct is None else text(lang, "s_fibre_plan",
                                                         plan=percent(best.planned_pct, lang))
        lines.append(text(lang, "s_fibre", pct=percent(best.pct_connectable, lang),
                          zone=best.label, day=f"{best.day:%d/%m/%Y}", plan=plan))
    return lines


def _availability(f: ReportFigures, lang: Language, tz: ZoneInfo,
                  names: dict[str, str]) -> dict[str, Any]:
    def row(r: Any) -> dict[str, str]:
        return {"id": r.id, "name": r.name, "zone": names.get(r.zone, r.zone),
                "uptime": percent_or_no_data(r.uptime_pct, lang, 3),
                "down": duration_text(r.down_s),
                "incidents": str(r.incidents),
                "longest": duration_text(r.longest_s) if r.incidents else "–"}

    worst = [r for r in f.ap_uptime if r.down_s > 0][:f.config.report.worst_aps]
    shown = f.incidents[-f.config.report.max_incidents:]
    subjects = {ap.id: ap.name for ap in f.config.aps} | names
    incidents = [{
        "start": _short(i.start_ns, tz),
        "end": text(lang, "ongoing") if i.end_ns is None else _short(i.end_ns, tz),
        "duration": duration_text(((i.end_ns or f.now_ns) - i.start_ns) / NS_PER_S),
        "kind": text(lang, f"k_{i.kind}") + (f" ({text(lang, 'planned')})" if i.planned else ""),
        "subject": subjects.get(i.subject, i.subject), "zone": names.get(i.zone, i.zone),
        "cause": i.cause or "",
    } for i in shown]
    more = len(f.incidents) - len(shown)
    return {"zone_uptime": [row(r) for r in f.zone_uptime], "worst_aps": [row(r) for r in worst],
            "incident_rows": incidents,
            "more_incidents": text(lang, "more_incidents", n=more) if more > 0 else ""}


def _fibre(f: ReportFigures, lang: Language) -> dict[str, Any]:
    if not f.fibre:
        return {"fibre_rows": None}
    plan = (f.config.fibre.plan if f.config.fibre else [])
    def counted(value: int | None, source: str) -> str:
        """A count with what it counts: ARCEP's base_imb counts buildings."""
        if value is None:
            return "–"
        unit = text(lang, "unit_buildings" if source == "arcep-buildings" else "unit_premises")
        return f"{number(value, lang, 0)} {unit}"

    return {
        "fibre_rows": [{
            "zone": r.label, "source": r.source, "day": f"{r.day:%d/%m/%Y}",
            "premises": counted(r.premises_total, r.source),
            "connectable": counted(r.premises_connectable, r.source),
            "pct": percent(r.pct_connectable, lang),
            "plan": percent(r.planned_pct, lang),
            "gap": "–" if r.gap_pp is None else f"{number(r.gap_pp, lang, 1)} pp",
            "projection": _projection(r, lang)} for r in f.fibre],
        "fibre_chart": _data_uri(charts.fibre_progress(f.fibre, list(plan), lang)),
        "fibre_map": _png(render_fibre_png, f.deployed),
    }
