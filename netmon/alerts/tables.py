"""Tables of netmon.alerts in the one schema (netmon.db)."""

from __future__ import annotations

from netmon.db.metadata import metadata

__all__ = ["metadata"]
