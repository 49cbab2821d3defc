"""The supervisor pages and the owner's settings in a real browser: the deadline board (with its
live refresh), round-robin, editing a policy value; both languages; and the screenshots in
docs/screenshots/ (supervisor-board-zh, team-en, config-policy-zh, supervisor-phone)."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from aftersales import clock
from aftersales.accounts.models import Membership, Organisation, Role
from aftersales.cases.models import Case
from aftersales.catalog.models import Shop
from tests.web.browser import DESK, PHONE, htmx_idle, log_in, navigate_by
from tests.web.conftest import PASSWORD, merchant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def team_floor(db):
    """Merchant A: a supervisor, an owner, two agents (one already holding a case), four unassigned
    cases, one of them overdue; merchant B with an overdue case of its own."""
    a, b = merchant("Merchant A"), merchant("Merchant B")
    people = {"boss": a.person(Role.SUPERVISOR, "boss"), "owner": a.person(Role.OWNER, "owner"),
              "mei": a.person(Role.AGENT, "mei"), "li": a.person(Role.AGENT, "li")}
    held = a.case()
    Case.objects.filter(pk=held.pk).update(assignee=people["mei"])
    pool = [a.case(priority=500 - i) for i in range(4)]
    Case.objects.filter(pk=pool[0].pk).update(next_due_at=clock.now() - timedelta(hours=3, minutes=10))
    theirs = b.case()
    Case.objects.filter(pk=theirs.pk).update(next_due_at=clock.now() - timedelta(hours=1))
    return a, people, pool, theirs


@pytest.mark.parametrize("locale, heading, group", [
    pytest.param("zh-CN", "截止时间", "已超时", id="zh"),
    pytest.param("en-US", "Deadlines", "Overdue", id="en"),
])
def test_the_supervisor_sees_an_overdue_case_on_the_board(live_server, open_page, team_floor, locale, heading,
                                                           group):
    a, people, pool, theirs = team_floor
    page = open_page(locale=locale)
    log_in(page, live_server.url, "boss", PASSWORD)
    navigate_by(page, ".mainnav a[href='/supervisor/deadlines/']")
    assert page.text_content("h1") == heading
    overdue = page.locator("#group-overdue")
    assert group in overdue.locator("h2").text_content()
    assert pool[0].number in overdue.text_content()
    assert re.search(r"(超时 3 小时|overdue 3 h)", overdue.locator(".countdown").first.text_content())
    assert theirs.number not in page.text_content("body")
    page.locator(f"#group-overdue a:has-text('{pool[0].number}')").click()
    page.wait_for_url(f"**/cases/{pool[0].pk}/")


def test_the_board_refreshes_itself(live_server, open_page, team_floor, settings):
    a, people, pool, theirs = team_floor
    settings.QUEUE_POLL_SECONDS = 1
    page = open_page(locale="en-US")
    log_in(page, live_server.url, "boss", PASSWORD, path="/supervisor/deadlines/")
    assert pool[1].number not in page.text_content("#group-h2")      # due in about 24 h (first reply)
    Case.objects.filter(pk=pool[1].pk).update(next_due_at=clock.now() + timedelta(minutes=90))
    page.wait_for_function(f"document.querySelector('#group-h2').textContent.includes('{pool[1].number}')",
                           timeout=10_000)
    htmx_idle(page)
    assert "1 h 29 min" in page.text_content("#group-h2") or "1 h 30 min" in page.text_content("#group-h2")


def load_counts(page) -> dict[str, str]:
    return dict(page.locator("table.load tbody tr").evaluate_all(
        "rows => rows.map(r => [r.dataset.member, r.querySelector('td.open').textContent.trim()])"))


def test_round_robin_shares_out_the_pool_and_the_counts_change(live_server, open_page, team_floor):
    a, people, pool, theirs = team_floor
    page = open_page(locale="en-US")
    log_in(page, live_server.url, "boss", PASSWORD)
    navigate_by(page, ".mainnav a[href='/supervisor/team/']")
    mei, li = str(people["mei"].pk), str(people["li"].pk)
    assert load_counts(page)["pool"] == "4" and load_counts(page)[mei] == "1" and load_counts(page)[li] == "0"
    navigate_by(page, "#round-robin")
    assert "Cases shared out: 4" in page.text_content("#flash")
    counts = load_counts(page)
    assert (counts["pool"], counts[mei], counts[li]) == ("0", "3", "2")   # li, mei, li, mei: 5 held, 3 and 2
    assert page.is_disabled("#round-robin")
    assert not Case.objects.filter(pk__in=[c.pk for c in pool], assignee__isnull=True).exists()


def test_assigning_ticked_cases_by_hand(live_server, open_page, team_floor):
    a, people, pool, theirs = team_floor
    page = open_page()
    log_in(page, live_server.url, "boss", PASSWORD, path="/supervisor/team/")
    page.check(f"#pick-{pool[1].pk}")
    page.check(f"#pick-{pool[2].pk}")
    page.select_option("#assign-to", str(people["li"].pk))
    navigate_by(page, "#assign-button")
    assert "已分配 2 单" in page.text_content("#flash")
    assert [Case.objects.get(pk=c.pk).assignee for c in pool[1:3]] == [people["li"]] * 2
    assert load_counts(page)[str(people["li"].pk)] == "2"


@pytest.mark.parametrize("locale, saved", [
    pytest.param("zh-CN", "售后规则已保存。当前规则版本为 2。", id="zh"),
    pytest.param("en-US", "Policy saved. The policy is now version 2.", id="en"),
])
def test_the_owner_edits_a_policy_value_and_sees_it_saved(live_server, open_page, team_floor, locale, saved):
    a, people, pool, theirs = team_floor
    page = open_page(locale=locale)
    log_in(page, live_server.url, "owner", PASSWORD)
    navigate_by(page, ".mainnav a[href='/settings/']")
    navigate_by(page, f"a[href='/settings/shops/{a.own.pk}/']")
    page.fill("#id_no_reason_days", "-2")
    navigate_by(page, "#save-policy")
    assert page.locator("#err_no_reason_days").text_content() in ("不能为负数。", "Cannot be negative.")
    assert Shop.objects.get(pk=a.own.pk).no_reason_days == 7
    page.fill("#id_no_reason_days", "15")
    navigate_by(page, "#save-policy")
    assert saved in page.text_content("#flash")
    assert page.input_value("#id_no_reason_days") == "15"
    shop = Shop.objects.get(pk=a.own.pk)
    assert (shop.no_reason_days, shop.policy_version) == (15, 2)


def test_a_supervisor_is_refused_the_settings(live_server, open_page, team_floor):
    page = open_page(locale="en-US")
    log_in(page, live_server.url, "boss", PASSWORD)
    assert page.locator(".mainnav a[href='/settings/']").count() == 0
    response = page.goto(f"{live_server.url}/settings/")
    assert response.status == 403 and "may not open this page" in page.text_content("main")


def test_screenshots_of_the_supervisor_pages(live_server, open_page, tmp_path):
    """The demo merchant with a few more agents.  Written to $SCREENSHOT_DIR when set
    (docs/screenshots for the docs), else to a temporary folder."""
    call_command("demo", "--orders", "400", "--cases", "80", stdout=StringIO())
    org = Organisation.objects.get(memberships__user__username="demo")
    User = get_user_model()
    for username, name in (("xiaomei", "李小美"), ("ahao", "陈阿豪"), ("tingting", "王婷婷")):
        user = User.objects.create_user(username, password=PASSWORD, first_name=name)
        Membership.objects.create(user=user, organisation=org, role=Role.AGENT)
    # some of the open cases are held already, so that the load differs per person
    for user, n in zip(User.objects.filter(username__in=["xiaomei", "ahao"]), (6, 3)):
        ids = list(Case.objects.filter(organisation=org, is_open=True, assignee__isnull=True)
                   .order_by("id").values_list("pk", flat=True)[:n])
        Case.objects.filter(pk__in=ids).update(assignee=user)
    out = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    if not out.is_absolute():
        out = ROOT / out
    out.mkdir(parents=True, exist_ok=True)
    shop = Shop.objects.filter(organisation=org).order_by("id").first()
    for name, who, locale, viewport, path, full in (
            ("supervisor-board-zh", "demo-supervisor", "zh-CN", DESK, "/supervisor/deadlines/", False),
            ("team-en", "demo-supervisor", "en-US", DESK, "/supervisor/team/", False),
            ("config-policy-zh", "demo", "zh-CN", DESK, f"/settings/shops/{shop.pk}/", False),
            ("supervisor-phone", "demo-supervisor", "zh-CN", PHONE, "/supervisor/deadlines/", False)):
        page = open_page(locale=locale, viewport=viewport)
        log_in(page, live_server.url, who, "demo-password-2026", path=path)
        page.wait_for_selector("main h1")
        htmx_idle(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
        page.screenshot(path=str(out / f"{name}.png"), full_page=full)
