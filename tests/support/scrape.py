"""GET /metrics over a real connection, as a scraper does (no redirect followed)."""

from __future__ import annotations

import asyncio
import gzip
import http.client

from netmon.export.exporters import Exporters

# What Prometheus 2.x asks for (its scrape_protocols' default order).
PROMETHEUS_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                     "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")


def get_metrics(port: int, accept: str = "*/*", path: str = "/metrics",
                zipped: bool = False) -> tuple[int, str, str]:
    """Status, Content-Type and the text (gunzipped when the answer was)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Accept": accept, "Accept-Encoding": "gzip" if zipped else "identity"}
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        body = answer.read()
        if answer.getheader("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return answer.status, answer.getheader("Content-Type", ""), body.decode()
    finally:
        connection.close()


async def scrape(exporters: Exporters, accept: str = "*/*", path: str = "/metrics",
                 zipped: bool = False) -> tuple[int, str, str]:
    """From a worker thread, so the loop under test keeps serving."""
    assert exporters.http is not None
    return await asyncio.to_thread(get_metrics, exporters.http.port, accept, path, zipped)


def value(text: str, series: str) -> float:
    line = next(line for line in text.splitlines() if line.startswith(series + " "))
    return float(line.rsplit(" ", 1)[1])
