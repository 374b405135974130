"""Versioned migrations (Alembic): the writer brings the schema to head; readers only check."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from netmon.db import locks
from netmon.db.backup import CopyError, keep_copy, stamp
from netmon.db.url import sqlite_path

log = logging.getLogger(__name__)

MIGRATIONS: Final = Path(__file__).parent / "migrations"
# Tables of a netmon file made before the schema had Alembic versions.
PRE_ALEMBIC_TABLES: Final = frozenset({"points", "alert_incidents", "fibre_milestones"})


class SchemaError(RuntimeError):
    """The database's schema is not one this netmon can use."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def known() -> frozenset[str]:
    """Every revision this netmon can migrate from (head included)."""
    return frozenset(s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions())


def upgrade(engine: Engine, where: str, keep_old: bool = True) -> None:
    """Bring the schema to head, in one transaction; refuse a file this netmon cannot read.

    A SQLite file at an older revision is first copied beside itself (`keep_old`), so that
    even a migration that goes wrong in a way SQLite cannot roll back leaves the old file.
    """
    config = _config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Pollers starting together on one server migrate one at a time; the others then
            # find the schema at head. (SQLite: BEGIN IMMEDIATE already serialises.)
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": locks.MIGRATION})
        revision = current(conn)
        _refuse_pre_alembic(conn, revision, where)
        if revision is not None and revision not in known():
            raise SchemaError(f"{where}: schema {revision} is newer than this netmon knows "
                              f"(head {head()}); upgrade netmon")
        path = sqlite_path(engine.url)
        if keep_old and path is not None and revision is not None and revision != head():
            # Copied inside the write transaction: nothing can change the file meanwhile.
            try:
                kept = keep_copy(path, f"pre-{revision}-{stamp()}")
            except CopyError as exc:  # no copy, no migration: the file stays as it was
                raise SchemaError(f"{where}: schema {revision} not migrated to {head()}: the "
                                  f"copy kept first could not be made ({exc})") from exc
            log.warning("%s: schema %s is older than %s; kept a copy at %s, now migrating",
                        where, revision, head(), kept)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _refuse_pre_alembic(conn: Connection, revision: str | None, where: str) -> None:
    if revision is None and PRE_ALEMBIC_TABLES & set(inspect(conn).get_table_names()):
        raise SchemaError(f"{where}: made by netmon 0.1 (before versioned schemas); "
                          "move it aside and start a new one")


def check_readable(conn: Connection, where: str) -> None:
    """A reader's check: the schema is exactly the one this netmon writes."""
    revision = current(conn)
    _refuse_pre_alembic(conn, revision, where)
    if revision != head():
        raise SchemaError(f"{where}: schema {revision or 'none'}, this netmon reads {head()}; "
                          "run `netmon run` once to upgrade it")
