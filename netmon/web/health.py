"""GET /healthz: this process answers and can read the database (for a load balancer)."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from netmon.db.migrate import SchemaError, current
from netmon.db.reader import DatabaseReader

log = logging.getLogger(__name__)


def health_router(database: DatabaseReader) -> APIRouter:
    """200 while the database reads (or does not exist yet: "no data yet" is healthy)."""
    router = APIRouter()
    failing = False  # log the first failure and the recovery once, not every probe

    def database_state() -> str:
        if not database.ready():
            return "empty"
        with database.snapshot() as conn:
            current(conn)  # a real read: a server that went away fails here
        return "ready"

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        nonlocal failing
        try:
            state = await run_in_threadpool(database_state)
        except (SQLAlchemyError, SchemaError) as exc:
            if not failing:
                log.warning("database %s unreadable: %s", database.where, exc)
            failing = True
            return JSONResponse({"status": "unavailable", "database": "unreadable"}, 503)
        if failing:
            log.warning("database %s readable again", database.where)
        failing = False
        return JSONResponse({"status": "ok", "database": state})

    return router
