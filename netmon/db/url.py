"""Where the database is: a SQLite file by default; a connection string names another backend."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import URL, make_url

from netmon.config.models import StoreSettings


def database_url(settings: StoreSettings) -> URL:
    """The writer's URL for these store settings: `store.url` (PostgreSQL) or the file."""
    if settings.url is not None:
        url = make_url(settings.url.get_secret_value())
        # psycopg 3 is the driver netmon installs; a bare postgresql:// would ask for psycopg2.
        return url.set(drivername="postgresql+psycopg")
    return make_url(f"sqlite+pysqlite:///{settings.path}")


def database_where(settings: StoreSettings) -> str:
    """Where the data is, for people: the file, or the server without its password."""
    url = database_url(settings)
    return str(sqlite_path(url) or url.render_as_string(hide_password=True))


def database_exists(settings: StoreSettings) -> bool:
    """False only for a file netmon has not created yet (a server is asked when read)."""
    return settings.url is not None or settings.path.exists()


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
