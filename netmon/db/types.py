"""Column types the schema needs beyond SQLAlchemy's own."""

from __future__ import annotations

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

    def result_processor(self, dialect: Dialect, coltype: object) -> None:
        return None
