"""The two coordinate systems netmon draws in."""

from typing import Final

WGS84: Final = "EPSG:4326"  # longitude/latitude: the config, GeoJSON, web maps
LAMBERT93: Final = "EPSG:2154"  # metres, metropolitan France: every area and distance
