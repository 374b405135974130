"""A stand-in for the few Grafana HTTP API endpoints `netmon dashboards push` uses.

No Grafana server can be installed here, so this serves the request and response shapes of
Grafana's documented HTTP API (folders, data sources by uid, dashboards by uid and /db), keeps
what is written, and records every request. Served by uvicorn on 127.0.0.1 in a thread.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.support.wait import wait_until

STARTUP_TIMEOUT_S = 10.0


@dataclass
class GrafanaState:
    token: str
    folders: dict[str, dict[str, Any]] = field(default_factory=dict)
    datasources: dict[str, dict[str, Any]] = field(default_factory=dict)
    dashboards: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    next_id: int = 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status)


def grafana_app(state: GrafanaState) -> FastAPI:
    app = FastAPI()

    @app.middleware("http")
    async def auth(request: Request, call_next: Any) -> Any:
        state.requests.append((request.method, request.url.path))
        if request.headers.get("authorization") != f"Bearer {state.token}":
            return _error(401, "Unauthorized")
        return await call_next(request)

    @app.get("/api/folders/{uid}")
    def get_folder(uid: str) -> Any:
        return state.folders.get(uid) or _error(404, "folder not found")

    @app.post("/api/folders")
    async def create_folder(request: Request) -> Any:
        body = await request.json()
        uid = body.get("uid") or f"f{state.next_id}"
        if uid in state.folders:
            return _error(409, "a folder with the same uid already exists")
        state.folders[uid] = {"id": state.new_id(), "uid": uid, "title": body["title"],
                              "url": f"/dashboards/f/{uid}/", "version": 1}
        return state.folders[uid]

    @app.put("/api/folders/{uid}")
    async def update_folder(uid: str, request: Request) -> Any:
        body = await request.json()
        folder = state.folders.get(uid)
        if folder is None:
            return _error(404, "folder not found")
        if not body.get("overwrite") and body.get("version") != folder["version"]:
            return _error(412, "the folder has been changed by someone else")
        folder.update(title=body["title"], version=folder["version"] + 1)
        return folder

    @app.get("/api/datasources/uid/{uid}")
    def get_datasource(uid: str) -> Any:
        source = state.datasources.get(uid)
        if source is None:
            return _error(404, "Data source not found")
        shown = {k: v for k, v in source.items() if k != "secureJsonData"}
        shown["secureJsonFields"] = {k: True for k in source.get("secureJsonData", {})}
        return shown

    @app.post("/api/datasources")
    async def create_datasource(request: Request) -> Any:
        body = await request.json()
        if any(s["name"] == body["name"] for s in state.datasources.values()):
            return _error(409, "data source with the same name already exists")
        uid = body.get("uid") or f"ds{state.next_id}"
        source = {**body, "id": state.new_id(), "uid": uid, "orgId": 1, "version": 1,
                  "readOnly": False}
        state.datasources[uid] = source
        return {"datasource": get_datasource(uid), "id": source["id"], "name": body["name"],
                "message": "Datasource added"}

    @app.put("/api/datasources/uid/{uid}")
    async def update_datasource(uid: str, request: Request) -> Any:
        body = await request.json()
        source = state.datasources.get(uid)
        if source is None:
            return _error(404, "Data source not found")
        source.update(body, version=source["version"] + 1)
        return {"datasource": get_datasource(uid), "id": source["id"], "name": source["name"],
                "message": "Datasource updated"}

    @app.get("/api/dashboards/uid/{uid}")
    def get_dashboard(uid: str) -> Any:
        stored = state.dashboards.get(uid)
        return stored or _error(404, "Dashboard not found")

    @app.post("/api/dashboards/db")
    async def save_dashboard(request: Request) -> Any:
        body = await request.json()
        dashboard, folder_uid = body["dashboard"], body.get("folderUid")
        if folder_uid and folder_uid not in state.folders:
            return _error(400, "folder not found")
        uid = dashboard["uid"]
        existing = state.dashboards.get(uid)
        if existing is not None and not body.get("overwrite"):
            return _error(412, "A dashboard with the same uid already exists")
        version = 1 if existing is None else existing["dashboard"]["version"] + 1
        dash_id = state.new_id() if existing is None else existing["dashboard"]["id"]
        state.dashboards[uid] = {"dashboard": {**dashboard, "id": dash_id, "version": version},
                                 "meta": {"folderUid": folder_uid, "version": version,
                                          "slug": uid, "url": f"/d/{uid}/{uid}"}}
        return {"id": dash_id, "uid": uid, "url": f"/d/{uid}/{uid}", "status": "success",
                "version": version, "slug": uid}

    return app


@contextmanager
def grafana_api(token: str) -> Iterator[tuple[str, GrafanaState]]:
    """(base URL, state) of a running stand-in; stopped on exit."""
    state = GrafanaState(token)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(grafana_app(state), log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    wait_until(lambda: server.started, STARTUP_TIMEOUT_S, "the Grafana stand-in to start",
               poll_s=0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", state
    finally:
        server.should_exit = True
        thread.join(STARTUP_TIMEOUT_S)
        sock.close()
