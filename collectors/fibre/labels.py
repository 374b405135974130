"""Tolerant column matching: ARCEP renames its columns between releases, people retype them.

A label is compared once normalised (accents, case, punctuation and spacing removed), and a
header row is found by scoring the first rows of a file, as it often sits under a title.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

# Words that do not tell one column from another ("locaux à date" vs "locaux de la date").
STOPWORDS: Final = frozenset({"a", "au", "aux", "d", "de", "des", "du", "en", "l", "la", "le",
                              "les", "the", "of", "nb", "nombre", "number"})
HEADER_SCAN_ROWS: Final = 40
NON_ALNUM: Final = re.compile(r"[^a-z0-9]+")
LABEL_CACHE_SIZE: Final = 4096  # header cells, known labels and imb_etat values: few distinct


@lru_cache(maxsize=LABEL_CACHE_SIZE)
def normalise(label: str) -> str:
    """`Meilleure estimation des locaux à date ` -> `meilleure estimation des locaux a date`."""
    decomposed = unicodedata.normalize("NFKD", label)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return NON_ALNUM.sub(" ", plain.casefold()).strip()


@lru_cache(maxsize=LABEL_CACHE_SIZE)
def words(label: str) -> frozenset[str]:
    """The meaningful words of a label, stopwords left out."""
    return frozenset(w for w in normalise(label).split() if w not in STOPWORDS)


@dataclass(frozen=True, slots=True)
class Column:
    """A column an importer wants, and the labels it goes by."""

    key: str
    labels: tuple[str, ...]
    required: bool = True

    def score(self, label: str) -> int:
        """2 for an exact match, 1 when every word of one of our labels is in it, else 0."""
        text = normalise(label)
        if not text:
            return 0
        if any(text == normalise(known) for known in self.labels):
            return 2
        found = words(label)
        return 1 if any(words(known) and words(known) <= found for known in self.labels) else 0


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """Where the header is and which column index holds each wanted key."""

    index: int  # position of the header row in the table's rows
    columns: dict[str, int]
    missing: tuple[str, ...]  # required keys not found
    extra: tuple[int, ...]  # columns claimed by `extra_column` (e.g. quarters)

    @property
    def complete(self) -> bool:
        return not self.missing


def match_columns(header: Sequence[str], wanted: Sequence[Column]) -> dict[str, int]:
    """Each wanted key -> the index of its best column; a column serves one key at most."""
    candidates = sorted(
        ((col.score(label), -i, key_rank, col.key, i)
         for key_rank, col in enumerate(wanted)
         for i, label in enumerate(header)),
        reverse=True,
    )
    found: dict[str, int] = {}
    used: set[int] = set()
    for score, _, _, key, index in candidates:
        if score and key not in found and index not in used:
            found[key] = index
            used.add(index)
    return found


def find_header(rows: Sequence[tuple[int, list[str]]], wanted: Sequence[Column],
                extra_column: Callable[[str], bool] | None = None,
                scan_rows: int = HEADER_SCAN_ROWS) -> HeaderMatch:
    """The row among the first `scan_rows` that matches the most wanted columns."""
    best: HeaderMatch | None = None
    best_score = (-1, -1, -1)
    for index, (_, cells) in enumerate(rows[:scan_rows]):
        extra = tuple(i for i, c in enumerate(cells)
                      if extra_column is not None and extra_column(c))
        # A column claimed as extra (a quarter) never stands for a named one.
        named = [("" if i in extra else c) for i, c in enumerate(cells)]
        columns = match_columns(named, wanted)
        missing = tuple(c.key for c in wanted if c.required and c.key not in columns)
        score = (len(wanted) - len(missing), len(columns) + len(extra), -index)
        if score > best_score:
            best, best_score = HeaderMatch(index, columns, missing, extra), score
    if best is None:
        return HeaderMatch(0, {}, tuple(c.key for c in wanted if c.required), ())
    return best
