"""What `netmon demo` tells a newcomer to open: the pages it serves, and what it leaves behind."""

from __future__ import annotations

from netmon.cli.demo_outputs import demo_output_dirs
from netmon.config.models import NetmonConfig
from netmon.export.exporters import Exporters

# A browser on this machine cannot open a wildcard address; it opens the loopback one.
LOOPBACK_FOR = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}


def browser_url(host: str, port: int) -> str:
    """The base URL of a listener on `host`, as a browser on this machine opens it."""
    host = LOOPBACK_FOR.get(host, host)
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def where_to_look(config: NetmonConfig, exporters: Exporters) -> list[str]:
    """Lines naming only what is served now (once the exporters started), and the outputs."""
    maps_dir, report_dir = demo_output_dirs(config)
    http = exporters.http
    after = (f"When the demo stops: the map {maps_dir / 'map.html'}, "
             f"the report {report_dir / 'report.pdf'}")
    if http is None:
        why = f"{exporters.listen_error} (set http.listen to a free address)" \
            if exporters.listen_error else "http.enabled is false"
        return [f"No status page and no /metrics: {why}", after]
    base = browser_url(http.settings.host, http.port)
    if not config.status_page.enabled:
        return [f"Prometheus: {base}/metrics  (no status page: status_page.enabled is false)",
                after]
    token = " (Authorization: Bearer <status_page.api_token>)" \
        if config.status_page.api_token is not None else ""
    return [f"Status page: {base}/  (open it in a browser)",
            f"  JSON API{token}: {base}/api/aps  {base}/api/zones  {base}/api/incidents",
            f"  Prometheus: {base}/metrics",
            f"  {after}"]
