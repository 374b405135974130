"""Configuration errors that name the file, the key path and what was expected."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import ValidationError

# The password part of a URL (scheme://user:password@host), masked wherever it is shown.
URL_PASSWORD = re.compile(r"(://[^/@:\s]*:)[^/@\s]*@")
# Keys whose values are never echoed back, even in an error message.
SECRET_KEY_PARTS = ("community", "auth_key", "priv_key", "password", "token", "secret")


class ConfigError(Exception):
    """One or more problems in the configuration files; each line names file and key path."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def key_path(prefix: str, loc: Iterable[int | str]) -> str:
    """Render a pydantic location as `aps[12].credentials.version`."""
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _without_password(value: object) -> object:
    """A URL's `user:password@` shown as `user:***@` (a database or webhook URL)."""
    return URL_PASSWORD.sub(r"\1***@", value) if isinstance(value, str) else value


def _is_secret(loc: Iterable[int | str]) -> bool:
    return any(isinstance(p, str) and any(s in p for s in SECRET_KEY_PARTS) for p in loc)


def _explain(err: dict[str, object]) -> str:
    kind = err.get("type")
    ctx = err.get("ctx") or {}
    assert isinstance(ctx, dict)
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        ops = {
            "greater_than_equal": ">=",
            "less_than_equal": "<=",
            "greater_than": ">",
            "less_than": "<",
        }
        bound = next(iter(ctx.values()))
        return f"must be {ops[str(kind)]} {bound}"
    msg = str(err.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


def describe(file: Path, prefix: str, exc: ValidationError) -> list[str]:
    """One line per pydantic error: `file: key.path: what was expected (got X)`."""
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        path = key_path(prefix, loc)
        line = f"{file}: {path}: {_explain(dict(err))}"
        if err["type"] not in ("missing", "extra_forbidden") and not _is_secret(loc):
            shown = repr(_without_password(err.get("input")))
            if len(shown) <= 60:
                line += f" (got {shown})"
        lines.append(line)
    return lines
