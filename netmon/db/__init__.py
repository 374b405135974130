"""The one owner of netmon's database: schema, versioned migrations, one writer, readers.

- `metadata`: every table of the one schema (store, fleet state, incidents, deliveries,
  fibre history), defined with SQLAlchemy Core by the module that uses it.
- `DatabaseOwner`: the single writer, a thread of its own; it migrates the schema on open.
- `DatabaseReader`: read-only connections (`mode=ro` for SQLite); never DDL, never a write.
"""
