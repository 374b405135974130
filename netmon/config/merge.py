"""Layered YAML: a deeper layer overrides only the keys it sets."""

from __future__ import annotations

from typing import Any


def deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Deep merge, `top` wins: an AP overrides only the keys it sets (credentials included)."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out
