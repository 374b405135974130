"""What this netmon is and what its database is at: for `--version` and `check-config`."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from netmon.config.models import StoreSettings
from netmon.db.migrate import current, head, known
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.export.health import netmon_version


def version_line() -> str:
    return f"netmon {netmon_version()} (database schema {head()})"


def database_schema(store: StoreSettings) -> str:
    """The store's schema revision, read without writing; never migrates."""
    reader = DatabaseReader(database_url(store))
    try:
        if not reader.exists:
            return f"no database yet (this netmon creates schema {head()})"
        with reader.engine.connect() as conn:
            revision = current(conn)
    except SQLAlchemyError as exc:  # a server down or a file unreadable: say so, go on
        return f"database not readable ({type(exc).__name__})"
    finally:
        reader.close()
    if revision == head():
        return f"database at schema {revision} (current)"
    if revision is None:
        return f"database without a schema yet (this netmon creates {head()})"
    if revision in known():
        return (f"database at schema {revision}: `netmon run` migrates it to {head()} on start, "
                "keeping a copy first")
    return f"database at schema {revision}: not one this netmon knows (a newer release's?)"
