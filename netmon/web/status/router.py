"""Routes: the page (/), its map (/map), its assets, and the JSON API (/api/...). GET only."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from html import escape
from importlib.resources import files
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from netmon.config.models import NetmonConfig
from netmon.db.reader import DatabaseReader
from netmon.store.base import Store
from netmon.web.status.coverage_map import CoverageMapPage, MapUnavailable
from netmon.web.status.i18n import LANGUAGES, Language, Words
from netmon.web.status.models import ApStatus, IncidentView, ZoneStatus
from netmon.web.status.page import STATIC_PATH, render_page
from netmon.web.status.reader import StatusReader
from netmon.web.status.usage_page import MAX_DAYS, render_usage

ASSETS = {"status.css": "text/css; charset=utf-8",
          "status.js": "text/javascript; charset=utf-8"}
ASSET_MAX_AGE_S = 300
MAX_INCIDENTS = 500
DEFAULT_INCIDENTS = 50
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"description": "status_page.api_token is set and the request lacks it"}}
_bearer = HTTPBearer(auto_error=False, description="status_page.api_token, when set")


def _language(config: NetmonConfig, asked: str | None) -> Language:
    for code in LANGUAGES:
        if asked == code:
            return code
    return config.language


def status_router(config: NetmonConfig, database: DatabaseReader, samples: Store) -> APIRouter:
    """Everything the status page serves, read-only: the fleet view, incidents, samples."""
    settings = config.status_page
    reader = StatusReader(config, database, samples)
    coverage = CoverageMapPage(config, reader, settings.map_cache_s)
    token = settings.api_token

    def check_token(credentials: Annotated[HTTPAuthorizationCredentials | None,
                                           Depends(_bearer)]) -> None:
        assert token is not None
        given = credentials.credentials if credentials is not None else ""
        if not secrets.compare_digest(given.encode(), token.get_secret_value().encode()):
            raise HTTPException(401, "a valid bearer token is required",
                                headers={"WWW-Authenticate": "Bearer"})

    router = APIRouter()
    # The OpenAPI document declares the bearer scheme only when a token is configured.
    api = APIRouter(prefix="/api", tags=["status"],
                    dependencies=[Depends(check_token)] if token is not None else [],
                    responses=UNAUTHORIZED if token is not None else {})

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page(lang: str | None = None) -> str:
        now_ns = time.time_ns()
        aps = reader.aps(now_ns)
        return render_page(
            site=config.site, words=Words(_language(config, lang), config.timezone),
            now=datetime.now(UTC), refresh_s=settings.refresh_s, aps=aps,
            zones=reader.zones(now_ns, aps),
            current=reader.incidents(now_ns, open_only=True, limit=MAX_INCIDENTS),
            recent=reader.incidents(now_ns, open_only=False, limit=settings.recent_incidents),
            fibre=reader.fibre(), has_data=database.ready())

    @router.get("/usage", response_class=HTMLResponse, include_in_schema=False)
    def usage(days: Annotated[int, Query(ge=1, le=MAX_DAYS)] = 28,
              lang: str | None = None) -> str:
        return render_usage(config, samples, _language(config, lang), days, time.time_ns())

    @router.get("/map", response_class=HTMLResponse, include_in_schema=False)
    def coverage_map(lang: str | None = None) -> HTMLResponse:
        try:
            return HTMLResponse(coverage.html(_language(config, lang), time.time_ns()))
        except MapUnavailable as exc:
            return HTMLResponse(f"<p>map unavailable: {escape(str(exc))}</p>", 503)

    @api.get("/aps", summary="Every AP: status, zone, clients, uptime, last seen",
             responses={404: {"description": "The config has no such zone"}})
    def aps(zone: Annotated[str | None, Query(description="Only this zone's APs")] = None,
            ) -> list[ApStatus]:
        if zone is not None and zone not in reader.zone_names:
            raise HTTPException(404, f"unknown zone {zone!r}")
        return [a for a in reader.aps(time.time_ns()) if zone is None or a.zone == zone]

    @api.get("/zones", summary="Every zone: APs up and down, clients, availability, fibre")
    def zones() -> list[ZoneStatus]:
        return reader.zones(time.time_ns())

    @api.get("/incidents", summary="Outages: the open ones, or the most recent")
    def incidents(
        state: Annotated[Literal["open", "recent"],
                         Query(description="`open`: ongoing only; `recent`: newest first")]
        = "recent",
        limit: Annotated[int, Query(ge=1, le=MAX_INCIDENTS)] = DEFAULT_INCIDENTS,
    ) -> list[IncidentView]:
        return reader.incidents(time.time_ns(), open_only=state == "open", limit=limit)

    @router.get(f"/{STATIC_PATH}/{{name}}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name not in ASSETS:
            raise HTTPException(404, "no such file")
        body = (files("netmon.web.status") / "static" / name).read_bytes()
        return Response(body, media_type=ASSETS[name],
                        headers={"Cache-Control": f"max-age={ASSET_MAX_AGE_S}"})

    router.include_router(api)
    return router
