from __future__ import annotations

from datetime import datetime, timedelta, timezone

import time_machine

from aftersales.cases.intake import CaseIn, CaseLineIn, submit_case
from aftersales.cases.permissions import Who
from aftersales.logistics.services import record_tracking_event
from tests.factories import make_order
from tests.web.browser import chromium, open_page  # noqa: F401  (fixtures of the browser test)

# Monday 2026-11-16 00:00 in Shanghai is 2026-11-15 16:00 UTC: week 2026-W47
W47 = datetime(2026, 11, 16, 4, 0, tzinfo=timezone.utc)
NOW = W47 + timedelta(days=8)


def case_at(shop, sku, at, reason="no_reason.size_fit", problem_type=""):
    with time_machine.travel(at, tick=False):
        order = make_order(shop, sku=sku, placed_at=at - timedelta(days=3))
        case, _ = submit_case(shop.organisation, CaseIn(
            shop_id=shop.pk, order_external_id=order.external_id, case_type="return_refund",
            lines=[CaseLineIn(sku_code=sku.code, quantity=1)], reason_code=reason), Who.buyer())
    if problem_type:
        type(case).objects.filter(pk=case.pk).update(problem_type=problem_type)
    return case


def parcels(org, carrier, n, at, *, lost=0, damaged=0, prefix="P"):
    for i in range(n):
        number = f"{prefix}{carrier}{i}"
        record_tracking_event(org, carrier=carrier, tracking_number=number, status="accepted", occurred_at=at)
        if i < lost:
            record_tracking_event(org, carrier=carrier, tracking_number=number, status="lost",
                                  occurred_at=at + timedelta(days=2))
        elif i < lost + damaged:
            record_tracking_event(org, carrier=carrier, tracking_number=number, status="damaged",
                                  occurred_at=at + timedelta(days=1))
        else:
            record_tracking_event(org, carrier=carrier, tracking_number=number, status="delivered",
                                  occurred_at=at + timedelta(days=1))
