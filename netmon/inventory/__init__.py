"""Inventory from outside: the hotspot lists towns publish as open data."""
