"""fibre_imports.rows: the rows a file had, so a cut download is told from a real file.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fibre_imports") as batch:
        batch.add_column(sa.Column("rows", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fibre_imports") as batch:
        batch.drop_column("rows")
