"""fleet_state.degraded_incident_id: the open "answers without data" incident of an AP.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fleet_state") as batch:
        batch.add_column(sa.Column("degraded_incident_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fleet_state") as batch:
        batch.drop_column("degraded_incident_id")
