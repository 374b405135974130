"""Alembic environment: always run by netmon.db.migrate on the writer's own connection."""

from __future__ import annotations

from alembic import context

from netmon.db.schema import full_metadata

connection = context.config.attributes["connection"]
# Batch mode: SQLite cannot ALTER most things; Alembic rebuilds the table instead.
context.configure(connection=connection, target_metadata=full_metadata(), render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
