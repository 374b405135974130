"""The on-disk spool and the dead-letter file: order, bound, restarts, kill -9, one owner."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from netmon.export.dead_letter import DeadLetterFile
from netmon.export.line_protocol import EncodedBatch
from netmon.export.spool import Spool, SpoolBusy

MB = 1024 * 1024


def batch(tag: str, points: int, precision: str = "ms") -> EncodedBatch:
    lines = [f"m,b={tag} v={i}i {i}" for i in range(points)]
    return EncodedBatch("\n".join(lines).encode(), points, precision)


def test_head_merges_oldest_rows_in_order_up_to_the_limit(tmp_path: Path) -> None:
    spool = Spool(tmp_path, MB)
    for tag, points in (("a", 2), ("b", 3), ("c", 4)):
        spool.append(batch(tag, points))
    assert (len(spool), spool.points) == (3, 9)
    head = spool.head(max_points=5)
    assert head is not None and head.batch.points == 5
    assert head.batch.body == batch("a", 2).body + b"\n" + batch("b", 3).body
    spool.acknowledge(head)
    rest = spool.head(max_points=5)
    assert rest is not None and rest.batch.body == batch("c", 4).body
    spool.acknowledge(rest)
    assert (len(spool), spool.points, spool.bytes) == (0, 0, 0)
    assert spool.head(5) is None
    spool.close()


def test_a_row_bigger_than_the_limit_still_comes_out_alone(tmp_path: Path) -> None:
    spool = Spool(tmp_path, MB)
    spool.append(batch("big", 10))
    head = spool.head(max_points=3)
    assert head is not None and head.batch.points == 10
    spool.close()


def test_rows_of_another_precision_are_not_merged(tmp_path: Path) -> None:
    spool = Spool(tmp_path, MB)
    spool.append(batch("a", 1, "ms"))
    spool.append(batch("b", 1, "s"))
    head = spool.head(100)
    assert head is not None and head.batch.precision == "ms" and head.batch.points == 1
    spool.close()


def test_full_spool_drops_the_oldest_and_counts_them(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=2000)
    dropped = 0
    for i in range(200):
        dropped += spool.append(batch(f"n{i:03d}", 20))
    assert spool.bytes <= 2000
    assert dropped == spool.dropped_points == 200 * 20 - spool.points > 0
    head = spool.head(10**6)
    assert head is not None
    assert head.batch.body.endswith(batch("n199", 20).body)  # the newest are kept
    spool.close()


def test_depth_survives_a_restart(tmp_path: Path) -> None:
    spool = Spool(tmp_path, MB)
    spool.append(batch("a", 7))
    spool.append(batch("b", 5))
    spool.close()
    again = Spool(tmp_path, MB)
    assert (len(again), again.points) == (2, 12)
    assert again.depth().oldest_ns is not None
    again.close()


def test_a_second_owner_is_refused(tmp_path: Path) -> None:
    spool = Spool(tmp_path, MB)
    with pytest.raises(SpoolBusy, match=f"pid {os.getpid()}"):
        Spool(tmp_path, MB)
    spool.close()
    Spool(tmp_path, MB).close()  # free again once closed


def test_committed_batches_survive_kill_9_and_the_lock_is_released(tmp_path: Path) -> None:
    writer = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from netmon.export.line_protocol import EncodedBatch
        from netmon.export.spool import Spool
        spool = Spool(Path({str(tmp_path)!r}), 1 << 30)
        i = 0
        while True:
            body = "\\n".join(f"m,b=k{{i}} v={{j}}i {{j}}" for j in range(100)).encode()
            spool.append(EncodedBatch(body, 100, "ms"))
            i += 1
            print(i, flush=True)
    """)
    child = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).resolve().parents[1])
    assert child.stdout is not None
    for line in child.stdout:
        if int(line) >= 50:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    committed = int(line)
    spool = Spool(tmp_path, 1 << 30)  # the dead writer's lock went with it
    assert len(spool) >= committed
    rows = 0
    while (head := spool.head(100)) is not None:
        assert head.batch.body.startswith(f"m,b=k{rows} v=0i 0".encode())
        spool.acknowledge(head)
        rows += 1
    assert rows >= committed
    spool.close()


def test_dead_letters_read_back_batch_by_batch(tmp_path: Path) -> None:
    letters = DeadLetterFile(tmp_path, MB)
    assert letters.append(batch("a", 2), "HTTP 401: unauthorized\naccess")
    assert letters.append(batch("b", 3, "s"), "HTTP 400: bad line")
    text = letters.path.read_text()
    assert text.startswith("# netmon dead letter ") and "reason: HTTP 401: unauthorized access" \
        in text
    read = list(letters.batches())
    assert [(r.reason, r.batch) for r in read] == [
        ("HTTP 401: unauthorized access", batch("a", 2)),
        ("HTTP 400: bad line", batch("b", 3, "s"))]


def test_dead_letter_file_is_bounded(tmp_path: Path) -> None:
    letters = DeadLetterFile(tmp_path, max_bytes=200)
    assert letters.append(batch("a", 2), "x")
    assert not letters.append(batch("b", 20), "x")
    assert [r.batch.points for r in letters.batches()] == [2]
