"""`netmon dashboards push`: folder, data sources and dashboards into Grafana, idempotently.

Each object is read first and written only when it differs from what netmon would write, so a
second push changes nothing (no new dashboard versions in Grafana's history).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from grafana_client.api import GrafanaApi
from grafana_client.client import GrafanaClientError, GrafanaException
from pydantic import SecretStr

from dashboards.catalog import DASHBOARDS, context, dashboard_json
from dashboards.datasources import datasource, inventory_datasource
from dashboards.settings import GrafanaSettings
from netmon.config.models import NetmonConfig

NOT_FOUND: Final = 404
PUSH_MESSAGE: Final = "netmon dashboards push"
# Data source keys Grafana returns as sent (secureJsonData comes back only as field names).
COMPARED_DATASOURCE_KEYS: Final = ("name", "type", "access", "url", "jsonData")
VOLATILE_DASHBOARD_KEYS: Final = ("id", "version")

Action = Literal["created", "updated", "unchanged"]


class PushError(RuntimeError):
    """Grafana refused or could not be reached; the message never holds the token."""


@dataclass(frozen=True, slots=True)
class PushResult:
    kind: Literal["folder", "datasource", "dashboard"]
    uid: str
    title: str
    action: Action


def _missing(exc: GrafanaException) -> bool:
    return isinstance(exc, GrafanaClientError) and exc.status_code == NOT_FOUND


class GrafanaPush:
    """Writes netmon's objects through Grafana's HTTP API (grafana-client)."""

    def __init__(self, api: GrafanaApi, settings: GrafanaSettings) -> None:
        self.api: Any = api  # grafana-client's element methods carry no annotations
        self.settings = settings

    def _get(self, call: Any, *args: Any) -> dict[str, Any] | None:
        try:
            found: dict[str, Any] = call(*args)
        except GrafanaException as exc:
            if _missing(exc):
                return None
            raise
        return found

    def folder(self) -> PushResult:
        uid, title = self.settings.folder_uid, self.settings.folder
        found = self._get(self.api.folder.get_folder, uid)
        if found is None:
            self.api.folder.create_folder(title, uid=uid)
            return PushResult("folder", uid, title, "created")
        if found.get("title") == title:
            return PushResult("folder", uid, title, "unchanged")
        self.api.folder.update_folder(uid, title=title, version=found.get("version"))
        return PushResult("folder", uid, title, "updated")

    def datasource(self, desired: dict[str, Any]) -> PushResult:
        uid, name = desired["uid"], desired["name"]
        found = self._get(self.api.datasource.get_datasource_by_uid, uid)
        if found is None:
            self.api.datasource.create_datasource(desired)
            return PushResult("datasource", uid, name, "created")
        same = all(found.get(key) == desired.get(key) for key in COMPARED_DATASOURCE_KEYS
                   if key in desired)
        secure = set(desired.get("secureJsonData", {}))
        stored_secure = {k for k, v in (found.get("secureJsonFields") or {}).items() if v}
        if same and secure == stored_secure:
            return PushResult("datasource", uid, name, "unchanged")
        self.api.datasource.update_datasource_by_uid(uid, desired)
        return PushResult("datasource", uid, name, "updated")

    def dashboard(self, desired: dict[str, Any]) -> PushResult:
        uid, title = desired["uid"], desired["title"]
        found = self._get(self.api.dashboard.get_dashboard, uid)
        if found is not None:
            stored = {k: v for k, v in found.get("dashboard", {}).items()
                      if k not in VOLATILE_DASHBOARD_KEYS}
            in_folder = found.get("meta", {}).get("folderUid") == self.settings.folder_uid
            if stored == desired and in_folder:
                return PushResult("dashboard", uid, title, "unchanged")
        self.api.dashboard.update_dashboard({
            "dashboard": {**desired, "id": None}, "folderUid": self.settings.folder_uid,
            "overwrite": True, "message": PUSH_MESSAGE})
        return PushResult("dashboard", uid, title, "created" if found is None else "updated")


def connect(settings: GrafanaSettings) -> GrafanaApi:
    url, token = settings.resolved_url(), settings.resolved_token()
    if url is None:
        raise PushError("no Grafana URL: set grafana.url in the config or NETMON_GRAFANA_URL")
    if token is None:
        raise PushError("no Grafana token: set grafana.token (e.g. ${NETMON_GRAFANA_TOKEN}) "
                        "or NETMON_GRAFANA_TOKEN")
    api: GrafanaApi = GrafanaApi.from_url(url, credential=SecretStr.get_secret_value(token),
                                          timeout=settings.timeout_s)
    return api


def push(config: NetmonConfig, settings: GrafanaSettings | None = None) -> list[PushResult]:
    """Folder, then the flavour's data source and the inventory, then the five dashboards."""
    settings = settings or config.grafana or GrafanaSettings()
    target = GrafanaPush(connect(settings), settings)
    flavour = settings.flavour
    ctx = context(config, flavour)
    try:
        results = [target.folder(),
                   target.datasource(datasource(config, flavour, reveal_secrets=True)),
                   target.datasource(inventory_datasource())]
        results += [target.dashboard(dashboard_json(spec, ctx)) for spec in DASHBOARDS]
    except GrafanaException as exc:
        raise PushError(f"Grafana {settings.resolved_url()}: HTTP {exc.status_code}: "
                        f"{_reason(exc)}") from None
    except OSError as exc:
        raise PushError(f"Grafana {settings.resolved_url()}: {exc}") from None
    return results


def _reason(exc: GrafanaException) -> str:
    """Grafana's own `message` when it gave one (its API errors are {"message": ...})."""
    response = exc.response
    if isinstance(response, dict) and response.get("message"):
        return str(response["message"])
    return str(exc.message)
