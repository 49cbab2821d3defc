"""A token never reaches another organisation's data: its ids answer 404, its rows never list."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.cases.models import Case, Evidence, Message, TimelineEvent
from tests.api.conftest import error

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_another_organisations_case_is_not_found_anywhere(a, b):
    case = a.case()
    before = (Case.objects.get(pk=case.pk).version, TimelineEvent.objects.count(), Message.objects.count())
    attempts = [
        b.api.get(f"/cases/{case.pk}"),
        b.api.get(f"/cases/{case.pk}/timeline"),
        b.api.post(f"/cases/{case.pk}/actions", {"action": "approve"}),
        b.api.post(f"/cases/{case.pk}/actions", {"action": "pay_refund"}),
        b.api.post(f"/cases/{case.pk}/actions", {"action": "inspect", "outcome": "ok"}),
        b.api.post(f"/cases/{case.pk}/messages", {"body": "hello from B"}),
        b.api.post(f"/cases/{case.pk}/rating", {"score": 1}),
        b.api.post(f"/cases/{case.pk}/follow-up", {"outcome": "called"}),
        b.api.upload(f"/cases/{case.pk}/evidence", {"file": SimpleUploadedFile("p.png", PNG)}),
        b.api.get(f"/orders/{case.order_id}"),
        b.api.get(f"/shops/{a.shop.pk}"),
    ]
    for response in attempts:
        assert response.status_code == 404, (response.request["PATH_INFO"], response.content)
        assert error(response)["code"] == "not_found"
    assert (Case.objects.get(pk=case.pk).version, TimelineEvent.objects.count(), Message.objects.count()) == before
    assert Evidence.objects.count() == 0


def test_the_queue_and_the_shops_only_show_your_own(a, b):
    mine, theirs = b.case(), a.case()
    listed = b.api.get("/cases", {"open": "all", "limit": 100}).json()["items"]
    assert [c["id"] for c in listed] == [mine.pk]
    assert b.api.get("/cases", {"q": theirs.number}).json()["items"] == []
    assert b.api.get("/cases", {"q": theirs.order.external_id}).json()["items"] == []
    assert b.api.get("/cases", {"shop": a.shop.pk}).json()["items"] == []
    assert {s["id"] for s in b.api.get("/shops").json()} == {b.shop.pk, b.marketplace.pk}


def test_a_case_cannot_be_opened_on_another_organisations_order(a, b):
    order = a.order()
    response = b.api.post("/cases", {"shop_id": a.shop.pk, "order_external_id": order.external_id,
                                     "case_type": "refund_only"})
    assert response.status_code == 422
    assert "shop_id" in error(response)["fields"]
    response = b.api.post("/cases", {"shop_id": b.shop.pk, "order_external_id": order.external_id,
                                     "case_type": "refund_only"})
    assert response.status_code == 422
    assert "order_external_id" in error(response)["fields"]
    assert Case.objects.count() == 0


def test_idempotency_keys_are_per_organisation(a, b):
    first = a.api.post("/cases", {"shop_id": a.shop.pk, "order_external_id": a.order().external_id,
                                  "case_type": "refund_only"}, **{"Idempotency-Key": "same"})
    second = b.api.post("/cases", {"shop_id": b.shop.pk, "order_external_id": b.order().external_id,
                                   "case_type": "refund_only"}, **{"Idempotency-Key": "same"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
