"""GET /report.html and /report.pdf: the committee's report of a period, as a download."""

from __future__ import annotations

import threading
import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from netmon.config.models import NetmonConfig
from netmon.report.period import report_period

PERIOD_HELP = ("START..END (dates, end day included, or ISO datetimes) in the config's time "
               "zone; default: the two whole months before this one")
PeriodQuery = Annotated[str | None, Query(description=PERIOD_HELP)]


def _filename(period: str, extension: str) -> str:
    """ASCII, one token: what every browser saves as it is."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in period.replace("..", "_to_"))
    return f"netmon-report-{safe}.{extension}"


def report_router(config: NetmonConfig) -> APIRouter:
    """The report as `netmon report` writes it, built on request from the database."""
    from geo.vector_files import LayerError

    router = APIRouter(tags=["report"])
    # A report takes seconds of CPU (maps, charts, PDF): one at a time per process, so a
    # burst of downloads queues instead of starving the page.
    one_at_a_time = threading.Lock()

    def build(period: str | None, as_pdf: bool) -> tuple[str, str | bytes]:
        try:
            chosen, start_ns, end_ns = report_period(period, config.timezone)
        except ValueError as exc:
            raise HTTPException(400, f"period: {exc}") from None
        from netmon.report.documents import pdf_bytes, report_html
        try:
            with one_at_a_time:
                html = report_html(config, start_ns, end_ns, time.time_ns())
                return chosen, pdf_bytes(html) if as_pdf else html
        except LayerError as exc:
            raise HTTPException(503, f"report unavailable: {exc}") from None

    @router.get("/report.html", response_class=HTMLResponse,
                summary="The committee report of a period, one self-contained HTML page",
                responses={400: {"description": "The period cannot be read"}})
    async def report_page(period: PeriodQuery = None) -> HTMLResponse:
        chosen, html = await run_in_threadpool(build, period, False)
        disposition = f'inline; filename="{_filename(chosen, "html")}"'
        return HTMLResponse(html, headers={"Content-Disposition": disposition})

    @router.get("/report.pdf", response_class=Response,
                summary="The committee report of a period, as PDF (a download)",
                responses={200: {"content": {"application/pdf": {}}},
                           400: {"description": "The period cannot be read"}})
    async def report_pdf(period: PeriodQuery = None) -> Response:
        chosen, pdf = await run_in_threadpool(build, period, True)
        disposition = f'attachment; filename="{_filename(chosen, "pdf")}"'
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": disposition})

    return router
