"""Column types the schema needs beyond SQLAlchemy's own."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class ExactNumber(TypeDecorator[Any]):
    """NUMERIC affinity, values passed through: an integer stays an exact integer, a float a float.

    SQLAlchemy's Numeric would turn every value into a float (or a Decimal) on the way out.
    """

    impl = Numeric
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None

    def result_processor(self, dialect: Dialect, coltype: object
                         ) -> Callable[[object], object] | None:
        # PostgreSQL's NUMERIC comes back as Decimal: integral values as exact ints (as
        # SQLite's NUMERIC affinity gives them), the others as floats.
        return None if dialect.name == "sqlite" else _from_decimal


def _from_decimal(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() \
            else float(value)
    return value
