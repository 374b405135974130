"""Read a netmon database as maps and report do: a read-only SampleReader."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from netmon.config.models import StoreSettings
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.store.reader import SampleReader


@contextmanager
def samples_of(settings: StoreSettings) -> Iterator[SampleReader]:
    reader = DatabaseReader(database_url(settings))
    try:
        yield SampleReader(reader, settings)
    finally:
        reader.close()
