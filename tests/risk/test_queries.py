"""weekly_flags for the weekly review, and the cost of scoring one request."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from aftersales.risk import services as risk
from aftersales.risk.models import CaseRisk
from aftersales.risk.queries import weekly_flags
from tests.factories import make_org, make_shop
from tests.risk.helpers import NOW, SUPERVISOR, order_for, request

pytestmark = pytest.mark.django_db


def test_weekly_flags_counts_levels_and_restricted_buyers_per_shop():
    org = make_org()
    dy, tb = make_shop(org, "douyin"), make_shop(org, "taobao")
    foreign = make_shop(make_org(), "douyin")
    start = NOW - timedelta(days=7)
    cases = [request(dy, order_for(dy, f"b{i}", at=NOW - timedelta(days=2)), at=NOW - timedelta(days=2))
             for i in range(3)]
    request(tb, order_for(tb, "t", at=NOW - timedelta(days=1)), at=NOW - timedelta(days=1))
    old = request(dy, order_for(dy, "old", at=NOW - timedelta(days=20)), at=NOW - timedelta(days=20))
    request(foreign, order_for(foreign, "f", at=NOW - timedelta(days=1)), at=NOW - timedelta(days=1))
    CaseRisk.objects.filter(case=cases[0]).update(level="high")
    CaseRisk.objects.filter(case=cases[1]).update(level="medium")
    CaseRisk.objects.filter(case=old).update(level="high")         # outside the week
    with time_machine.travel(NOW - timedelta(hours=5), tick=False):
        risk.restrict_buyer(org, cases[0].buyer_id, SUPERVISOR, "hold_orders", "why", NOW + timedelta(days=9))
    rows = weekly_flags(org.pk, start, NOW)
    assert rows == [{"shop_id": dy.pk, "high": 1, "medium": 1, "buyers_restricted": 1},
                    {"shop_id": tb.pk, "high": 0, "medium": 0, "buyers_restricted": 0}]
    assert weekly_flags(org.pk, start, NOW, shop_ids=[tb.pk]) == [rows[1]]
    assert weekly_flags(org.pk, NOW, NOW + timedelta(days=7)) == []


def test_scoring_one_request_takes_at_most_four_queries(django_assert_max_num_queries):
    shop = make_shop(make_org(), "douyin")
    for i in range(4):
        request(shop, order_for(shop, "q", at=NOW - timedelta(days=40 - i)), at=NOW - timedelta(days=40 - i))
    case = request(shop, order_for(shop, "q", at=NOW), at=NOW)
    risk.score_case(case.pk, NOW)          # a re-score with nothing new to count
    with django_assert_max_num_queries(4):
        risk.score_case(case.pk, NOW + timedelta(minutes=1))
