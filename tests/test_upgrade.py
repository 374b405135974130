"""Upgrading a store written by the previous release: a copy kept first, every row carried."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from netmon.cli.main import app
from netmon.db import migrate
from netmon.db.backup import check
from netmon.db.migrate import SchemaError, head
from netmon.db.owner import DatabaseOwner
from netmon.db.restore import restore
from tests.test_config import BASE, SECRET, write
from tests.test_database import revision, url_of

FIXTURE = Path(__file__).parent / "data" / "previous-release" / "netmon-0004.db"
Rows = dict[str, list[tuple[object, ...]]]


def _content(path: Path, columns_of: Path | None = None) -> Rows:
    """Every row of every table, in the columns the (older) `columns_of` file has."""
    with closing(sqlite3.connect(f"file:{columns_of or path}?mode=ro", uri=True)) as old:
        tables = {t: [c[1] for c in old.execute(f'PRAGMA table_info("{t}")')]
                  for (t,) in old.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                          "AND name NOT LIKE 'sqlite_%'")}
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return {t: sorted(conn.execute(f'SELECT {", ".join(cols)} FROM "{t}"').fetchall(),
                          key=repr) for t, cols in tables.items() if t != "alembic_version"}


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    path = tmp_path / "var" / "netmon.db"
    path.parent.mkdir()
    shutil.copyfile(FIXTURE, path)
    return path


def test_the_previous_release_store_migrates_with_a_copy_kept_and_every_row_kept(
        old_store: Path, caplog: pytest.LogCaptureFixture) -> None:
    before = _content(FIXTURE)
    assert revision(old_store) == "0004" != head()
    DatabaseOwner(url_of(old_store)).close()  # what `netmon run` does on start
    assert revision(old_store) == head()
    kept = [p for p in old_store.parent.iterdir() if p.name.startswith("netmon.db.pre-0004-")]
    assert len(kept) == 1, list(old_store.parent.iterdir())
    assert str(kept[0]) in caplog.text
    assert revision(kept[0]) == "0004" and _content(kept[0]) == before
    after = _content(old_store, columns_of=FIXTURE)
    assert after == before
    # Every table the release wrote has rows to carry, and some values read back as written.
    for table in ("points_recent", "latest", "series", "field_names", "fleet_state",
                  "alert_incidents", "observed_spans", "fibre_milestones", "fibre_imports"):
        assert after[table], table
    with closing(sqlite3.connect(old_store)) as conn:
        kind, subject, end = conn.execute(
            "SELECT kind, subject, end_ns FROM alert_incidents").fetchone()
        assert (kind, subject, end) == ("ap_down", "port-01", None)
        assert conn.execute("SELECT count(*) FROM fleet_state WHERE service_incident_id IS NULL "
                            "AND capacity_incident_id IS NULL").fetchone()[0] == 10
        zones = {z for (z,) in conn.execute("SELECT DISTINCT zone FROM fibre_milestones")}
        assert zones == {"73008", "grand-port"}
    assert check(old_store).rows["points_recent"] == 1018
    DatabaseOwner(url_of(old_store)).close()  # at head: no second copy
    assert len([p for p in old_store.parent.iterdir() if ".pre-" in p.name]) == 1


def test_a_failed_migration_leaves_the_old_file_usable_at_its_revision(old_store: Path) -> None:
    with closing(sqlite3.connect(old_store)) as conn:
        # Migration 0005 adds service_incident_id, then fails on this one: both undone.
        conn.execute("ALTER TABLE fleet_state ADD COLUMN capacity_incident_id INTEGER")
        conn.commit()
    before = _content(old_store)
    with pytest.raises(OperationalError, match="duplicate column name: capacity_incident_id"):
        DatabaseOwner(url_of(old_store))
    assert revision(old_store) == "0004"
    with closing(sqlite3.connect(old_store)) as conn:
        columns = {c[1] for c in conn.execute("PRAGMA table_info(fleet_state)")}
    assert "service_incident_id" not in columns
    assert _content(old_store) == before
    assert check(old_store).revision == "0004"  # integrity ok, opens at its old revision
    kept = [p for p in old_store.parent.iterdir() if ".pre-0004-" in p.name]
    assert len(kept) == 1 and _content(kept[0]) == before


def test_a_backup_of_the_previous_release_is_restored_at_head(tmp_path: Path) -> None:
    target = tmp_path / "new" / "netmon.db"
    done = restore(FIXTURE, target)
    assert done.from_revision == "0004" and done.installed.revision == head()
    assert revision(target) == head() and revision(FIXTURE) == "0004"
    assert _content(target, columns_of=FIXTURE) == _content(FIXTURE)
    assert sorted(p.name for p in target.parent.iterdir()) == ["netmon.db"]


def test_version_and_schema_revisions_are_shown(old_store: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_COMMUNITY", SECRET)
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("netmon ")
    config = write(old_store.parent, {**BASE, "store": {"path": str(old_store)}})
    result = CliRunner().invoke(app, ["check-config", str(config)])
    assert result.exit_code == 0, result.output
    assert (f"database at schema 0004: `netmon run` migrates it to {head()} on start, "
            "keeping a copy first") in " ".join(result.output.split())
    DatabaseOwner(url_of(old_store)).close()
    result = CliRunner().invoke(app, ["check-config", str(config)])
    assert f"database at schema {head()} (current)" in result.output


def test_no_copy_no_migration_and_the_file_stays_as_it_was(
        old_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy kept first cannot be written (here a folder holds its name): refused whole."""
    monkeypatch.setattr(migrate, "stamp", lambda: "20261205T190000Z")
    (old_store.parent / "netmon.db.pre-0004-20261205T190000Z").mkdir()
    with pytest.raises(SchemaError, match=r"schema 0004 not migrated to .*the copy kept first "
                                          r"could not be made"):
        DatabaseOwner(url_of(old_store)).close()
    assert revision(old_store) == "0004"
    assert _content(old_store) == _content(FIXTURE)
