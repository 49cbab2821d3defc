from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from aftersales.cases.intake import CaseIn, CaseLineIn, submit_case
from aftersales.cases.permissions import Who
from aftersales.orders.models import Shipment
from tests.factories import make_order, make_org, make_shop

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shop(db):
    return make_shop(make_org(), "own_store")


def shipped_case(shop, number="SF1234567890123", carrier="sf", *, placed_at=None, reason="quality.defect"):
    """An order shipped with `number` and an open case on it."""
    order = make_order(shop, placed_at=placed_at or NOW - timedelta(days=6), delivered_days_after=None)
    Shipment.objects.create(order=order, carrier=carrier, tracking_number=number, shipped_at=order.shipped_at)
    case, _ = submit_case(shop.organisation, CaseIn(
        shop_id=shop.pk, order_external_id=order.external_id, case_type="refund_only",
        lines=[CaseLineIn(sku_code=order.lines.first().sku_code, quantity=1)], reason_code=reason), Who.buyer())
    return order, case
