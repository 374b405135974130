"""Several pollers, one truth: shard leases in the shared PostgreSQL database."""
