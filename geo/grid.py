"""A north-up grid of square cells in Lambert-93, and the raster/vector conversions it needs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import numpy as np
    from affine import Affine
    from shapely.geometry.base import BaseGeometry

# Past this many cells the grid is coarsened (memory: 4 bytes a cell for the signal).
MAX_CELLS: Final = 40_000_000


@dataclass(frozen=True, slots=True)
class Grid:
    """Cells of `cell_m` metres; row 0 is the northern edge (`top`), column 0 the western."""

    left: float
    top: float
    cell_m: float
    rows: int
    cols: int

    @classmethod
    def around(cls, bounds: tuple[float, float, float, float], cell_m: float,
               max_cells: int = MAX_CELLS) -> Grid:
        """A grid over (minx, miny, maxx, maxy); cells grow if it would exceed `max_cells`."""
        minx, miny, maxx, maxy = bounds
        width, height = max(maxx - minx, cell_m), max(maxy - miny, cell_m)
        cells = (width / cell_m) * (height / cell_m)
        if cells > max_cells:
            cell_m *= math.sqrt(cells / max_cells)
        return cls(minx, maxy, cell_m, math.ceil(height / cell_m), math.ceil(width / cell_m))

    @property
    def transform(self) -> Affine:
        from affine import Affine

        return Affine(self.cell_m, 0.0, self.left, 0.0, -self.cell_m, self.top)

    @property
    def shape(self) -> tuple[int, int]:
        return self.rows, self.cols

    def cell_of(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, col) of the cells holding these points."""
        import numpy as np

        rows = np.floor((self.top - y) / self.cell_m).astype(np.int64)
        cols = np.floor((x - self.left) / self.cell_m).astype(np.int64)
        return rows, cols

    def rasterize(self, geometries: list[BaseGeometry]) -> np.ndarray:
        """True in the cells whose centre is inside any of the geometries."""
        import numpy as np
        from rasterio import features

        if not geometries:
            return np.zeros(self.shape, dtype=bool)
        burnt: np.ndarray = features.rasterize(((g, 1) for g in geometries),
                                               out_shape=self.shape, transform=self.transform,
                                               fill=0, dtype="uint8")
        return burnt.astype(bool)

    def polygons(self, mask: np.ndarray) -> BaseGeometry:
        """The True cells as one (multi)polygon, cell edges exactly."""
        import numpy as np
        import shapely
        from rasterio import features
        from shapely.geometry import shape

        if not mask.any():
            return shapely.MultiPolygon()
        parts = [shape(geom) for geom, _ in features.shapes(
            mask.astype(np.uint8), mask=mask, transform=self.transform, connectivity=4)]
        # Connected regions come out disjoint (at most touching at a corner): no union needed.
        return shapely.MultiPolygon(parts)
