"""Batches the server refused for good (400, 401, 403, 404, 422): kept, never retried alone.

The file is line protocol with `#` comment headers, so after fixing the cause it can be
written with `influx write --file` or put back in the spool with `netmon spool requeue`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from netmon.export.line_protocol import PRECISION_DIVISOR, EncodedBatch

DEAD_LETTER_FILE = "dead-letter.lp"
HEADER = re.compile(r"^# netmon dead letter .*? points=(\d+) precision=(\w+)")


@dataclass(frozen=True, slots=True)
class DeadLetterBatch:
    reason: str
    batch: EncodedBatch


class DeadLetterFile:
    """Append-only; bounded like the spool so a refusing server cannot fill the disk."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / DEAD_LETTER_FILE
        self.max_bytes = max_bytes

    @property
    def size(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def append(self, batch: EncodedBatch, reason: str) -> bool:
        """Keep the batch; False if the file is full (the caller reports the loss)."""
        if self.size + len(batch.body) > self.max_bytes:
            return False
        when = datetime.now(UTC).isoformat(timespec="seconds")
        one_line = " ".join(reason.split())[:500]
        header = (f"# netmon dead letter {when} points={batch.points} "
                  f"precision={batch.precision} reason: {one_line}\n")
        with self.path.open("ab") as out:
            out.write(header.encode() + batch.body + b"\n")
        return True

    def batches(self) -> Iterator[DeadLetterBatch]:
        """Read the file back, batch by batch (lines before the first header are skipped)."""
        if not self.path.exists():
            return
        reason = ""
        precision = ""
        lines: list[bytes] = []
        with self.path.open("rb") as source:
            for raw in source:
                match = HEADER.match(raw.decode("utf-8", "replace"))
                if match:
                    if lines:
                        yield DeadLetterBatch(reason, _batch(lines, precision))
                    reason = raw.decode("utf-8", "replace").split("reason: ", 1)[-1].strip()
                    precision = match.group(2)
                    lines = []
                elif precision and raw.strip():
                    lines.append(raw.rstrip(b"\n"))
        if lines:
            yield DeadLetterBatch(reason, _batch(lines, precision))


def _batch(lines: list[bytes], precision: str) -> EncodedBatch:
    if precision not in PRECISION_DIVISOR:
        raise ValueError(f"dead letter with unknown precision {precision!r}")
    return EncodedBatch(b"\n".join(lines), len(lines), precision)
