"""What a reader sees of a rendered map: pixels of the coverage colour."""

from __future__ import annotations

from typing import Final

from PIL import Image

from geo.coverage_png import COVERAGE_ALPHA
from geo.mapdata import COVERAGE_COLOUR

WHITE: Final = (255, 255, 255)
TOLERANCE: Final = 18  # per channel: antialiased edges still count


def coverage_rgb(background: tuple[int, int, int] = WHITE) -> tuple[int, int, int]:
    """The coverage colour as drawn (COVERAGE_ALPHA over the background)."""
    ink = tuple(int(COVERAGE_COLOUR[i:i + 2], 16) for i in (1, 3, 5))
    r, g, b = (round(COVERAGE_ALPHA * c + (1 - COVERAGE_ALPHA) * w)
               for c, w in zip(ink, background, strict=True))
    return r, g, b


def coverage_pixels(image: Image.Image, rgb: tuple[int, int, int] | None = None) -> int:
    """How many pixels show the coverage colour."""
    import numpy as np

    want = np.array(rgb or coverage_rgb(), dtype=int)
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    return int((np.abs(pixels - want).max(axis=2) <= TOLERANCE).sum())
