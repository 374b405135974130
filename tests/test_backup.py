"""Backup and restore of the SQLite store: one consistent moment, checked, swapped in whole."""

from __future__ import annotations

import copy
import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text
from typer.testing import CliRunner

from netmon.cli.main import app
from netmon.db.backup import CopyError, backup, check, in_use
from netmon.db.migrate import head
from netmon.db.owner import DatabaseOwner
from netmon.db.restore import restore
from tests.support.wait import wait_until
from tests.test_config import BASE, SECRET, write
from tests.test_database import url_of


def _sql(statement: str) -> Callable[[Connection], object]:
    return lambda conn: conn.execute(text(statement))


def _ticks(path: Path) -> list[int]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return [row[0] for row in conn.execute("SELECT n FROM ticks ORDER BY n")]


def _store(path: Path, ticks: int) -> None:
    owner = DatabaseOwner(url_of(path))
    try:
        owner.run(_sql("CREATE TABLE ticks (n INTEGER PRIMARY KEY)"))
        for n in range(1, ticks + 1):
            owner.run(_sql(f"INSERT INTO ticks VALUES ({n})"))
    finally:
        owner.close()


def test_a_backup_taken_while_the_writer_commits_is_one_moment_and_checked(
        tmp_path: Path) -> None:
    source = tmp_path / "netmon.db"
    _store(source, 0)
    owner = DatabaseOwner(url_of(source))
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            # Two rows per transaction, and padding: pages change under every copy step.
            owner.run(_sql(f"INSERT INTO ticks VALUES ({2 * n - 1}), ({2 * n})"))
            owner.run(_sql("CREATE TABLE IF NOT EXISTS pad (b BLOB)"))
            owner.run(_sql("INSERT INTO pad VALUES (randomblob(3000))"))

    writer = threading.Thread(target=write)
    writer.start()
    try:
        wait_until(lambda: len(_ticks(source)) >= 200, 60, "200 rows committed")
        copy_ = backup(source, tmp_path / "out" / "copy.db", pages=1, pause_s=0.001)
        wait_until(lambda: len(_ticks(source)) > max(_ticks(copy_.path)) + 20, 60,
                   "the writer going on after the copy")
    finally:
        stop.set()
        writer.join()
        owner.close()
    copied = _ticks(copy_.path)
    # Whole transactions only, none skipped: the copy is the store as of one moment.
    assert copied == list(range(1, len(copied) + 1)) and len(copied) % 2 == 0
    assert len(copied) >= 200
    assert copy_.revision == head() and copy_.rows["ticks"] == len(copied)
    assert check(copy_.path).rows == copy_.rows
    assert sorted(p.name for p in copy_.path.parent.iterdir()) == ["copy.db"]  # no temp left


def test_restore_checks_the_file_keeps_the_old_store_and_refuses_a_running_one(
        tmp_path: Path) -> None:
    source, target = tmp_path / "a.db", tmp_path / "live" / "netmon.db"
    _store(source, 5)
    _store(target, 2)
    saved = backup(source, tmp_path / "a.backup")
    with pytest.raises(CopyError, match=r"netmon\.db exists; --force replaces it"):
        restore(saved.path, target)
    owner = DatabaseOwner(url_of(target))  # as `netmon run` holds it
    try:
        assert in_use(target)
        with pytest.raises(CopyError, match="open in another process"):
            restore(saved.path, target, force=True)
    finally:
        owner.close()
    assert not in_use(target)
    done = restore(saved.path, target, force=True)
    assert _ticks(target) == [1, 2, 3, 4, 5] and done.installed.revision == head()
    assert done.kept is not None and done.kept.name.startswith("netmon.db.before-restore-")
    assert _ticks(done.kept) == [1, 2]
    assert sorted(p.name for p in target.parent.iterdir()) == ["netmon.db", done.kept.name]
    DatabaseOwner(url_of(target)).close()  # netmon run opens it as it is
    assert _ticks(target) == [1, 2, 3, 4, 5]


def test_restore_refuses_what_is_not_a_sound_netmon_database_of_a_known_revision(
        tmp_path: Path) -> None:
    target = tmp_path / "new" / "netmon.db"
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(CopyError, match=r"other\.db: not a netmon database"):
        restore(other, target)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(CopyError, match=r"junk\.db: file is not a database"):
        restore(junk, target)
    newer = tmp_path / "newer.db"
    _store(newer, 1)
    with closing(sqlite3.connect(newer)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
        conn.commit()
    with pytest.raises(CopyError, match=r"schema 0099 is not one this netmon knows"):
        restore(newer, target)
    damaged = tmp_path / "damaged.db"
    _store(damaged, 300)
    data = bytearray(damaged.read_bytes())
    page = 4096
    data[-page + 8:-page + 8 + 64] = b"\xff" * 64  # inside a table page's cells
    damaged.write_bytes(bytes(data))
    with pytest.raises(CopyError, match=r"damaged\.db: (integrity check failed|.*malformed)"):
        restore(damaged, target)
    assert not target.parent.exists() or not any(target.parent.iterdir())
    good = tmp_path / "good.db"
    _store(good, 1)
    target.parent.mkdir(exist_ok=True)
    target.with_name("netmon.db-wal").write_bytes(b"left by a store deleted by hand")
    with pytest.raises(CopyError, match=r"netmon\.db-wal is left from a removed store"):
        restore(good, target)


@pytest.fixture(autouse=True)
def _community(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_COMMUNITY", SECRET)


def _config(tmp_path: Path, store: dict[str, Any]) -> Path:
    return write(tmp_path, {**copy.deepcopy(BASE), "store": store})


def test_backup_and_restore_commands_print_rows_and_revision(tmp_path: Path) -> None:
    store = tmp_path / "netmon.db"
    _store(store, 3)
    config = _config(tmp_path, {"path": str(store)})
    out = tmp_path / "backups" / "netmon-1.db"
    result = CliRunner().invoke(app, ["backup", "-c", str(config), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "ticks" in result.output and f"schema revision {head()}" in result.output
    assert check(out).rows["ticks"] == 3
    (tmp_path / "elsewhere").mkdir()
    moved = _config(tmp_path / "elsewhere", {"path": str(tmp_path / "elsewhere" / "netmon.db")})
    result = CliRunner().invoke(app, ["restore", "-c", str(moved), str(out)])
    assert result.exit_code == 0, result.output
    assert _ticks(tmp_path / "elsewhere" / "netmon.db") == [1, 2, 3]
    result = CliRunner().invoke(app, ["restore", "-c", str(moved), str(out)])
    assert result.exit_code == 1 and "--force replaces it" in result.output


def test_a_postgresql_store_is_pointed_to_pg_dump(tmp_path: Path) -> None:
    config = _config(tmp_path, {"url": "postgresql://netmon@127.0.0.1/netmon"})
    for args in (["backup", "-c", str(config), "--out", str(tmp_path / "b.db")],
                 ["restore", "-c", str(config), str(tmp_path / "b.db")]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, result.output
        assert "pg_dump -Fc" in result.output and "pg_restore" in result.output
    assert not (tmp_path / "b.db").exists()


def test_a_backup_never_lands_on_the_store_and_a_cut_one_is_refused(tmp_path: Path) -> None:
    """Operator slips: --out naming the live store (renamed over it, `netmon run` would write
    into a file no longer there), the store restored onto itself, a backup cut in half."""
    store = tmp_path / "var" / "netmon.db"
    _store(store, 3000)
    before = store.stat().st_ino
    for spelling in (store, tmp_path / "var" / ".." / "var" / "netmon.db",
                     store.with_name("netmon.db-wal")):
        with pytest.raises(CopyError, match=r"is the store itself \(or its journal\)"):
            backup(store, spelling)
    link = tmp_path / "link.db"
    link.symlink_to(store)
    with pytest.raises(CopyError, match=r"is the store itself"):
        backup(store, link)
    assert store.stat().st_ino == before and check(store).rows["ticks"] == 3000
    with pytest.raises(CopyError, match=r"is the store itself: restore a file"):
        restore(store, store, force=True)
    assert not list(store.parent.glob("netmon.db.before-restore-*"))
    whole = backup(store, tmp_path / "backups" / "netmon.db").path
    cut = tmp_path / "backups" / "cut.db"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(CopyError, match=r"cut\.db: .*malformed"):
        restore(cut, tmp_path / "new" / "netmon.db")
    assert not (tmp_path / "new" / "netmon.db").exists()


def test_a_backup_that_cannot_be_written_says_where_and_why(tmp_path: Path) -> None:
    store = tmp_path / "netmon.db"
    _store(store, 10)
    in_the_way = tmp_path / "backups"
    in_the_way.write_text("a file where the folder should be\n", encoding="utf-8")
    with pytest.raises(CopyError, match=r"backups/netmon\.db: cannot write the copy: File exists"):
        backup(store, in_the_way / "netmon.db")
    assert check(store).rows["ticks"] == 10
