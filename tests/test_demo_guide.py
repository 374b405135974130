"""What `netmon demo` tells a newcomer to open names only what a started listener serves."""

from __future__ import annotations

import asyncio
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from netmon.cli.demo_guide import browser_url, where_to_look
from netmon.config.models import NetmonConfig
from netmon.export.exporters import Exporters
from tests.support.tsdb import free_tcp_port

DEFAULT_PORT = 9108


def config(tmp_path: Path, **extra: object) -> NetmonConfig:
    return NetmonConfig.model_validate({"store": {"path": str(tmp_path / "n.db")}, **extra})


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return refused.code


async def test_a_busy_default_port_is_named_and_no_url_is_given(tmp_path: Path) -> None:
    with socket.socket() as default_port:
        try:  # busy either way: held here, or by some netmon already running
            default_port.bind(("127.0.0.1", DEFAULT_PORT))
            default_port.listen()
        except OSError:
            pass
        settings = config(tmp_path)
        exporters = Exporters(settings)
        await exporters.start()
        try:
            lines = where_to_look(settings, exporters)
        finally:
            await exporters.stop()
    assert lines[0].startswith(f"No status page and no /metrics: http.listen "
                               f"127.0.0.1:{DEFAULT_PORT}: ")
    assert lines[0].endswith("(set http.listen to a free address)")
    assert not any("http://" in line for line in lines)
    assert lines[1].startswith(f"When the demo stops: the map {tmp_path / 'maps' / 'map.html'}")


async def test_without_the_status_page_only_metrics_is_named(tmp_path: Path) -> None:
    port = free_tcp_port()
    settings = config(tmp_path, http={"listen": f"127.0.0.1:{port}"},
                      status_page={"enabled": False})
    exporters = Exporters(settings)
    await exporters.start()
    try:
        lines = where_to_look(settings, exporters)
        assert lines[0] == (f"Prometheus: http://127.0.0.1:{port}/metrics  "
                            "(no status page: status_page.enabled is false)")
        # From a worker thread: the listener answers on this test's loop.
        assert await asyncio.to_thread(status_of, f"http://127.0.0.1:{port}/metrics") == 200
        assert await asyncio.to_thread(status_of, f"http://127.0.0.1:{port}/") == 404
    finally:
        await exporters.stop()


def test_a_listener_turned_off_is_named_as_such(tmp_path: Path) -> None:
    settings = config(tmp_path, http={"enabled": False})
    lines = where_to_look(settings, Exporters(settings))
    assert lines[0] == "No status page and no /metrics: http.enabled is false"


@pytest.mark.parametrize(("host", "url"), [
    ("127.0.0.1", "http://127.0.0.1:9108"), ("0.0.0.0", "http://127.0.0.1:9108"),
    ("::", "http://[::1]:9108"), ("::1", "http://[::1]:9108"),
    ("wifi.example", "http://wifi.example:9108")])
def test_a_wildcard_listener_is_opened_on_loopback(host: str, url: str) -> None:
    assert browser_url(host, DEFAULT_PORT) == url
