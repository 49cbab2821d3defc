"""The assistance panel in a real browser: a buyer's message arrives typed and urgent, the agent sees
the suggestion and the draft, offers it in one click; the screenshot in docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftersales.accounts.models import Role
from aftersales.cases import services
from aftersales.cases.models import Offer
from aftersales.cases.permissions import Who
from tests.web.browser import chromium, log_in, navigate_by, open_page  # noqa: F401  (fixtures)
from tests.web.conftest import PASSWORD, merchant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_panel_shows_type_urgency_suggestion_and_offers_in_one_click(live_server, open_page):
    a = merchant("Merchant A")
    a.person(Role.SUPERVISOR, "lin")
    case = a.case(priority=900)
    services.add_message(a.org, case.pk, Who.buyer(), "尺码太小了，想换大一码，周六要穿，急！", channel="chat")
    page = open_page()
    log_in(page, live_server.url, "lin", PASSWORD, path=f"/cases/{case.pk}/")
    panel = page.locator("#case-assist")
    assert "尺码不合适" in panel.text_content() and "时间紧急" in panel.text_content()
    assert "换尺码并送一份小礼物" in panel.text_content()
    assert case.order.external_id in page.input_value(".assist-draft")
    SHOTS.mkdir(exist_ok=True)
    panel.screenshot(path=str(SHOTS / "assist-case-zh.png"))
    navigate_by(page, "#case-assist form[action$='/assist/apply/'] button")
    assert sorted(Offer.objects.filter(case=case, status="proposed").values_list("kind", flat=True)) == ["exchange", "gift"]
