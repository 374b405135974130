"""Where the database is: a SQLite file by default; a connection string names another backend."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import URL, make_url

from netmon.config.models import StoreSettings


def database_url(settings: StoreSettings) -> URL:
    """The writer's URL for these store settings."""
    return make_url(f"sqlite+pysqlite:///{settings.path}")


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL, None for any other backend."""
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    return Path(url.database.removeprefix("file:").split("?", 1)[0])


def read_only(url: URL) -> URL:
    """The same database, opened read-only: a reader can never write, whatever it runs."""
    path = sqlite_path(url)
    if path is None:
        return url
    # `uri=true` hands the `mode=ro` URI to SQLite itself.
    return make_url(f"sqlite+pysqlite:///file:{quote(str(path.absolute()))}?mode=ro&uri=true")
