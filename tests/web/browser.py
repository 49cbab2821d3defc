"""Helpers for the workbench's real-browser tests: Debian's chromium driven by Playwright, headless,
against pytest-django's live server.  See docs/WORKBENCH.md, "Browser tests"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def chromium():
    """One headless chromium per test module (skipped where Debian's chromium is missing)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (./dev test installs it where it can)")
    playwright = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make beside
    # it are plain synchronous ones, and the live server runs in a thread of its own.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium):
    """open_page(locale="zh-CN", viewport=DESK) -> a fresh page in a fresh context (no cookies)."""
    contexts = []

    def make(locale: str = "zh-CN", viewport: dict = DESK):
        context = chromium.new_context(locale=locale, viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def navigate_by(page, selector: str):
    """Click something that loads a new page, and wait until it has (a click only starts it)."""
    with page.expect_navigation():
        page.click(selector)


def log_in(page, base_url: str, username: str, password: str, path: str = "/"):
    page.goto(f"{base_url}{path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    navigate_by(page, "main button[type=submit]")


def row_ids(page) -> list[int]:
    return page.locator("#queue-rows tr[data-case]").evaluate_all("rows => rows.map(r => Number(r.dataset.case))")


def htmx_idle(page, timeout: float = 10_000):
    """Wait until no htmx request is in flight (htmx marks the requesting element .htmx-request)."""
    page.wait_for_function("!document.querySelector('.htmx-request')", timeout=timeout)


def wait_for_rows(page, expected: list[int], timeout: float = 10_000):
    """Wait until htmx is idle and the queue shows exactly these cases in this order."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    htmx_idle(page, timeout)
    try:
        page.wait_for_function(
            """expected => JSON.stringify(Array.from(document.querySelectorAll('#queue-rows tr[data-case]'))
                                              .map(r => Number(r.dataset.case))) === JSON.stringify(expected)""",
            arg=expected, timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(f"the queue shows {row_ids(page)} at {page.url}, not {expected}") from None
