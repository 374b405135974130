"""Online copies of a SQLite store: what `netmon backup`, `netmon restore` and a migration keep.

A copy is taken with SQLite's online backup API from one read snapshot: the source connection
opens a read transaction first, so every step copies the same moment however the writer goes
on (in WAL mode the writer is never blocked by it), and the pauses between steps leave the
disk to the writer.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

PAGES_PER_STEP: Final = 1024  # 4 MiB at the default page size
PAUSE_S: Final = 0.002
# Tables only netmon's schema has: a file without them is not a netmon database.
NETMON_TABLES: Final = frozenset({"alembic_version", "series", "fleet_state"})


class CopyError(RuntimeError):
    """A copy that cannot be taken or trusted."""


@dataclass(frozen=True)
class Snapshot:
    """What one copy holds: when it was taken, its schema revision and rows per table."""

    path: Path
    taken_ns: int
    revision: str | None
    rows: dict[str, int]


def stamp(now: datetime | None = None) -> str:
    """A timestamp for file names: sorts by time, no characters a shell must quote."""
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


@contextlib.contextmanager
def _open(path: Path, read_only: bool = True, timeout_s: float = 5.0,
          ) -> Iterator[sqlite3.Connection]:
    mode = "ro" if read_only else "rw"
    conn = sqlite3.connect(f"file:{path.absolute()}?mode={mode}", uri=True, timeout=timeout_s,
                           isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def stored_revision(path: Path) -> str | None:
    """The file's schema revision without checking it whole; None for a file without one."""
    try:
        with _open(path) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise CopyError(f"{path}: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        raise CopyError(f"{path}: {exc}") from exc
    return str(row[0]) if row else None


def online_copy(source: Path, target: Path, pages: int = PAGES_PER_STEP,
                pause_s: float = PAUSE_S) -> int:
    """Copy `source` into a new file `target` as of one moment; returns that moment (ns)."""
    if not source.is_file():
        raise CopyError(f"{source}: no such database file")
    with _open(source) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        # The snapshot: taken by the first read, held until the last page is copied.
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        taken_ns = time.time_ns()
        src.backup(dst, pages=pages, sleep=pause_s)
        src.execute("COMMIT")
        # The copy stands alone: no -wal file beside it, whatever mode the source was in.
        dst.execute("PRAGMA journal_mode=DELETE")
    return taken_ns


def check(path: Path) -> Snapshot:
    """Integrity, schema revision and rows per table of a file; CopyError when damaged."""
    try:
        with _open(path) as conn:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise CopyError(f"{path}: integrity check failed: {'; '.join(problems[:5])}")
            tables = [row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name")]
            if not set(tables) >= NETMON_TABLES:
                raise CopyError(f"{path}: not a netmon database (no "
                                f"{', '.join(sorted(NETMON_TABLES - set(tables)))} table)")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            rows = {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
                    for t in tables}
    except sqlite3.DatabaseError as exc:  # not a database at all, or unreadable
        raise CopyError(f"{path}: {exc}") from exc
    return Snapshot(path, path.stat().st_mtime_ns, revision[0] if revision else None, rows)


def backup(source: Path, out: Path, pages: int = PAGES_PER_STEP,
           pause_s: float = PAUSE_S) -> Snapshot:
    """A checked copy of `source` at `out`, written beside it and renamed into place."""
    if same_file(out, source) or any(same_file(out, companion)
                                     for companion in companions(source)):
        # Renamed over the live store, the copy would leave `netmon run` writing to a file
        # no longer there: everything after it lost.
        raise CopyError(f"{out} is the store itself (or its journal): give another file")
    temp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        temp.unlink(missing_ok=True)
        try:
            taken_ns = online_copy(source, temp, pages, pause_s)
            checked = check(temp)
            _fsync(temp)
            os.replace(temp, out)
            _fsync(out.parent)
        finally:
            temp.unlink(missing_ok=True)
    except (OSError, sqlite3.Error) as exc:  # a folder in the way, a full or read-only disk
        raise CopyError(f"{out}: cannot write the copy: {getattr(exc, 'strerror', None) or exc}"
                        ) from exc
    return Snapshot(out, taken_ns, checked.revision, checked.rows)


def same_file(a: Path, b: Path) -> bool:
    """The same file, whatever the spelling (relative, `..`, a link); False when one is absent."""
    return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))


def companions(path: Path) -> tuple[Path, ...]:
    """The files SQLite keeps beside a database while it is open."""
    return tuple(path.with_name(f"{path.name}{suffix}") for suffix in ("-wal", "-shm", "-journal"))


def keep_copy(path: Path, suffix: str) -> Path:
    """An online copy of `path` beside it, named `<name>.<suffix>`: kept before a change."""
    kept = path.with_name(f"{path.name}.{suffix}")
    backup(path, kept)
    return kept


def in_use(path: Path) -> bool:
    """True when another connection holds the file (a running `netmon run`, a reader)."""
    if not path.exists():
        return False
    try:
        with _open(path, read_only=False, timeout_s=0) as conn:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode == "wal":
                # Leaving WAL mode needs every other connection gone; it is to be replaced.
                return bool(conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "wal")
            conn.execute("BEGIN EXCLUSIVE")  # any reader or writer holds a lock against it
            conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise CopyError(f"{path}: {exc}") from exc
    return False


def standalone(path: Path) -> None:
    """Out of WAL mode: the file alone is the whole database (no -wal file to carry with it)."""
    with _open(path, read_only=False) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
