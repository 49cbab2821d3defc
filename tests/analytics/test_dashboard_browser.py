"""The dashboard in a real browser over the demo's data: the charts are drawn from the vendored
Chart.js, a filter redraws them through htmx; the screenshot docs/screenshots/analytics-dashboard-zh.png
and analytics-review-en.png (written to $SCREENSHOT_DIR when set, else to a temporary folder)."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from aftersales.catalog.models import Shop
from tests.web.browser import DESK, htmx_idle, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def test_dashboard_draws_its_charts_and_filters_redraw_them(live_server, open_page, tmp_path):
    call_command("demo", "--orders", "100", "--cases", "12", stdout=StringIO())
    page = open_page(locale="zh-CN", viewport={**DESK, "height": 1500})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    log_in(page, live_server.url, "demo", "demo-password-2026", path="/analytics/?weeks=8")
    page.wait_for_selector("body[data-charts-drawn='6']")
    assert page.locator("h1").inner_text() == "数据看板"
    assert page.locator(".heatmap td[title]:not([title='0'])").count() > 5
    assert all(u.startswith(live_server.url) for u in requested)     # nothing from a CDN
    out = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    out = out if out.is_absolute() else ROOT / out
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / "analytics-dashboard-zh.png"), full_page=True)

    douyin = Shop.objects.get(organisation__slug="demo", platform="douyin")
    page.evaluate("document.body.dataset.chartsDrawn = ''")
    page.select_option("#f-shop", str(douyin.pk))
    htmx_idle(page)
    page.wait_for_selector("body[data-charts-drawn='6']")
    assert f"shop={douyin.pk}" in page.url

    review = open_page(locale="en-US", viewport={**DESK, "height": 1400})
    log_in(review, live_server.url, "demo", "demo-password-2026", path="/analytics/review/")
    review.wait_for_selector("ul.alerts")
    assert review.locator(".alert-sku").count() >= 1 and review.locator(".alert-carrier").count() >= 1
    review.screenshot(path=str(out / "analytics-review-en.png"), full_page=True)
    assert not errors
