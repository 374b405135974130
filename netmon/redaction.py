"""Secrets masked by value, wherever they would be printed: every resolved secret (from the
secrets file, a `${NAME}`, a field typed as secret, a webhook URL) is registered here, and a
filter on the root log handlers masks them in every library's log records."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MASK = "**********"
MIN_SECRET_CHARS = 4  # shorter values would mask ordinary words, and guard nothing


class Redactor:
    """The secret values this process knows; `redact` masks them in a text."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, values: Iterable[str]) -> None:
        fresh = {v for v in values if len(v) >= MIN_SECRET_CHARS} - self._values
        if fresh:
            self._values |= fresh
            # Longest first: a secret that contains another is masked whole.
            self._pattern = re.compile("|".join(
                re.escape(v) for v in sorted(self._values, key=len, reverse=True)))

    def redact(self, text: str) -> str:
        return text if self._pattern is None else self._pattern.sub(MASK, text)


REDACTOR = Redactor()


class RedactingFilter(logging.Filter):
    """Masks known secrets in a record's message and traceback, whichever library wrote it."""

    def __init__(self, redactor: Redactor = REDACTOR) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = self.redactor.redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor.redact(record.exc_text)
        return True


def install(redactor: Redactor = REDACTOR) -> None:
    """Put the filter on every root handler (set up logging first)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter(redactor))
