"""The Grafana data sources the dashboards use, in the shape of Grafana's data source API."""

from __future__ import annotations

from typing import Any, Final

from dashboards.queries import INVENTORY_DATASOURCE, FlavourName
from dashboards.settings import DEFAULT_INFLUXDB_URL, DEFAULT_PROMETHEUS_URL
from netmon.config.models import NetmonConfig

DATASOURCE_UIDS: Final[dict[FlavourName, str]] = {"influxdb": "netmon-influxdb",
                                                  "prometheus": "netmon-prometheus"}
INFLUX_TOKEN_ENV: Final = "NETMON_INFLUX_TOKEN"
# Grafana asks Prometheus at most this often; netmon's values change once per poll anyway.
SCRAPE_INTERVAL: Final = "60s"


def datasource(config: NetmonConfig, flavour: FlavourName, reveal_secrets: bool) -> dict[str, Any]:
    """One data source; with reveal_secrets False, secrets are `${ENV}` references instead."""
    custom_url = config.grafana.datasource_url if config.grafana is not None else None
    if flavour == "prometheus":
        return {"name": "netmon Prometheus", "uid": DATASOURCE_UIDS[flavour],
                "type": "prometheus", "access": "proxy",
                "url": custom_url or DEFAULT_PROMETHEUS_URL,
                "jsonData": {"httpMethod": "POST", "timeInterval": SCRAPE_INTERVAL}}
    influx = config.influxdb
    source: dict[str, Any] = {
        "name": "netmon InfluxDB", "uid": DATASOURCE_UIDS[flavour], "type": "influxdb",
        "access": "proxy",
        "url": custom_url or (influx.url if influx is not None else DEFAULT_INFLUXDB_URL),
        # InfluxQL: InfluxDB 1.x database, or a 2.x/3.x bucket through its DBRP mapping.
        "jsonData": {"version": "InfluxQL", "dbName": influx.bucket if influx else "netmon",
                     "httpMode": "POST"}}
    if influx is not None and influx.token is not None:
        token = influx.token.get_secret_value() if reveal_secrets else f"${{{INFLUX_TOKEN_ENV}}}"
        source["jsonData"]["httpHeaderName1"] = "Authorization"
        source["secureJsonData"] = {"httpHeaderValue1": f"Token {token}"}
    return source


def inventory_datasource() -> dict[str, Any]:
    """Grafana's TestData data source: it carries the AP positions of the map dashboard."""
    return {"name": "netmon inventory", "uid": INVENTORY_DATASOURCE.uid,
            "type": INVENTORY_DATASOURCE.type_val, "access": "proxy"}
