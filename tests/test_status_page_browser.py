"""`netmon demo` serves the status page; headless Chromium, network off, sees what a person sees.

Chromium resolves no host but 127.0.0.1, so anything the page tried to fetch from elsewhere
would show up as a failed request.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, Request, sync_playwright

from geo.mapdata import STATE_COLOURS
from tests.support.demo import DEMO, demo_config_copy
from tests.support.wait import wait_until

CHROMIUM = "/usr/bin/chromium"
DOWN_AP = "centre-07"
DEMO_APS = 50
INTERVAL_S = 10
READY_TIMEOUT_S = 180  # a ceiling for a busy machine; usually 20-40 s
STOP_TIMEOUT_S = 60  # the demo writes its maps and report on the way out
IMPORT_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 30_000
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


def _free_tcp_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _absolute_paths(config_file: Path) -> None:
    """The copy lives in tmp: its fibre files and water layer are the demo's own."""
    doc = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    entry = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    for item in doc["fibre"]["imports"]:
        item["path"] = str(DEMO.parent / item["path"])
    doc["maps"] = entry["maps"]
    doc["maps"]["water"]["path"] = str(DEMO.parent / entry["maps"]["water"]["path"])
    config_file.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
                           encoding="utf-8")


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return json.load(answer)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running `netmon demo` (fibre figures imported first), once every AP has been polled."""
    tmp = tmp_path_factory.mktemp("demo")
    port = _free_tcp_port()
    config = demo_config_copy(tmp, interval_s=INTERVAL_S,
                              extra={"http": {"listen": f"127.0.0.1:{port}"}})
    _absolute_paths(config)
    netmon = [sys.executable, "-m", "netmon"]
    imported = subprocess.run([*netmon, "fibre", "import", "-c", str(config)], cwd=tmp,
                              capture_output=True, text=True, timeout=IMPORT_TIMEOUT_S,
                              check=False)
    assert imported.returncode == 0, imported.stderr
    log = (tmp / "demo.log").open("w")
    demo = subprocess.Popen([*netmon, "demo", "-c", str(config)], cwd=tmp, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def all_polled() -> bool:
        assert demo.poll() is None, (tmp / "demo.log").read_text()
        try:
            aps = _get_json(f"{url}/api/aps")
        except OSError:
            return False
        return len(aps) == DEMO_APS and all(a["status"] != "unknown" for a in aps)

    try:
        wait_until(all_polled, READY_TIMEOUT_S, "the demo's APs all polled", poll_s=1.0)
        yield url
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.kill(demo.pid, signal.SIGKILL)
            demo.wait()
        log.close()


@pytest.fixture(scope="module")
def browser_page(demo_url: str, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[tuple[Page, list[str], list[str], list[str]]]:
    """(page, every URL asked, failed requests, console errors) after loading the page."""
    asked: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", OFFLINE])
        page = browser.new_page()
        page.on("request", lambda r: asked.append(r.url))
        page.on("requestfailed", lambda r: failed.append(_failure(r)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{demo_url}/?lang=en", wait_until="networkidle", timeout=PAGE_TIMEOUT_MS)
        yield page, asked, failed, errors
        browser.close()


def _failure(request: Request) -> str:
    return f"{request.url}: {request.failure}"


def test_page_loads_offline_with_no_failed_request(
        demo_url: str, browser_page: tuple[Page, list[str], list[str], list[str]]) -> None:
    page, asked, failed, errors = browser_page
    assert failed == []
    assert errors == []
    outside = [u for u in asked if not u.startswith((demo_url, "data:", "about:"))]
    assert outside == []
    assert f"{demo_url}/map?lang=en" in asked
    assert page.title() == "Aix-les-Bains: public Wi-Fi status"


def test_page_lists_every_demo_ap_and_shows_the_down_one_down(
        browser_page: tuple[Page, list[str], list[str], list[str]]) -> None:
    page = browser_page[0]
    rows = page.locator("#fleet-table tbody tr")
    assert rows.count() == DEMO_APS
    ids = set(page.locator("#fleet-table .ap-id").all_inner_texts())
    assert len(ids) == DEMO_APS and DOWN_AP in ids
    down = page.locator(f"#ap-{DOWN_AP} .status")
    assert down.inner_text() == "down"
    assert down.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(251, 211, 211)"
    assert page.locator("#fleet-table .status.down").count() == 1
    assert "49 of 50 APs up, 1 down" in page.locator("#summary").inner_text()
    assert "Aix-les-Bains (73008)" in page.locator("#fibre").inner_text()


def test_table_sorts_and_filters_by_zone(
        browser_page: tuple[Page, list[str], list[str], list[str]]) -> None:
    page = browser_page[0]
    page.locator("#fleet-table th", has_text="Clients").click()
    counts = [float(c) for c in page.locator(
        "#fleet-table tbody tr td:nth-child(4)").evaluate_all("cells => cells.map(c => "
                                                              "c.dataset.sort)")]
    assert counts == sorted(counts)
    page.select_option("#zone-filter", "grand-port")
    visible = page.locator("#fleet-table tbody tr:not([hidden])")
    assert visible.count() == 10
    assert set(visible.evaluate_all("rows => rows.map(r => r.dataset.zone)")) == {"grand-port"}
    page.select_option("#zone-filter", "")
    assert page.locator("#fleet-table tbody tr:not([hidden])").count() == DEMO_APS


def test_coverage_map_draws_every_ap_with_the_down_one_red(
        browser_page: tuple[Page, list[str], list[str], list[str]]) -> None:
    page = browser_page[0]
    frame = page.frame_locator("#map-frame")
    markers = frame.locator("path.leaflet-interactive[stroke='#ffffff']")
    markers.first.wait_for(timeout=PAGE_TIMEOUT_MS)
    assert markers.count() == DEMO_APS
    fills = markers.evaluate_all("ps => ps.map(p => p.getAttribute('fill'))")
    assert fills.count(STATE_COLOURS["down"]) == 1
    assert fills.count(STATE_COLOURS["up"]) == DEMO_APS - 1
    box = frame.locator("#map").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200


def test_page_refreshes_itself_and_speaks_french(demo_url: str, browser_page: tuple[
        Page, list[str], list[str], list[str]]) -> None:
    page, asked, failed, _ = browser_page
    before = asked.count(f"{demo_url}/?lang=en")
    page.evaluate("refresh()")
    page.wait_for_load_state("networkidle")
    assert asked.count(f"{demo_url}/?lang=en") == before + 1
    assert page.locator("#fleet-table tbody tr").count() == DEMO_APS
    page.goto(f"{demo_url}/?lang=fr", wait_until="networkidle", timeout=PAGE_TIMEOUT_MS)
    assert page.locator(f"#ap-{DOWN_AP} .status").inner_text() == "hors service"
    assert page.title() == "Aix-les-Bains : état du Wi-Fi public"
    assert failed == []


def test_same_listener_serves_metrics_with_the_fibre_gauges(demo_url: str) -> None:
    with urllib.request.urlopen(f"{demo_url}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    assert f'netmon_ap_up{{ap="{DOWN_AP}"' in text
    assert 'netmon_fibre_premises{operator=' in text and 'state="connectable"' in text
    assert "netmon_fibre_projected_completion_timestamp_seconds" in text
