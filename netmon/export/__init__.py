"""Export to InfluxDB-compatible servers (line protocol, spool, dead letters) and sharding."""
