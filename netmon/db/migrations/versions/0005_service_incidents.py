"""fleet_state.service_incident_id and capacity_incident_id: silent and overloaded APs/zones.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fleet_state") as batch:
        batch.add_column(sa.Column("service_incident_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("capacity_incident_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fleet_state") as batch:
        batch.drop_column("capacity_incident_id")
        batch.drop_column("service_incident_id")
