"""Configuration: YAML files validated into typed, immutable models."""

from collectors.snmp.settings import SnmpCredentials
from netmon.config.errors import ConfigError
from netmon.config.loader import load_config
from netmon.config.models import AccessPoint, Controller, NetmonConfig, Zone

__all__ = [
    "AccessPoint",
    "ConfigError",
    "Controller",
    "NetmonConfig",
    "SnmpCredentials",
    "Zone",
    "load_config",
]
