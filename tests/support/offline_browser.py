"""Debian's Chromium, headless and offline, through Playwright: what a person would see."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass
class PageVisit:
    """A screenshot of the page and every request it made beyond its own file."""

    png: bytes
    failed: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    values: Any = None
    console_errors: list[str] = field(default_factory=list)


def visit(page_file: Path, width: int = 1200, height: int = 800, ready: str = "body",
          evaluate: str | None = None, full_page: bool = False) -> PageVisit:
    """Open a local file offline, wait for `ready` (a CSS selector), screenshot it."""
    from playwright.sync_api import sync_playwright

    failed: list[str] = []
    outside: list[str] = []
    errors: list[str] = []
    own = page_file.resolve().as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height},
                                          offline=True)
            page = context.new_page()
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on("request", lambda r: None if r.url == own or r.url.startswith("data:")
                    else outside.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(own)
            page.wait_for_selector(ready, timeout=15_000)
            values = page.evaluate(evaluate) if evaluate else None
            png = page.screenshot(full_page=full_page)
        finally:
            browser.close()
    return PageVisit(png, failed, outside, values, errors)
