"""Which Wi-Fi band a radio works in, from what vendors say of it: one spelling for all."""

from __future__ import annotations

import re
from typing import Final

BAND_24: Final = "2.4 GHz"
BAND_5: Final = "5 GHz"
BAND_6: Final = "6 GHz"
# Vendors' own words for a band or a PHY: UniFi ng/na/6e, RouterOS 2ghz-b/g/n, 5ghz-a/n/ac,
# Cisco and Ruckus radio types (dot11b, 11ng, 802.11a), airOS frequencies.
_WORDS: Final = (
    (re.compile(r"6\s*g|6e|ax6|11be?-?6|6ghz", re.I), BAND_6),
    (re.compile(r"2[.,]?4|2\s*ghz|\bng\b|\bb/g|dot11b|dot11g|11b|11g\b|11ng|bgn?\b", re.I),
     BAND_24),
    (re.compile(r"5\s*ghz|5[.,]?[0-9]*\s*g|\bna\b|dot11a|11a\b|11na|11ac|\bac\b|\ba/n", re.I),
     BAND_5),
)


def band_of_frequency(mhz: float) -> str | None:
    if 2400 <= mhz < 2500:
        return BAND_24
    if 4900 <= mhz < 5925:
        return BAND_5
    if 5925 <= mhz <= 7125:
        return BAND_6
    return None


def band_of_channel(channel: int) -> str | None:
    """Channels 1-14 are 2.4 GHz, 32-177 are 5 GHz; 6 GHz reuses both, so a radio known
    only by its channel is never said to be 6 GHz."""
    if 1 <= channel <= 14:
        return BAND_24
    if 32 <= channel <= 177:
        return BAND_5
    return None


def band_of_words(text: str) -> str | None:
    for pattern, band in _WORDS:
        if pattern.search(text):
            return band
    return None


def band_of(words: str | None, freq_mhz: object, channel: object) -> str | None:
    """The band named by the vendor's words, else by the frequency, else by the channel."""
    if words:
        band = band_of_words(words)
        if band is not None:
            return band
    if isinstance(freq_mhz, int | float) and not isinstance(freq_mhz, bool):
        band = band_of_frequency(float(freq_mhz))
        if band is not None:
            return band
    if isinstance(channel, int) and not isinstance(channel, bool):
        return band_of_channel(channel)
    return None
