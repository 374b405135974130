"""The one MetaData every table of netmon's database is declared on."""

from __future__ import annotations

from typing import Final

from sqlalchemy import MetaData

# Named constraints, so migrations can refer to them on SQLite (batch mode) and PostgreSQL.
NAMING: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
}

metadata: Final = MetaData(naming_convention=NAMING)
