"""The whole schema: importing this module declares every table on `metadata`."""

from __future__ import annotations

import importlib
from typing import Final

from sqlalchemy import MetaData

from netmon.db.metadata import metadata

# The modules that declare tables; one schema, each table family beside the code that uses it.
TABLE_MODULES: Final = (
    "netmon.store.tables",
    "netmon.fleet.tables",
    "netmon.alerts.tables",
    "netmon.fibre.tables",
    "netmon.cluster.tables",
)


def full_metadata() -> MetaData:
    """`metadata` with every table declared (explicit imports, no import-time registry)."""
    for name in TABLE_MODULES:
        importlib.import_module(name)
    return metadata
