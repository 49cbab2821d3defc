"""A simulated Douyin case in the queue and on its page, in a real browser: its platform sync fails,
the queue and the page say so, the retry button sends it.  Screenshots: docs/screenshots/connectors-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from aftersales.accounts.models import Membership
from aftersales.cases.models import Case
from aftersales.cases.permissions import Who
from aftersales.cases.services import perform
from aftersales.connectors.models import CaseLink, Connection
from aftersales.notify.delivery import deliver_due
from tests.connectors import payloads as P
from tests.web.browser import chromium, htmx_idle, log_in, navigate_by, open_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_sync_failed_shows_in_the_queue_and_the_retry_sends_it(live_server, open_page, platforms, client):  # noqa: F811
    user = get_user_model().objects.create_user("lin", password="pw-for-tests-1")
    member = Membership.objects.create(user=user, organisation=platforms.org, role="agent")
    platforms.play(client, "douyin", [("200", "b1", P.DOUYIN_REFUND_CREATED, 1795999200)])
    case = Case.objects.get(shop=platforms.shops["douyin"])
    Connection.objects.filter(pk=platforms.conns["douyin"].pk).update(
        fake_behaviour={"fail_actions": 1, "error": "Douyin 50000: 系统繁忙，请稍后重试"})
    perform(platforms.org, case.pk, "approve", Who.member(member))
    deliver_due()
    assert CaseLink.objects.get(case=case).sync_status == "failed"

    page = open_page()
    log_in(page, live_server.url, "lin", "pw-for-tests-1")
    row = f"#queue-rows tr[data-case='{case.pk}']"
    page.wait_for_selector(f"{row} .sync-badge")
    assert "同步失败" in page.text_content(f"{row} .sync-badge")
    page.screenshot(path=str(SHOTS / "connectors-queue.png"), full_page=False)

    navigate_by(page, f"{row} a.case-link")
    panel = page.locator("#case-sync")
    assert "同步失败" in panel.text_content() and "系统繁忙" in panel.text_content()
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "connectors-sync-failed.png"), full_page=True)

    page.click("#case-sync button[type=submit]")
    page.wait_for_selector("#case-sync.sync-sending")
    deliver_due()                                         # the worker's next delivery
    page.wait_for_selector("#case-sync.sync-ok", timeout=15_000)
    htmx_idle(page)
    assert "afterSale/operate" in page.text_content("#case-sync")
    page.screenshot(path=str(SHOTS / "connectors-sync-retried.png"), full_page=True)
    assert CaseLink.objects.get(case=case).sync_status == "ok"
