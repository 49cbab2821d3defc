"""The queue page through the Django test client: order, filters, search, saved views, paging, the
poll, labels in both languages; and the small formatting helpers behind its cells."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.utils import translation

from aftersales import clock
from aftersales.accounts.models import Role
from aftersales.cases import services
from aftersales.cases.models import Case, ReturnShipment
from aftersales.cases.permissions import Who
from aftersales.orders.models import Buyer
from aftersales.web import present
from tests.web.conftest import login

pytestmark = pytest.mark.django_db
ROW = re.compile(r'<tr data-case="(\d+)"')


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content[:500]
    return [int(i) for i in ROW.findall(response.content.decode())]


@pytest.fixture
def agent(client, a):
    user = a.person(Role.AGENT)
    login(client, user)
    return user


def test_the_queue_lists_open_cases_by_priority_then_newest(client, a, agent):
    low, high, mid, tie = a.case(priority=100), a.case(priority=900), a.case(priority=400), a.case(priority=400)
    done = a.case(priority=1000)
    Case.objects.filter(pk=done.pk).update(is_open=False, state="completed")
    assert ids(client.get("/")) == [high.pk, tie.pk, mid.pk, low.pk]


def test_filters_by_shop_state_type_problem_band_and_deadline(client, a, agent):
    own = a.case(case_type="return_refund", reason_code="quality.damaged")
    dy = a.case(shop=a.douyin, case_type="refund_only", reason_code="no_reason.unwanted")
    Case.objects.filter(pk=dy.pk).update(state="awaiting_receipt_review", priority_band="critical",
                                         next_due_at=clock.now() + timedelta(hours=1))
    Case.objects.filter(pk=own.pk).update(next_due_at=clock.now() + timedelta(days=3))
    assert ids(client.get("/", {"shop": a.douyin.pk})) == [dy.pk]
    assert ids(client.get("/", {"shop": a.own.pk})) == [own.pk]
    assert ids(client.get("/", {"platform": "douyin"})) == [dy.pk]
    assert ids(client.get("/", {"state": "awaiting_receipt_review"})) == [dy.pk]
    assert ids(client.get("/", {"type": "return_refund"})) == [own.pk]
    assert ids(client.get("/", {"problem": "quality"})) == [own.pk]
    assert ids(client.get("/", {"problem": "no_reason"})) == [dy.pk]
    assert ids(client.get("/", {"band": "critical"})) == [dy.pk]
    before = (clock.now() + timedelta(hours=5)).astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M")
    assert ids(client.get("/", {"due_before": before})) == [dy.pk]


def test_a_finished_state_lists_finished_cases(client, a, agent):
    done = a.case()
    Case.objects.filter(pk=done.pk).update(is_open=False, state="closed")
    a.case()
    assert ids(client.get("/", {"state": "closed"})) == [done.pk]


def test_an_invalid_filter_is_reported_and_ignored(client, a, agent):
    case = a.case()
    response = client.get("/", {"shop": "999999", "state": "nonsense"})
    assert ids(response) == [case.pk]
    assert "Select a valid choice" in response.content.decode() or "选择一个有效的选项" in response.content.decode()


@pytest.mark.parametrize("what", ["order", "case", "buyer_id", "buyer_name", "tracking", "reason_text"])
def test_search_finds_a_case_by(client, a, agent, what):
    case = a.case(reason_text="拉链坏了 zipper broke")
    a.case()
    Buyer.objects.filter(pk=case.buyer_id).update(name="王小明")
    ReturnShipment.objects.create(case=case, carrier="SF", tracking_number="SF1234567890", shipped_at=clock.now())
    q = {"order": case.order.external_id, "case": case.number, "buyer_id": case.buyer.external_id,
         "buyer_name": "小明", "tracking": "SF1234567890", "reason_text": "zipper"}[what]
    assert ids(client.get("/", {"q": q})) == [case.pk]


def test_saved_views(client, a, agent):
    mine, unassigned, soon, inspection = a.case(priority=4), a.case(priority=3), a.case(priority=2), a.case(priority=1)
    someone = a.person(Role.AGENT)
    services.assign_case(a.org, mine.pk, Who.system(), agent)
    for case in (soon, inspection):
        services.assign_case(a.org, case.pk, Who.system(), someone)
    now = clock.now()
    Case.objects.filter(organisation=a.org).update(next_due_at=now + timedelta(days=2))
    Case.objects.filter(pk=soon.pk).update(next_due_at=now + timedelta(hours=3))
    Case.objects.filter(pk=inspection.pk).update(state="awaiting_receipt_review")
    assert ids(client.get("/", {"view": "mine"})) == [mine.pk]
    assert ids(client.get("/", {"view": "unassigned"})) == [unassigned.pk]
    assert ids(client.get("/", {"view": "due_soon"})) == [soon.pk]
    assert ids(client.get("/", {"view": "inspection"})) == [inspection.pk]
    # a view and a filter together
    assert ids(client.get("/", {"view": "mine", "shop": a.douyin.pk})) == []


def test_tabs_and_filters_answer_htmx_with_the_results_partial(client, a, agent):
    case = a.case()
    response = client.get("/", {"view": "unassigned"}, headers={"HX-Request": "true", "HX-Target": "queue-results"})
    body = response.content.decode()
    assert ids(response) == [case.pk]
    assert "<html" not in body and 'id="filter-view"' in body and 'hx-swap-oob="true"' in body
    assert "Vary" in response and "HX-Request" in response["Vary"]


def test_more_pages_with_a_cursor_and_the_poll_reloads_what_is_shown(client, a, agent):
    cases = [a.case(priority=1000 - i) for i in range(30)]
    first = client.get("/")
    assert ids(first) == [c.pk for c in cases[:25]]
    more = re.search(r'hx-get="(/queue/rows/\?[^"]*cursor=[^"]+)"', first.content.decode()).group(1)
    second = client.get(more.replace("&amp;", "&"))
    assert ids(second) == [c.pk for c in cases[25:]]
    assert "cursor=" not in second.content.decode()            # the last page has no "more"
    assert ids(client.get("/queue/rows/", {"shown": 30})) == [c.pk for c in cases]
    assert ids(client.get("/queue/rows/", {"shown": "x"})) == [c.pk for c in cases[:25]]
    assert ids(client.get("/queue/rows/", {"cursor": "garbage"})) == []


def test_the_poll_keeps_the_filters(client, a, agent):
    a.case()
    dy = a.case(shop=a.douyin)
    page = client.get("/", {"shop": a.douyin.pk}).content.decode()
    poll = re.search(r'class="poller"[^>]*hx-get="([^"]+)"', page).group(1)
    assert f"shop={a.douyin.pk}" in poll
    assert ids(client.get(poll.replace("&amp;", "&"))) == [dy.pk]


def test_the_claim_button_answers_with_the_row(client, a, agent):
    case = a.case()
    response = client.post(f"/cases/{case.pk}/assign/", {"to": "me", "from": "queue"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert ids(response) == [case.pk]
    assert 'class="claim"' not in body and "mine" in body and 'hx-swap-oob="true"' in body


def test_rows_show_labels_money_countdown_and_channel_colour(client, a, agent):
    case = a.case(shop=a.douyin, price="1299.00", urgent=True, channel="chat")
    Case.objects.filter(pk=case.pk).update(vip=True, next_due_at=clock.now() + timedelta(hours=3, minutes=20, seconds=30))
    zh = client.get("/", headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "抖店" in zh and "退货退款" in zh and "待商家处理" in zh and "¥1299.00" in zh
    assert "3 小时 20 分钟" in zh and "due-soon" in zh and "chan-red" in zh and "在线聊天" in zh
    assert "VIP" in zh and "urgent-mark" in zh and "队列" in zh
    client.cookies["django_language"] = "en"
    en = client.get("/").content.decode()
    assert "Douyin" in en and "Return and refund" in en and "Awaiting seller review" in en and "CN¥1,299.00" in en
    assert "3 h 20 min" in en and "<h1>Queue</h1>" in en


def test_a_shop_recolours_its_channels(client, a, agent):
    a.douyin.channel_colours = {"chat": "blue"}
    a.douyin.save()
    a.case(shop=a.douyin, channel="chat")
    a.case(channel="chat")
    page = client.get("/").content.decode()
    assert page.count("chan-blue") == 1 and page.count("chan-red") == 1


def test_the_case_placeholder_shows_number_and_state(client, a, agent):
    case = a.case()
    page = client.get(f"/cases/{case.pk}/", headers={"Accept-Language": "en"}).content.decode()
    assert case.number in page and "Awaiting seller review" in page


# ---------------------------------------------------------------------------------------------
# The cells' helpers

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("delta, zh, en", [
    pytest.param(timedelta(hours=3, minutes=20), "3 小时 20 分钟", "3 h 20 min", id="hours-and-minutes"),
    pytest.param(timedelta(hours=5), "5 小时", "5 h", id="whole-hours"),
    pytest.param(timedelta(minutes=7, seconds=59), "7 分钟", "7 min", id="minutes-rounded-down"),
    pytest.param(timedelta(days=2, hours=3, minutes=5), "2 天 3 小时", "2 d 3 h", id="days"),
    pytest.param(timedelta(seconds=-20), "已到期", "due now", id="due-now"),
    pytest.param(-timedelta(hours=2, minutes=40), "超时 2 小时", "overdue 2 h", id="overdue-hours"),
    pytest.param(-timedelta(minutes=25), "超时 25 分钟", "overdue 25 min", id="overdue-minutes"),
    pytest.param(-timedelta(days=1, hours=1), "超时 1 天 1 小时", "overdue 1 d 1 h", id="overdue-days"),
])
def test_countdown(delta, zh, en):
    for language, expected in (("zh-hans", zh), ("en", en)):
        with translation.override(language):
            assert present.countdown(NOW + delta, NOW) == expected


@pytest.mark.parametrize("delta, level", [
    pytest.param(timedelta(hours=13), "", id="beyond-warning"),
    pytest.param(timedelta(hours=11), "soon", id="within-warning"),
    pytest.param(timedelta(0), "overdue", id="at-deadline"),
])
def test_due_level_follows_the_platforms_warning_time(delta, level):
    assert present.due_level(NOW + delta, NOW, timedelta(hours=12)) == level


@pytest.mark.parametrize("amount, currency, zh, en", [
    pytest.param("1299.5", "CNY", "¥1299.50", "CN¥1,299.50", id="cny"),
    pytest.param("89.99", "USD", "US$89.99", "$89.99", id="usd"),
    pytest.param("12", "SGD", "12.00 SGD", "12.00 SGD", id="other"),
])
def test_money(amount, currency, zh, en):
    for language, expected in (("zh-hans", zh), ("en", en)):
        with translation.override(language):
            assert present.money(Decimal(amount), currency) == expected


def test_a_deadline_is_shown_in_the_shops_time_zone():
    with translation.override("en"):
        assert present.shop_time(NOW, "America/Los_Angeles") == ("Nov. 19 6 p.m.", "PST")
    with translation.override("zh-hans"):
        assert present.shop_time(NOW, "Asia/Shanghai") == ("11月20日 10:00", "")
