"""The log-distance path-loss model, evaluated on a Lambert-93 grid.

Received power at distance d (metres) from an AP:
    P(d) = EIRP - FSPL(1 m) - 10 n log10(d) - walls x wall_loss
with FSPL(1 m) the free-space loss at one metre at the configured frequency, n the exponent of
the AP's environment (open ground or water, street, indoor) and walls the building outlines the
straight line from the AP crosses. A cell is covered when the best AP is heard at or above the
threshold. Each AP sits at the centre of its cell (error at most half a cell diagonal).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from geo.coverage import Coverage
from geo.crs import LAMBERT93
from geo.grid import Grid
from geo.settings import Environment, PathLossSettings

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    from shapely.geometry.base import BaseGeometry

log = logging.getLogger(__name__)

FLOOR_DBM: Final = -200.0  # "nothing heard"
FSPL_CONSTANT_DB: Final = -27.55  # FSPL = 20 log10(d m) + 20 log10(f MHz) - 27.55
REFERENCE_M: Final = 1.0
# Ray samples handled at once when counting walls (bounds memory for long ranges).
SAMPLES_PER_BLOCK: Final = 2_000_000


def fspl_1m_db(frequency_mhz: float) -> float:
    """Free-space loss over the first metre."""
    return 20.0 * math.log10(frequency_mhz) + FSPL_CONSTANT_DB


@dataclass(frozen=True)
class SignalMap:
    """Best received power per cell (dBm, float32) and the grid it lies on."""

    grid: Grid
    dbm: np.ndarray
    threshold_dbm: float

    @property
    def covered(self) -> np.ndarray:
        return self.dbm >= self.threshold_dbm


def wall_crossings(buildings: np.ndarray, row: int, col: int, k: int) -> np.ndarray:
    """Building outlines crossed on the way from cell (row, col) to each cell of its window.

    Walks each ray in steps of at most one cell and counts inside/outside changes.
    """
    import numpy as np

    size = 2 * k + 1
    steps = max(k, 1)
    t = np.arange(1, steps + 1, dtype=np.float32) / steps
    start = buildings[row, col]
    out = np.empty((size, size), dtype=np.int16)
    dx = np.arange(-k, k + 1, dtype=np.float32)
    block = max(1, SAMPLES_PER_BLOCK // (size * steps))
    for first in range(0, size, block):
        dy = np.arange(first - k, min(first + block, size) - k, dtype=np.float32)
        rows = row + np.rint(dy[:, None, None] * t).astype(np.int32)
        cols = col + np.rint(dx[None, :, None] * t).astype(np.int32)
        inside = buildings[rows, cols]
        changes = (inside[..., 0] != start).astype(np.int16)
        changes += np.count_nonzero(inside[..., 1:] != inside[..., :-1], axis=-1).astype(np.int16)
        out[first:first + len(dy)] = changes
    return out


class PathLossModel:
    """Signal from every AP on a grid; covered where the best AP reaches the threshold."""

    name = "pathloss"

    def __init__(self, settings: PathLossSettings,
                 buildings: list[BaseGeometry] | None = None) -> None:
        """`buildings`: footprints in Lambert-93, or None for no wall losses."""
        self.settings = settings
        self.buildings = buildings or []
        self.loss_1m_db = fspl_1m_db(settings.frequency_mhz)

    def environment(self, ap_id: str, zone: str, placement: str) -> Environment:
        """The AP's own setting, else its zone's, else indoor for indoor APs and street."""
        chosen = self.settings.environment
        if ap_id in chosen:
            return chosen[ap_id]
        if zone in chosen:
            return chosen[zone]
        return "indoor" if placement == "indoor" else "street"

    def link_budget(self, aps: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(EIRP dBm, exponent, reach m) per AP; reach = where the threshold is met."""
        import numpy as np

        s = self.settings
        placement = aps["placement"] if "placement" in aps else ["outdoor"] * len(aps)
        zone = aps["zone"] if "zone" in aps else [""] * len(aps)
        ids = aps["id"] if "id" in aps else [""] * len(aps)
        eirp = np.array([s.eirp_dbm.indoor if p == "indoor" else s.eirp_dbm.outdoor
                         for p in placement], dtype=float)
        exponent = np.array([getattr(s.exponent, self.environment(str(i), str(z), str(p)))
                             for i, z, p in zip(ids, zone, placement, strict=True)], dtype=float)
        margin = eirp - s.threshold_dbm - self.loss_1m_db
        reach = np.minimum(REFERENCE_M * 10.0 ** (margin / (10.0 * exponent)), s.max_range_m)
        return eirp, exponent, reach

    def signal(self, aps: gpd.GeoDataFrame) -> SignalMap:
        """Best received power per cell over a grid around the APs."""
        import numpy as np

        s = self.settings
        points = aps.geometry.to_crs(LAMBERT93)
        x, y = points.x.to_numpy(), points.y.to_numpy()
        eirp, exponent, reach = self.link_budget(aps)
        if len(aps) == 0:
            grid = Grid(0.0, 0.0, s.cell_m, 1, 1)
            return SignalMap(grid, np.full((1, 1), FLOOR_DBM, np.float32), s.threshold_dbm)
        pad = float(reach.max()) + 2 * s.cell_m
        grid = Grid.around((x.min() - pad, y.min() - pad, x.max() + pad, y.max() + pad),
                           s.cell_m)
        if grid.cell_m > s.cell_m:
            log.warning("coverage grid coarsened from %g m to %.1f m cells: the area is large",
                        s.cell_m, grid.cell_m)
        # A coarsened grid must still leave each kernel inside it.
        pad_cells = math.ceil(pad / grid.cell_m) + 1
        grid = Grid(grid.left - grid.cell_m, grid.top + grid.cell_m, grid.cell_m,
                    grid.rows + 2, grid.cols + 2)
        dbm = np.full(grid.shape, FLOOR_DBM, dtype=np.float32)
        rows, cols = grid.cell_of(x, y)
        walls = grid.rasterize(self._buildings_near(grid)) if self.buildings else None
        budgets = np.stack([eirp, exponent, reach], axis=1)
        for budget in np.unique(budgets, axis=0):
            k = min(math.ceil(budget[2] / grid.cell_m), pad_cells - 1)
            kernel = self._kernel(float(budget[0]), float(budget[1]), float(budget[2]),
                                  grid.cell_m, k)
            members = np.flatnonzero((budgets == budget).all(axis=1))
            for i in members:
                r0, c0 = int(rows[i]) - k, int(cols[i]) - k
                local = kernel
                if walls is not None:
                    crossed = wall_crossings(walls, int(rows[i]), int(cols[i]), k)
                    local = kernel - np.float32(s.wall_loss_db) * crossed
                view = dbm[r0:r0 + 2 * k + 1, c0:c0 + 2 * k + 1]
                np.maximum(view, local, out=view)
        return SignalMap(grid, dbm, s.threshold_dbm)

    def _kernel(self, eirp: float, exponent: float, reach: float, cell_m: float,
                k: int) -> np.ndarray:
        """Power around an AP at the centre cell, FLOOR_DBM past its reach."""
        import numpy as np

        offsets = np.arange(-k, k + 1, dtype=np.float32) * np.float32(cell_m)
        distance = np.hypot(offsets[:, None], offsets[None, :])
        power = (eirp - self.loss_1m_db
                 - 10.0 * exponent * np.log10(np.maximum(distance, REFERENCE_M)))
        return np.where(distance <= reach, power, FLOOR_DBM).astype(np.float32)

    def _buildings_near(self, grid: Grid) -> list[BaseGeometry]:
        import shapely

        frame = shapely.box(grid.left, grid.top - grid.rows * grid.cell_m,
                            grid.left + grid.cols * grid.cell_m, grid.top)
        return [b for b in self.buildings if b.intersects(frame)]

    def footprint(self, aps: gpd.GeoDataFrame) -> Coverage:
        signal = self.signal(aps)
        return Coverage(signal.grid.polygons(signal.covered), self.name, len(aps))
