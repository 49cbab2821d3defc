"""Fixtures for the command-line tests: a merchant with an own store and a Douyin shop, goods,
and orders delivered a few days before T0 (time is frozen at T0 where it matters)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from tests.factories import make_order, make_org, make_shop, make_sku

T0 = datetime(2026, 11, 16, 2, 0, tzinfo=timezone.utc)   # a Monday, 10:00 in Shanghai


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def merchant(db, frozen):
    """An organisation with an own store and a Douyin shop, each with a jacket and a tea SKU."""
    org = make_org("CLI Merchant")
    own = make_shop(org, "own_store", platform_shop_id="web")
    douyin = make_shop(org, "douyin", platform_shop_id="DY1")
    for shop in (own, douyin):
        make_sku(shop, "JKT", price="459.00", category="apparel")
        make_sku(shop, "TEA", price="268.00", category="food", exclusion="perishable", no_reason_eligible=False)
    return org, own, douyin


def order_for(shop, number: str, *, buyer: str = "", sku: str = "JKT", quantity: int = 2, **kw):
    """An order of `quantity` units of one SKU, placed four days and delivered two days before T0."""
    from aftersales.catalog.models import Sku
    from aftersales.orders.models import Order

    order = make_order(shop, sku=Sku.objects.get(shop=shop, code=sku), quantity=quantity,
                       placed_at=T0 - timedelta(days=4), buyer=buyer or f"buyer-{number}", **kw)
    Order.objects.filter(pk=order.pk).update(external_id=number)
    order.refresh_from_db()
    return order


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
