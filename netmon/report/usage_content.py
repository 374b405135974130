"""The report's usage section worded: heatmap image, months, APs and busiest hours tables."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from geo.labels import Language, label, number, when
from netmon.config.models import NetmonConfig
from netmon.report import charts
from netmon.report.heatmap_chart import heatmap_png
from netmon.report.texts import text
from netmon.report.usage import ZoneUsage
from netmon.report.usage_tables import ApUse, Slot, UsageTables, scaled_bytes, usage_tables

MIN_WEEKS = 2
T_KEYS = ("usage", "usage_intro", "by_hour", "by_week", "peak_hours", "no_usage", "heatmap",
          "heatmap_intro", "by_month", "month", "peak", "peak_at", "traffic", "month_note",
          "ap_use", "ap_use_intro", "top_aps", "bottom_aps", "clients_mean", "busiest_slot",
          "busiest_slots", "slot", "zone", "ap", "name")


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def bytes_text(value: float | None, lang: Language) -> str:
    """`12,3 Go` / `12.3 GB`; "no data" when no traffic was polled."""
    if value is None:
        return label(lang, "no_data")
    scaled, power = scaled_bytes(value)
    unit = text(lang, "byte_units").split(",")[power]
    return f"{number(scaled, lang, 0 if power == 0 else 1)}\u00a0{unit}"


def slot_text(slot: Slot | None, lang: Language) -> str:
    if slot is None:
        return label(lang, "no_data")
    day = text(lang, "weekdays").split(",")[slot.weekday]
    return f"{day} {slot.hour} h–{slot.hour + 1} h"


def month_text(month: str, lang: Language) -> str:
    from babel.dates import format_date

    year, number_ = month.split("-")
    return str(format_date(date(int(year), int(number_), 1), "MMMM y", locale=lang))


def _ap_row(a: ApUse, lang: Language, names: dict[str, str]) -> dict[str, str]:
    return {"id": a.id, "name": a.name, "zone": names.get(a.zone, a.zone),
            "clients": number(a.mean_clients, lang, 2),
            "traffic": bytes_text(a.traffic_bytes, lang),
            "busiest": slot_text(a.busiest, lang)}


def usage_section(usage: ZoneUsage, tables: UsageTables, lang: Language,
                  names: dict[str, str], site: str) -> dict[str, Any]:
    """What the template's usage section shows; `usage_charts` None when nothing was polled."""
    words = {k: text(lang, k) for k in T_KEYS}
    if usage.empty:
        return {"usage_charts": None, "ut": words}
    no_data = label(lang, "no_data")
    return {
        "ut": words,
        "usage_charts": {
            "hour": data_uri(charts.usage_by_hour(usage, names, lang)),
            "heatmap": data_uri(heatmap_png(tables.heatmaps, names, lang)),
            # One bar is no trend: weeks are shown from two on.
            "week": data_uri(charts.usage_by_week(usage, names, lang))
            if len(usage.by_week()) >= MIN_WEEKS else None},
        "peak_rows": [{"zone": names.get(z, z) if z != "all" else site,
                       "hours": ", ".join(f"{h} h–{h + 1} h" for h in hours)}
                      for z, hours in usage.peak_hours().items()],
        "month_rows": [{
            "month": month_text(m.month, lang), "zone": names.get(m.zone, m.zone),
            "peak": no_data if m.peak is None else number(m.peak, lang, 1),
            "peak_at": no_data if m.peak_at is None else when(m.peak_at, lang),
            "traffic": bytes_text(m.traffic_bytes, lang)} for m in tables.months],
        "top_rows": [_ap_row(a, lang, names) for a in tables.top_aps],
        "bottom_rows": [_ap_row(a, lang, names) for a in tables.bottom_aps],
        "silent_aps": text(lang, "silent_aps", aps=", ".join(tables.silent_aps))
        if tables.silent_aps else "",
        "slot_rows": [{"slot": slot_text(s, lang), "clients": number(s.clients, lang, 1)}
                      for s in tables.busiest_slots],
    }


def report_usage(usage: ZoneUsage, config: NetmonConfig, lang: Language, names: dict[str, str]
                 ) -> dict[str, Any]:
    return usage_section(usage, usage_tables(usage, config), lang, names, config.site)
