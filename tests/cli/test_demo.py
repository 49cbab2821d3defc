"""`aftersales demo`: every state and type, through the real services, and only once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aftersales.accounts.models import ApiToken, Membership
from aftersales.cases.models import Case, Message, TimelineEvent
from aftersales.catalog.models import Shop
from aftersales.domain.lifecycle import CaseState, CaseType
from aftersales.orders.models import Order

pytestmark = pytest.mark.django_db


def walked_orders():
    """The core demo's orders and cases (the buyer portal seeds a buyer of its own: portal/demo.py; the
    risk app three: risk/demo.py; analytics/demo.py its weeks of history with buyers "an-buyer-*")."""
    return (Order.objects.exclude(buyer__external_id="own-portal-demo").exclude(buyer__external_id__startswith="risk-demo-")
            .exclude(buyer__external_id__startswith="an-buyer-"))


def walked_cases():
    return (Case.objects.exclude(buyer__external_id="own-portal-demo").exclude(buyer__external_id__startswith="risk-demo-")
            .exclude(buyer__external_id__startswith="an-buyer-"))


def test_demo_covers_every_state_and_type_and_runs_once(settings):
    out = StringIO()
    call_command("demo", orders=400, cases=60, seed=11, stdout=out)
    assert walked_orders().count() == 400
    assert walked_cases().count() == 60
    states = set(Case.objects.values_list("state", flat=True))
    assert states == {s.value for s in CaseState if s is not CaseState.UNKNOWN}
    assert set(Case.objects.values_list("case_type", flat=True)) == {t.value for t in CaseType}
    assert set(Shop.objects.values_list("platform", flat=True)) == {"douyin", "tiktok_shop", "taobao", "own_store",
                                                                     "shopify"}   # Shopify: the connectors' demo store
    from aftersales.connectors.models import Connection
    assert set(Connection.objects.values_list("platform", flat=True)) == {"douyin", "tiktok_shop", "taobao", "shopify"}
    tiktok = Shop.objects.get(platform="tiktok_shop")
    assert (tiktok.currency, tiktok.time_zone) == ("USD", "America/Los_Angeles")
    assert set(Membership.objects.values_list("role", flat=True)) == {"owner", "supervisor", "agent", "warehouse", "finance"}
    assert len(set(Case.objects.values_list("channel", flat=True))) >= 3
    # walked through the services: a timeline with transitions by several actors
    actors = set(TimelineEvent.objects.filter(kind="transition").values_list("actor", flat=True))
    assert {"seller", "platform"} <= actors
    assert Message.objects.exists()
    assert "demo-password-2026" in out.getvalue()
    token = (settings.HOME / "demo-token.txt").read_text().strip()
    assert ApiToken.objects.filter(key_hash=ApiToken.hash(token)).exists()

    counts = (Order.objects.count(), Case.objects.count(), TimelineEvent.objects.count(), ApiToken.objects.count())
    out = StringIO()
    call_command("demo", orders=400, cases=60, seed=11, stdout=out)
    assert "already seeded" in out.getvalue()
    assert counts == (Order.objects.count(), Case.objects.count(), TimelineEvent.objects.count(),
                      ApiToken.objects.count())


def test_demo_tops_up_to_a_larger_target():
    call_command("demo", orders=100, cases=12, seed=5, stdout=StringIO())
    call_command("demo", orders=120, cases=15, seed=5, stdout=StringIO())
    assert (walked_orders().count(), walked_cases().count()) == (120, 15)


def test_demo_refuses_more_cases_than_orders_can_carry():
    with pytest.raises(CommandError, match="needs at least"):
        call_command("demo", orders=10, cases=9, stdout=StringIO())
