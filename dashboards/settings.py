"""The `grafana:` configuration section: where `netmon dashboards push` sends the dashboards."""

from __future__ import annotations

import os
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from netmon.tokens import checked_token

URL_ENV: Final = "NETMON_GRAFANA_URL"
TOKEN_ENV: Final = "NETMON_GRAFANA_TOKEN"
DEFAULT_PROMETHEUS_URL: Final = "http://127.0.0.1:9090"
DEFAULT_INFLUXDB_URL: Final = "http://127.0.0.1:8086"


def _http_url(v: str | None) -> str | None:
    if v is not None and not v.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return None if v is None else v.rstrip("/")


class GrafanaSettings(BaseModel):
    """URL and token may also come from NETMON_GRAFANA_URL / NETMON_GRAFANA_TOKEN."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str | None = None
    # A service account token (Bearer); prefer `${NETMON_GRAFANA_TOKEN}` over the value itself.
    token: SecretStr | None = None

    @field_validator("token")
    @classmethod
    def _real_token(cls, value: SecretStr | None) -> SecretStr | None:
        return checked_token(value)
    folder: str = "netmon"
    folder_uid: Annotated[str, Field(pattern=r"^[a-zA-Z0-9_-]{1,40}$")] = "netmon"
    flavour: Literal["influxdb", "prometheus"] = "prometheus"
    # How Grafana's server reaches the data: default the `influxdb:` URL, or a local Prometheus.
    datasource_url: str | None = None
    timeout_s: Annotated[float, Field(gt=0, le=300)] = 10.0

    @field_validator("url", "datasource_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        return _http_url(v)

    def resolved_url(self) -> str | None:
        """The config's URL, else the environment's."""
        return self.url or _http_url(os.environ.get(URL_ENV) or None)

    def resolved_token(self) -> SecretStr | None:
        if self.token is not None:
            return self.token
        env = os.environ.get(TOKEN_ENV)
        return SecretStr(env) if env else None
