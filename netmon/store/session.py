"""A short-lived writer for commands that store samples themselves (fibre import, demo)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from netmon.config.models import StoreSettings
from netmon.db.owner import DatabaseOwner
from netmon.db.url import database_url
from netmon.sample import Sample
from netmon.store.writer import SampleStore


@dataclass(frozen=True, slots=True)
class WriteSession:
    owner: DatabaseOwner
    store: SampleStore

    def publish(self, samples: Sequence[Sample]) -> None:
        """Store these samples now and wait until they are committed (raises if they are not)."""
        self.store.write(samples)
        self.store.flush_and_wait()


@contextmanager
def write_session(settings: StoreSettings) -> Iterator[WriteSession]:
    """The database owner and a store on it; both closed (store flushed) on the way out."""
    owner = DatabaseOwner(database_url(settings))
    try:
        store = SampleStore(owner, settings)
        try:
            yield WriteSession(owner, store)
        finally:
            store.close()
    finally:
        owner.close()
