"""Log lines for people (default) or for log shippers (`--log-format json`), journald aware.

A record about one AP or zone carries it as `extra=about(ap=..., zone=...)`: the JSON line
then has `ap` and `zone` fields to filter on. Secrets are masked by netmon.redaction in both
formats (the filter on the handlers, and once more on the JSON line as written).
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from typing import Final, Literal

from netmon.redaction import REDACTOR

LogFormat = Literal["human", "json"]
FORMATS: Final = ("human", "json")
ENV_FORMAT: Final = "NETMON_LOG_FORMAT"
CONTEXT_KEYS: Final = ("ap", "zone")


def about(ap: str | None = None, zone: str | None = None) -> dict[str, str]:
    """`extra=` for a log call concerning an AP and/or a zone."""
    return {k: v for k, v in (("ap", ap), ("zone", zone)) if v is not None}


def log_format(option: str | None) -> LogFormat:
    """The option, else NETMON_LOG_FORMAT, else human; ValueError names what is allowed."""
    chosen = (option or os.environ.get(ENV_FORMAT) or "human").strip().lower()
    if chosen == "json":
        return "json"
    if chosen == "human":
        return "human"
    raise ValueError(f"log format {chosen!r}: expected one of {', '.join(FORMATS)}")


def under_journald() -> bool:
    """systemd connected stderr to the journal, which stamps each line itself."""
    return bool(os.environ.get("JOURNAL_STREAM"))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, ap/zone, exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": REDACTOR.redact(record.getMessage()),
        }
        for key in CONTEXT_KEYS:
            value = getattr(record, key, None)
            if value is not None:
                line[key] = str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = REDACTOR.redact(record.exc_text)
        return json.dumps(line, ensure_ascii=False)


def json_active() -> bool:
    """Logging was set up for JSON: a command's own messages should be JSON lines too."""
    return any(isinstance(h.formatter, JsonFormatter) for h in logging.getLogger().handlers)


def human_format() -> str:
    # journald stamps the time (and knows the unit): a second timestamp is noise there.
    if under_journald():
        return "%(levelname)s %(name)s: %(message)s"
    return "%(asctime)s %(levelname)s %(name)s: %(message)s"
