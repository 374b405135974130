"""On-disk queue of line-protocol batches that could not be written yet, oldest first.

SQLite in WAL mode: a committed batch survives `kill -9`, and a batch is deleted in the same
transaction that acknowledges it, so a replayed batch is never sent twice by the spool.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from netmon.export.line_protocol import EncodedBatch

log = logging.getLogger(__name__)
SPOOL_FILE = "spool.sqlite"
LOCK_FILE = "lock"
# zlib level 1: line protocol shrinks about 8x for a few ms per MB, so the bound holds more.
COMPRESS_LEVEL = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS batch (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: replay order is id order
    created_ns INTEGER NOT NULL,
    precision TEXT NOT NULL,
    points INTEGER NOT NULL,
    size INTEGER NOT NULL,                 -- compressed bytes, what counts against the bound
    body BLOB NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class SpooledBatch:
    """One or more consecutive spool rows merged into one request."""

    ids: tuple[int, ...]
    batch: EncodedBatch
    created_ns: int


@dataclass(frozen=True, slots=True)
class SpoolDepth:
    batches: int
    points: int
    bytes: int
    oldest_ns: int | None


class SpoolBusy(RuntimeError):
    """Another netmon process owns this spool directory."""


def _lock(directory: Path) -> int:
    """An exclusive lock for this process; the kernel releases it even after `kill -9`."""
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        owner = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise SpoolBusy(f"spool {directory} is in use by another netmon (pid {owner}); "
                        "give each poller its own influxdb.spool_dir") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


class Spool:
    """Append at the tail, read and acknowledge at the head; bounded in bytes."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._lock_fd = _lock(directory)
        self.path = directory / SPOOL_FILE
        self.max_bytes = max_bytes
        # Opened here, then used by the sink's sender thread alone.
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA auto_vacuum=INCREMENTAL")
        self._db.execute(SCHEMA)
        row = self._db.execute(
            "SELECT count(*), coalesce(sum(points), 0), coalesce(sum(size), 0) FROM batch"
        ).fetchone()
        self.batches, self.points, self.bytes = int(row[0]), int(row[1]), int(row[2])
        self.dropped_points = 0

    def depth(self) -> SpoolDepth:
        row = self._db.execute("SELECT min(created_ns) FROM batch").fetchone()
        return SpoolDepth(self.batches, self.points, self.bytes, row[0])

    def __len__(self) -> int:
        return self.batches

    def append(self, batch: EncodedBatch) -> int:
        """Store at the tail; drop the oldest batches first if the bound is reached.

        Returns the number of points dropped to make room (0 almost always).
        """
        body = zlib.compress(batch.body, COMPRESS_LEVEL)
        dropped = self._make_room(len(body))
        self._db.execute(
            "INSERT INTO batch (created_ns, precision, points, size, body) VALUES (?,?,?,?,?)",
            (time.time_ns(), batch.precision, batch.points, len(body), body))
        self.batches += 1
        self.points += batch.points
        self.bytes += len(body)
        return dropped

    def _make_room(self, size: int) -> int:
        dropped = 0
        while self.batches and self.bytes + size > self.max_bytes:
            row = self._db.execute(
                "SELECT id, points, size FROM batch ORDER BY id LIMIT 1").fetchone()
            self._db.execute("DELETE FROM batch WHERE id = ?", (row[0],))
            self.batches -= 1
            self.points -= row[1]
            self.bytes -= row[2]
            dropped += row[1]
        self.dropped_points += dropped
        return dropped

    def head(self, max_points: int) -> SpooledBatch | None:
        """The oldest rows (same precision, up to `max_points`, at least one) as one batch."""
        ids: list[int] = []
        bodies: list[bytes] = []
        points = 0
        precision = ""
        created_ns = 0
        cursor = self._db.execute(
            "SELECT id, created_ns, precision, points, body FROM batch ORDER BY id")
        for row_id, row_created, row_precision, row_points, body in cursor:
            if ids and (row_precision != precision or points + row_points > max_points):
                break
            if not ids:
                precision, created_ns = row_precision, row_created
            ids.append(row_id)
            bodies.append(zlib.decompress(body))
            points += row_points
        cursor.close()
        if not ids:
            return None
        return SpooledBatch(tuple(ids), EncodedBatch(b"\n".join(bodies), points, precision),
                            created_ns)

    def acknowledge(self, spooled: SpooledBatch) -> None:
        """The server took it: delete those rows (the acknowledgement is this commit)."""
        marks = ",".join("?" * len(spooled.ids))
        row = self._db.execute(f"SELECT count(*), coalesce(sum(points), 0), "
                               f"coalesce(sum(size), 0) FROM batch WHERE id IN ({marks})",
                               spooled.ids).fetchone()
        self._db.execute(f"DELETE FROM batch WHERE id IN ({marks})", spooled.ids)
        self.batches -= int(row[0])
        self.points -= int(row[1])
        self.bytes -= int(row[2])
        if self.batches == 0:
            self.points = self.bytes = 0
            self._db.execute("PRAGMA incremental_vacuum")  # give the disk space back

    def close(self) -> None:
        self._db.close()
        os.close(self._lock_fd)
