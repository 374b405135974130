"""netmon's HTTP listener: /metrics for Prometheus (and, later, the status page and API)."""
