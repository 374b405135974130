"""Credentials by reference: `${NAME}` from the environment or the secrets file."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class UnresolvedReference(ValueError):
    """A `${NAME}` that neither the environment nor the secrets file defines."""


def resolve_references(value: Any, secrets: Mapping[str, str], path: str = "",
                       resolved: set[str] | None = None) -> Any:
    """Replace every `${NAME}` in the strings of a YAML tree (each value put in `resolved`:
    they are secrets to mask); errors carry the key path."""
    if isinstance(value, str):

        def lookup(match: re.Match[str]) -> str:
            name = match.group(1)
            found = os.environ.get(name, secrets.get(name))
            if found is not None:
                if resolved is not None:
                    resolved.add(found)
                return found
            raise UnresolvedReference(
                f"{path}: ${{{name}}} is not set in the environment nor in the secrets file"
            )

        return REFERENCE.sub(lookup, value)
    if isinstance(value, dict):
        return {
            k: resolve_references(v, secrets, f"{path}.{k}" if path else str(k), resolved)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [resolve_references(v, secrets, f"{path}[{i}]", resolved)
                for i, v in enumerate(value)]
    return value
