"""The demo seeds a buyer who can walk the whole flow: the order number and phone printed work in
the portal, the printed status links open, and seeding again adds nothing."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from aftersales.cases.models import Case
from aftersales.catalog.models import Sku
from aftersales.portal import demo

pytestmark = pytest.mark.django_db


def test_the_demo_prints_an_order_and_phone_to_try_and_links_that_open(client):
    out = StringIO()
    call_command("demo", orders=30, cases=6, seed=3, stdout=out)
    text = out.getvalue()
    assert f"order {demo.FRESH}   phone {demo.PHONE}" in text
    urls = re.findall(r"https://shop\.example\.com(/portal/status/[\w-]+/)", text)
    states = {c.state for c in Case.objects.filter(buyer__external_id="own-portal-demo")}
    assert len(urls) == 4 and states == {"awaiting_buyer_response", "awaiting_buyer_return", "refund_in_progress",
                                         "completed"}
    for path in urls:
        assert client.get(path).status_code == 200
    found = client.post("/portal/", {"order_number": demo.FRESH, "contact": demo.PHONE})
    assert found.status_code == 302
    assert Sku.objects.get(code="TEE-CTN-L").stock == 6
    assert re.search(r"the follow-up of AS\d{8}, three days after it was done: aftersales sweep --now "
                     r"\d{4}-\d\d-\d\dT10:00\+08:00 --deliver", text)
    before = Case.objects.count()
    again = StringIO()
    call_command("demo", orders=30, cases=6, seed=3, stdout=again)
    assert Case.objects.count() == before and re.findall(r"/portal/status/[\w-]+/", again.getvalue()) == urls
