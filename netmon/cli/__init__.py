"""The `netmon` command line."""
