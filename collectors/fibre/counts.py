"""What an import counted, in the units of its file: premises (locaux) or buildings.

`1,201 buildings (at least 2,402 premises) imported: 3 figures (2 districts, 1 commune)`,
never a bare `2 imported`: a figure is one zone on one day, and what it counts depends on the
format (ARCEP's base_imb counts buildings; the other formats count premises).
"""

from __future__ import annotations

from collectors.fibre.records import ImportResult


def plural(count: int, word: str, words: str | None = None) -> str:
    """`1 commune`, `2 communes`, `1,201 buildings`."""
    return f"{count:,} {word if count == 1 else words or word + 's'}"


def counted(result: ImportResult, communes: tuple[str, ...] | list[str]) -> str:
    """What the file gave, in its own unit, before `imported`."""
    figures = result.milestones
    zones = {m.zone for m in figures}
    if result.format == "arcep-buildings":
        kept = 0 if result.buildings is None else len(result.buildings)
        town = sum(1 for z in zones if z in communes)
        least = result.premises_at_least
        premises = (f" (at least {plural(least, 'premises', 'premises')}, from catg_loc_imb)"
                    if least else "")
        return (f"{plural(kept, 'building')}{premises} imported: "
                f"{plural(len(figures), 'figure')} ({plural(len(zones) - town, 'district')}, "
                f"{plural(town, 'commune')})")
    if result.format == "arcep-communes":
        latest = {m.zone: m.premises_total or 0 for m in sorted(figures, key=lambda m: m.day)}
        premises = plural(sum(latest.values()), "premises", "premises")
        return (f"{plural(len(zones), 'commune')} ({premises}) imported: "
                f"{plural(len(figures), 'quarterly figure')}")
    days = {m.day for m in figures}
    return (f"{plural(len(figures), 'figure')} imported: premises of {plural(len(zones), 'zone')} "
            f"on {plural(len(days), 'date')}")
