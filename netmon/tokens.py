"""Tokens from the config: an empty one is a mistake (a `${NAME}` set to ""), never "open"."""

from __future__ import annotations

from pydantic import SecretStr

# The status API's own token: guessable below this (the length of a UUID without dashes is 32).
MIN_API_TOKEN_CHARS = 16


def checked_token(value: SecretStr | None, minimum: int = 1) -> SecretStr | None:
    """`value` when it holds a token of at least `minimum` characters; a ValueError that
    never shows the value otherwise. Leave the key out to go without a token on purpose."""
    if value is None:
        return None
    text = value.get_secret_value()
    if not text.strip():
        raise ValueError("is empty (a ${NAME} set to \"\"?): leave the key out to go "
                         "without a token on purpose")
    if text != text.strip():
        raise ValueError("has spaces around it")
    if len(text) < minimum:
        raise ValueError(f"is {len(text)} characters: at least {minimum}")
    return value
