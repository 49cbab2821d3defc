"""A merchant with an own store, people in the desk roles and a case with a delivered order, for
the assistance tests.  Buyer messages go through services.add_message, whose "message" fact runs
the assistance receiver after commit (captured and executed here)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model

from aftersales.accounts.models import Membership
from aftersales.cases import services
from aftersales.cases.intake import CaseIn, CaseLineIn, submit_case
from aftersales.cases.permissions import Who
from tests.factories import make_order, make_org, make_shop

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shop(db, frozen):
    return make_shop(make_org("Assist Merchant"), "own_store", auto_approve_small_return_max=Decimal("0"),
                     auto_approve_unshipped_refund=False, return_address="上海市浦东新区退货仓 1 号",
                     return_contact="王仓管", return_phone="021-5555-0101")


def new_case(shop, *, delivered=True, case_type="return_refund"):
    order = make_order(shop, placed_at=NOW - timedelta(days=4), delivered_days_after=2 if delivered else None)
    case, _ = submit_case(shop.organisation, CaseIn(
        shop_id=shop.pk, order_external_id=order.external_id, case_type=case_type,
        lines=[CaseLineIn(sku_code=order.lines.first().sku_code, quantity=1)],
        reason_code="other"), Who.buyer())
    return case


@pytest.fixture
def case(shop):
    return new_case(shop)


@pytest.fixture
def say(django_capture_on_commit_callbacks):
    """say(case, text): the buyer writes; the receivers run as after a real commit."""
    def _say(case, text, who=None):
        with django_capture_on_commit_callbacks(execute=True):
            msg = services.add_message(case.organisation, case.pk, who or Who.buyer(), text, channel="chat")
        case.refresh_from_db()
        return msg
    return _say


def member(org, role="agent", name=""):
    user = get_user_model().objects.create_user(name or f"{role}-{org.pk}", password="pw-for-tests-1")
    m = Membership.objects.create(user=user, organisation=org, role=role)
    return user, Who.member(m)
