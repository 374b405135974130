"""PostgreSQL advisory lock keys: what pollers sharing one database do one at a time."""

from __future__ import annotations

from typing import Final

# "netm" + a number: distinct from any other application's keys on a shared server.
MAINTENANCE: Final = 0x6E65_746D_0001  # store packing and retention (session lock, tried)
DECISIONS: Final = 0x6E65_746D_0002  # alert decisions: incident ids are max(id) + 1
MIGRATION: Final = 0x6E65_746D_0003  # schema upgrades at start
