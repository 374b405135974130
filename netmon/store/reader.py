"""TEMPORARY shim until the compact store lands: read-only view over the old store tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netmon.config.models import StoreSettings
from netmon.db.reader import DatabaseReader
from netmon.store.base import LatestSeries


class SampleReader:
    def __init__(self, reader: DatabaseReader, settings: StoreSettings) -> None:
        self.reader = reader
        self.settings = settings

    def latest(self, measurement: str, tags: Mapping[str, str] | None = None,
               ) -> list[LatestSeries]:
        import json

        from sqlalchemy import text
        if not self.reader.exists:
            return []
        with self.reader.snapshot() as conn:
            names = {r[0] for r in conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'table'"))}
            if "latest" not in names:
                return []
            rows = conn.execute(text(
                "SELECT s.id, s.tags, f.name, l.ts, l.value FROM series s JOIN latest l ON "
                "l.series_id = s.id JOIN field_names f ON f.id = l.field_id "
                "WHERE s.measurement = :m"), {"m": measurement}).fetchall()
        out: dict[int, Any] = {}
        for sid, tags_json, name, ts, value in rows:
            entry = out.setdefault(sid, (json.loads(tags_json), {}, {}))
            entry[1][name] = value
            entry[2][name] = ts
        return [LatestSeries(measurement, t, max(ti.values()), f, ti)
                for t, f, ti in out.values()]

    def __getattr__(self, name: str) -> Any:
        from netmon.store.sqlite import SqliteStore
        return getattr(SqliteStore(self.settings), name)
