"""The risk panel in a real browser: a supervisor reads why a buyer is high risk (in Chinese),
restricts the buyer from the panel, and the screenshot goes to docs/screenshots/."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from aftersales import clock
from aftersales.accounts.models import Role
from aftersales.risk.models import BuyerRestriction, CaseRisk
from tests.web.browser import DESK, chromium, log_in, navigate_by, open_page  # noqa: F401  (fixtures)
from tests.web.conftest import PASSWORD, merchant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def test_a_supervisor_reads_the_reasons_and_restricts_the_buyer(live_server, open_page):
    a = merchant("Merchant A")
    a.person(Role.SUPERVISOR, "lin")
    for _ in range(3):     # each with its own delivered order; the earlier claims count against the next
        a.case(shop=a.douyin, buyer="nr-buyer", case_type="refund_only", reason_code="logistics.not_delivered")
    case = a.case(shop=a.douyin, buyer="nr-buyer", case_type="refund_only", reason_code="logistics.not_delivered")
    risk = CaseRisk.objects.get(case=case)
    assert risk.level == "high"
    page = open_page("zh-CN", DESK)
    log_in(page, live_server.url, "lin", PASSWORD, path=f"/cases/{case.pk}/")
    panel = page.locator("#case-risk")
    assert "高风险" in panel.inner_text()
    assert "物流显示已签收" in panel.inner_text()
    panel.scroll_into_view_if_needed()
    page.fill("#case-risk input[name=reason]", "多次称未收到货，物流均显示签收")
    navigate_by(page, "#case-risk form.risk-restrict button[type=submit]")
    assert "多次称未收到货" in page.locator("#case-risk").inner_text()
    restriction = BuyerRestriction.objects.get()
    assert restriction.expires_at > clock.now() + timedelta(days=29)
    page.locator("#case-risk").screenshot(path=str(ROOT / "docs/screenshots/risk-panel-zh.png"))
