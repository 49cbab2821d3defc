"""The queue in a real browser: log in (and be throttled), the order, filters, search, saved views,
both languages, the keys, claiming, and the live update; and the screenshots in docs/screenshots/."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from aftersales.accounts.models import Role
from aftersales.cases import services
from aftersales.cases.models import Case
from aftersales.cases.permissions import Who
from tests.web.browser import DESK, PHONE, log_in, navigate_by, row_ids, wait_for_rows
from tests.web.conftest import PASSWORD, merchant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shop_floor(db):
    """Merchant A with four open cases of known priority on two shops, and merchant B with one."""
    a, b = merchant("Merchant A"), merchant("Merchant B")
    agent = a.person(Role.AGENT, "mei")
    cases = {
        "top": a.case(priority=900),
        "douyin": a.case(shop=a.douyin, priority=700, case_type="refund_only"),
        "inspect": a.case(priority=500),
        "low": a.case(shop=a.douyin, priority=300),
    }
    Case.objects.filter(pk=cases["inspect"].pk).update(state="awaiting_receipt_review")
    other = b.case(priority=1000)
    return a, agent, cases, other


def test_logging_in_with_a_wrong_password_and_the_throttle(live_server, open_page, shop_floor):
    a = shop_floor[0]
    page = open_page(locale="en-US")
    log_in(page, live_server.url, "mei", "wrong")
    assert "Please enter a correct username and password" in page.text_content(".login")
    for _ in range(4):
        log_in(page, live_server.url, "mei", "wrong", path="/login/")
    log_in(page, live_server.url, "mei", PASSWORD, path="/login/")     # the sixth: refused, right password or not
    assert "Too many failed log-ins" in page.text_content(".login")
    a.person(Role.AGENT, "li")
    log_in(page, live_server.url, "li", PASSWORD, path="/login/")
    page.wait_for_selector("#queue-rows")
    assert page.text_content("h1") == "Queue"


def test_the_queue_filters_searches_switches_views_and_language(live_server, open_page, shop_floor):
    a, _, cases, other = shop_floor
    page = open_page()
    log_in(page, live_server.url, "mei", PASSWORD)
    page.wait_for_selector("#queue-rows tr[data-case]")
    assert page.text_content("h1") == "队列"
    everything = [cases[k].pk for k in ("top", "douyin", "inspect", "low")]
    assert row_ids(page) == everything                                  # by priority; B's case is not there
    assert other.number not in page.text_content("body")

    page.select_option("#filter-shop", str(a.douyin.pk))
    wait_for_rows(page, [cases["douyin"].pk, cases["low"].pk])
    assert f"shop={a.douyin.pk}" in page.url                           # the filters are in the address
    page.select_option("#filter-state", "awaiting_seller_review")
    wait_for_rows(page, [cases["douyin"].pk, cases["low"].pk])
    page.select_option("#filter-shop", "")
    page.select_option("#filter-state", "awaiting_receipt_review")
    wait_for_rows(page, [cases["inspect"].pk])
    navigate_by(page, ".queue-head a.reset")
    wait_for_rows(page, everything)

    page.fill("#filter-q", cases["douyin"].order.external_id)
    page.press("#filter-q", "Enter")
    wait_for_rows(page, [cases["douyin"].pk])
    page.fill("#filter-q", "")
    page.press("#filter-q", "Enter")
    wait_for_rows(page, everything)

    page.click("nav.tabs a[data-view=inspection]")
    wait_for_rows(page, [cases["inspect"].pk])
    assert "view=inspection" in page.url
    page.select_option("#filter-shop", str(a.own.pk))                 # a filter keeps the saved view
    wait_for_rows(page, [cases["inspect"].pk])
    page.click("nav.tabs a[data-view=all]")
    wait_for_rows(page, [cases["top"].pk, cases["inspect"].pk])

    navigate_by(page, "form.lang button[value=en]")
    page.wait_for_selector("#queue-rows tr[data-case]")
    assert page.text_content("h1") == "Queue"
    assert "Waiting for inspection" in page.text_content("nav.tabs")
    assert row_ids(page) == [cases["top"].pk, cases["inspect"].pk]    # the same address, the filters kept
    navigate_by(page, "form.lang button[value=zh-hans]")
    page.wait_for_selector("#queue-rows tr[data-case]")
    assert page.text_content("h1") == "队列"
    assert "待验货" in page.text_content("nav.tabs")


def test_keys_move_open_and_claim(live_server, open_page, shop_floor):
    _, agent, cases, _ = shop_floor
    page = open_page()
    log_in(page, live_server.url, "mei", PASSWORD)
    page.wait_for_selector("#queue-rows tr[data-case]")
    selected = "#queue-rows tr.selected"
    page.keyboard.press("j")
    assert page.get_attribute(selected, "data-case") == str(cases["top"].pk)
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.get_attribute(selected, "data-case") == str(cases["inspect"].pk)
    page.keyboard.press("k")
    assert page.get_attribute(selected, "data-case") == str(cases["douyin"].pk)

    page.keyboard.press("a")                                              # claim: an htmx POST, the row comes back
    page.wait_for_selector(f"#queue-rows tr.mine[data-case='{cases['douyin'].pk}']")
    assert "已分配给您" in page.text_content("#flash")
    assert Case.objects.get(pk=cases["douyin"].pk).assignee == agent
    assert page.get_attribute(selected, "data-case") == str(cases["douyin"].pk)   # still selected

    page.click("nav.tabs a[data-view=mine]")
    wait_for_rows(page, [cases["douyin"].pk])
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/{cases['douyin'].pk}/")
    assert cases["douyin"].number in page.text_content("h1")


def test_the_queue_updates_itself_without_reloading(live_server, open_page, shop_floor, settings):
    settings.QUEUE_POLL_SECONDS = 1
    a, _, cases, _ = shop_floor
    page = open_page()
    log_in(page, live_server.url, "mei", PASSWORD)
    row = f"#queue-rows tr[data-case='{cases['top'].pk}'] td.state"
    page.wait_for_selector(row)
    assert page.text_content(row).strip() == "待商家处理"
    page.evaluate("window.notReloaded = true")
    page.keyboard.press("j")
    supervisor = a.person(Role.SUPERVISOR)
    services.perform(a.org, cases["top"].pk, "approve", Who.member(supervisor.memberships.get()))
    page.wait_for_function(f"document.querySelector(\"{row}\").textContent.trim() === '待买家退货'")
    assert page.evaluate("window.notReloaded") is True
    assert page.get_attribute("#queue-rows tr.selected", "data-case") == str(cases["top"].pk)
    # a new case appears as well
    new = a.case(priority=950)
    page.wait_for_selector(f"#queue-rows tr[data-case='{new.pk}']")
    assert page.evaluate("window.notReloaded") is True


def test_screenshots_of_the_queue(live_server, open_page, tmp_path):
    """The demo merchant's queue at 1366x768 in both languages and at a phone's width.  Written to
    $SCREENSHOT_DIR when set (docs/screenshots for the docs), else to a temporary folder."""
    call_command("demo", "--orders", "400", "--cases", "80", stdout=StringIO())
    out = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    if not out.is_absolute():
        out = ROOT / out
    out.mkdir(parents=True, exist_ok=True)
    for name, locale, viewport in (("queue-zh", "zh-CN", DESK), ("queue-en", "en-US", DESK),
                                   ("queue-phone", "zh-CN", PHONE)):
        page = open_page(locale=locale, viewport=viewport)
        log_in(page, live_server.url, "demo-agent", "demo-password-2026")
        page.wait_for_selector("#queue-rows tr[data-case]")
        assert len(row_ids(page)) == 25
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]   # no sideways scrolling
        page.screenshot(path=str(out / f"{name}.png"))
