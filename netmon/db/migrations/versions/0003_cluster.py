"""Several pollers: shard leases, live pollers, one delivery per incident transition.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shard_leases",
        sa.Column("shard", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("poller", sa.Text(), nullable=True),
        sa.Column("expires_ns", sa.BigInteger(), nullable=False),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("shard", name=op.f("pk_shard_leases")))
    op.create_table(
        "cluster_pollers",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("expires_ns", sa.BigInteger(), nullable=False),
        sa.Column("shards", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cluster_pollers")))
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.add_column(sa.Column("transition", sa.Text(), nullable=True))
        batch.create_unique_constraint(op.f("uq_alert_deliveries_channel_transition"),
                                       ["channel", "transition"])


def downgrade() -> None:
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.drop_constraint(op.f("uq_alert_deliveries_channel_transition"), type_="unique")
        batch.drop_column("transition")
    op.drop_table("cluster_pollers")
    op.drop_table("shard_leases")
