"""Fibre rollout: imports into the store, progress per zone, projected completion."""
