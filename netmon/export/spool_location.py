"""Where the InfluxDB spool lives: a light module, for the CLI's `spool` commands too."""

from __future__ import annotations

from pathlib import Path

from netmon.config.models import NetmonConfig

SPOOL_DIR_SUFFIX = "-influx-spool"


def spool_dir(config: NetmonConfig) -> Path:
    """influxdb.spool_dir (relative to the config file), else beside the store file."""
    assert config.influxdb is not None
    chosen = config.influxdb.spool_dir
    if chosen is None:
        store = config.store.path
        return store.with_name(store.stem + SPOOL_DIR_SUFFIX)
    if not chosen.is_absolute() and config.source is not None:
        return (config.source.parent / chosen).resolve()
    return chosen
