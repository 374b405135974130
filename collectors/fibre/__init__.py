"""Fibre (FTTH) rollout importers: netmon's milestone CSV, ARCEP's commune and building files."""
