"""The Django admin: the operator's view of the demo data, read-only for cases, scoped by tenant."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from aftersales.accounts.models import Membership
from aftersales.cases.intake import CaseIn, submit_case
from aftersales.cases.permissions import Who
from tests.factories import make_order, make_org, make_shop

pytestmark = pytest.mark.django_db
NOW = datetime.now(timezone.utc)


def a_case(org=None):
    shop = make_shop(org or make_org(), "douyin")
    order = make_order(shop, placed_at=NOW - timedelta(days=3))
    case, _ = submit_case(shop.organisation, CaseIn(shop_id=shop.pk, order_external_id=order.external_id,
                                                    case_type="refund_only", platform_case_id=f"D-{order.pk}",
                                                    platform_status="6"), Who.platform())
    return case


def staff_of(org, username="staff"):
    user = get_user_model().objects.create_user(username, password="pw-for-tests-1", is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_case", "view_deadline"]))
    Membership.objects.create(user=user, organisation=org, role="supervisor")
    return user


def test_staff_see_only_their_own_organisations_cases(client):
    mine, theirs = a_case(), a_case()
    client.force_login(staff_of(mine.organisation))
    listing = client.get("/admin/cases/case/")
    assert listing.status_code == 200
    assert mine.number in listing.content.decode() and theirs.number not in listing.content.decode()
    assert client.get(f"/admin/cases/case/{theirs.pk}/change/").status_code in (302, 404)
    assert client.get(f"/admin/cases/case/{mine.pk}/change/").status_code == 200


def test_cases_cannot_be_edited_or_added_in_the_admin(admin_client):
    case = a_case()
    page = admin_client.get(f"/admin/cases/case/{case.pk}/change/")
    assert page.status_code == 200 and "Save" not in page.content.decode()
    response = admin_client.post(f"/admin/cases/case/{case.pk}/change/", {"state": "completed"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == "awaiting_seller_review"
    assert admin_client.get("/admin/cases/case/add/").status_code == 403


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_shows_a_case_with_its_deadlines_in_a_real_browser(live_server, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    playwright = pytest.importorskip("playwright.sync_api")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"   # the live server thread and Playwright's loop share no state
    case = a_case()
    get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests-1")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        page = browser.new_page(locale="zh-CN")
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "root")
        page.fill("#id_password", "pw-for-tests-1")
        page.click("input[type=submit]")
        page.goto(f"{live_server.url}/admin/cases/case/")
        page.click(f"text={case.number}")
        page.wait_for_url(f"**/admin/cases/case/{case.pk}/change/")   # the click only starts the navigation
        body = page.text_content("body")
        assert "seller_review" in body or "Seller review" in body
        assert "Douyin" in body or "douyin" in body
        page.screenshot(path=str(tmp_path / "admin-case.png"), full_page=True)
        browser.close()
