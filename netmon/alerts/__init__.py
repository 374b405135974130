"""Outage detection and operator alerts: tracker, incidents, maintenance, notifiers, uptime."""
