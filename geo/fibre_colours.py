"""One colour scale for the fibre choropleth, shared by the PNG and the HTML map."""

from __future__ import annotations

from typing import Final

CMAP: Final = "YlGn"
STEPS_PCT: Final = (0, 20, 40, 60, 80, 90, 95, 100)


def pct_colour(pct: float | None) -> str:
    """Hex colour of a % of premises connectable (grey when unknown)."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    if pct is None or pct != pct:
        return "#cccccc"
    return str(to_hex(colormaps[CMAP](0.15 + 0.85 * max(0.0, min(pct, 100.0)) / 100.0)))
