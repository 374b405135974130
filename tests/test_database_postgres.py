"""The database owner on PostgreSQL (`store.url`): the same schema, migrations and guarantees."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, IntegrityError

from netmon.config.models import StoreSettings
from netmon.db.migrate import SchemaError, head
from netmon.db.owner import DatabaseOwner
from netmon.db.reader import DatabaseReader
from netmon.db.schema import full_metadata
from netmon.db.url import database_url, database_where
from tests.support.postgres import PostgresCluster


def _url(postgres: PostgresCluster) -> URL:
    return database_url(StoreSettings.model_validate({"url": postgres.new_database()}))


def test_the_migrations_build_exactly_the_declared_schema_on_postgresql(
        postgres: PostgresCluster) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    url = _url(postgres)
    owner = DatabaseOwner(url)
    try:
        diff = owner.run(lambda conn: compare_metadata(MigrationContext.configure(conn),
                                                       full_metadata()))
        version = owner.run(lambda c: c.execute(text("SELECT version_num FROM alembic_version"))
                            .scalar_one())
    finally:
        owner.close()
    assert diff == [] and version == head()
    DatabaseOwner(url).close()  # reopening a database at head changes nothing


def test_a_unit_of_work_is_all_or_nothing_on_postgresql(postgres: PostgresCluster) -> None:
    owner = DatabaseOwner(_url(postgres))
    try:
        owner.run(lambda c: c.execute(text("CREATE TABLE t (x INTEGER PRIMARY KEY)")))

        def twice(conn: Connection) -> None:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))

        with pytest.raises(IntegrityError):
            owner.run(twice)
        owner.run(lambda c: c.execute(text("INSERT INTO t VALUES (2)")))
        assert owner.run(lambda c: c.execute(text("SELECT x FROM t")).scalars().all()) == [2]
    finally:
        owner.close()


def _write_once(url: URL, sql: str) -> None:
    """One statement through a database owner that is then closed."""
    owner = DatabaseOwner(url)
    try:
        owner.run(lambda c: c.execute(text(sql)))
    finally:
        owner.close()


def test_readers_cannot_write_on_postgresql(postgres: PostgresCluster) -> None:
    url = _url(postgres)
    _write_once(url, "CREATE TABLE t (x INTEGER)")
    reader = DatabaseReader(url)
    try:
        assert reader.exists
        with pytest.raises(DBAPIError, match="read-only transaction"), \
                reader.snapshot() as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        reader.close()


def test_a_schema_newer_than_netmon_is_refused_on_postgresql(postgres: PostgresCluster) -> None:
    url = _url(postgres)
    _write_once(url, "UPDATE alembic_version SET version_num = 'future'")
    with pytest.raises(SchemaError, match="schema future is newer than this netmon knows"):
        DatabaseOwner(url)


def test_the_password_of_a_server_url_is_never_shown(postgres: PostgresCluster) -> None:
    settings = StoreSettings.model_validate(
        {"url": f"postgresql://netmon:s3cret-pw@127.0.0.1:{postgres.port}/x"})
    assert "s3cret-pw" not in database_where(settings)
    assert "s3cret-pw" not in repr(settings)
    assert database_url(settings).drivername == "postgresql+psycopg"
