"""Orders and cases in through the API: created once, repeats harmless, bad input refused whole."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.cases.models import Case, CaseLine, Deadline, IdempotencyRecord, TimelineEvent
from aftersales.orders.models import Buyer, Order, OrderLine
from tests.api.conftest import NOW, error

pytestmark = pytest.mark.django_db


def order_body(shop, number="DY-1001", **kw):
    return {
        "shop_id": shop.pk, "external_id": number,
        "buyer": {"external_id": "buyer-7", "name": "李雷", "email": "lilei@example.com"},
        "lines": [{"sku_code": "TEE-RED-M", "title": "T-shirt", "quantity": 2, "unit_price": "99.50"}],
        "placed_at": (NOW - timedelta(days=4)).isoformat(),
        "shipped_at": (NOW - timedelta(days=3)).isoformat(),
        "delivered_at": (NOW - timedelta(days=2)).isoformat(),
        "carrier": "SF", "tracking_number": "SF100200300",
        **kw,
    }


def case_body(shop, order_number="DY-1001", **kw):
    return {"shop_id": shop.pk, "order_external_id": order_number, "case_type": "return_refund",
            "reason_code": "no_reason.unwanted", "lines": [{"sku_code": "TEE-RED-M", "quantity": 1}], **kw}


def counts():
    return {m.__name__: m.objects.count()
            for m in (Order, OrderLine, Buyer, Case, CaseLine, Deadline, TimelineEvent, IdempotencyRecord)}


def test_an_order_is_created_then_brought_up_to_date(a):
    body = order_body(a.shop, delivered_at=None)
    created = a.api.post("/orders", body)
    assert created.status_code == 201, created.content
    order = created.json()
    assert order["paid_amount"] == "199.00"            # money is a string
    assert order["placed_at"] == "2026-11-16T10:00:00+08:00"   # times carry their offset
    assert order["lines"][0]["ledger"]["qty_requested"] == 0
    assert order["shipments"][0]["tracking_number"] == "SF100200300"

    again = a.api.post("/orders", {**body, "delivered_at": (NOW - timedelta(days=1)).isoformat()})
    assert again.status_code == 200
    assert again.json()["id"] == order["id"]
    assert again.json()["delivered_at"] == "2026-11-19T10:00:00+08:00"
    assert Order.objects.count() == 1

    fetched = a.api.get(f"/orders/{order['id']}")
    assert fetched.status_code == 200 and fetched.json()["external_id"] == "DY-1001"


def test_a_case_is_created_and_a_repeat_with_the_same_key_returns_it(a):
    assert a.api.post("/orders", order_body(a.shop)).status_code == 201
    first = a.api.post("/cases", case_body(a.shop), **{"Idempotency-Key": "req-1"})
    assert first.status_code == 201, first.content
    case = first.json()
    assert case["state"] == "awaiting_seller_review"
    assert case["number"] == f"AS{case['id']:08d}"
    assert case["requested_amount"] == "99.50"
    assert case["timeline"][0]["kind"] == "created"
    assert {d["kind"] for d in case["deadlines"]} >= {"seller_review", "first_reply"}
    assert all({"source", "clock", "on_timeout", "note"} <= set(d) for d in case["deadlines"])
    assert set(case["allowed_actions"]) >= {"approve", "reject", "offer"}

    repeat = a.api.post("/cases", case_body(a.shop), **{"Idempotency-Key": "req-1"})
    assert repeat.status_code == 200
    assert repeat.json()["id"] == case["id"]
    assert Case.objects.count() == 1

    other = a.api.post("/cases", case_body(a.shop, reason_text="changed my mind"), **{"Idempotency-Key": "req-1"})
    assert other.status_code == 422
    assert error(other)["code"] == "idempotency.mismatch"
    assert Case.objects.count() == 1


def test_the_same_platform_case_id_twice_is_one_case(a):
    assert a.api.post("/orders", order_body(a.marketplace)).status_code == 201
    body = case_body(a.marketplace, platform_case_id="7301234567890", platform_status="6",
                     platform_deadline=(NOW + timedelta(hours=48)).isoformat(), channel="platform")
    first = a.api.post("/cases", body)
    second = a.api.post("/cases", body)
    assert (first.status_code, second.status_code) == (201, 200), first.content
    assert first.json()["id"] == second.json()["id"]
    assert Case.objects.filter(platform_case_id="7301234567890").count() == 1
    review = [d for d in first.json()["deadlines"] if d["source"] == "platform"]
    assert review and review[0]["due_at"] == "2026-11-22T10:00:00+08:00"


BAD_ORDERS = [
    pytest.param({"lines": [{"sku_code": "X", "quantity": 0, "unit_price": "1"}]}, "lines.0.quantity",
                 id="zero-quantity"),
    pytest.param({"lines": [{"sku_code": "X", "quantity": "two", "unit_price": "1"}]}, "lines.0.quantity",
                 id="quantity-not-a-number"),
    pytest.param({"lines": [{"sku_code": "X", "quantity": 1, "unit_price": "-5"}]}, "lines.0.unit_price",
                 id="negative-price"),
    pytest.param({"lines": [{"sku_code": "X", "quantity": 1, "unit_price": "1.005"}]}, "lines.0.unit_price",
                 id="price-with-three-decimals"),
    pytest.param({"lines": [{"sku_code": "X", "quantity": 1, "unit_price": "NaN"}]}, "lines.0.unit_price",
                 id="price-not-a-number"),
    pytest.param({"lines": [{"sku_code": "X", "quantity": 1, "unit_price": "1", "protections": ["magic"]}]},
                 "lines.0.protections.0", id="unknown-protection"),
    pytest.param({"lines": []}, "lines", id="no-lines"),
    pytest.param({"placed_at": "yesterday"}, "placed_at", id="bad-date"),
    pytest.param({"placed_at": "2026-11-16T10:00:00"}, "placed_at", id="date-without-offset"),
    pytest.param({"placed_at": "0001-01-01T00:00:00+08:00"}, "placed_at", id="date-before-utc-can-hold-it"),
    pytest.param({"shipped_at": "9999-12-31T23:59:59-08:00"}, "shipped_at", id="date-after-utc-can-hold-it"),
    pytest.param({"shop_id": 10**30}, "shop_id", id="huge-shop-id"),
    pytest.param({"shop_id": True}, "shop_id", id="boolean-shop-id"),
    pytest.param({"lines": [{"sku_code": "X", "quantity": True, "unit_price": "1"}]}, "lines.0.quantity",
                 id="boolean-quantity"),
    pytest.param({"external_id": ""}, "external_id", id="empty-order-number"),
    pytest.param({"external_id": "x" * 101}, "external_id", id="order-number-too-long"),
    pytest.param({"external_id": "O\u00001"}, "external_id", id="nul-character"),
    pytest.param({"buyer": {"external_id": "b", "nickname": "?"}}, "buyer.nickname", id="unknown-key"),
    pytest.param({"delivered_at": (NOW - timedelta(days=5)).isoformat()}, "delivered_at",
                 id="delivered-before-shipped"),
]


@pytest.mark.parametrize("change, field", BAD_ORDERS)
def test_a_bad_order_is_refused_by_field_and_nothing_is_written(a, change, field):
    before = counts()
    response = a.api.post("/orders", {**order_body(a.shop), **change})
    assert response.status_code == 422, response.content
    err = error(response)
    assert err["code"] == "validation.failed"
    assert field in err["fields"], err
    assert counts() == before


def test_another_organisations_shop_is_not_a_shop_of_yours(a, b):
    response = a.api.post("/orders", order_body(b.shop))
    assert response.status_code == 422
    assert "shop_id" in error(response)["fields"]
    assert Order.objects.count() == 0


@pytest.mark.parametrize("raw, field", [
    pytest.param("{not json", "body", id="malformed-json"),
    pytest.param("[1, 2]", "body", id="array-not-object"),
    pytest.param("", "body", id="empty-body"),
])
def test_a_body_that_is_not_an_object_is_422(a, raw, field):
    response = a.api.post("/orders", raw=raw)
    assert response.status_code == 422, response.content
    assert field in error(response)["fields"]


BAD_CASES = [
    pytest.param({"case_type": "teleport"}, "case_type", id="unknown-type"),
    pytest.param({"lines": [{"sku_code": "TEE-RED-M", "quantity": 3}]}, "lines.0.quantity", id="more-than-bought"),
    pytest.param({"lines": [{"sku_code": "NOPE", "quantity": 1}]}, "lines.0", id="line-not-in-order"),
    pytest.param({"order_external_id": "DY-404"}, "order_external_id", id="unknown-order"),
    pytest.param({"requested_amount": "-1"}, "requested_amount", id="negative-amount"),
    pytest.param({"requested_amount": "500.00"}, "requested_amount", id="more-than-paid"),
    pytest.param({"channel": "pigeon"}, "channel", id="unknown-channel"),
    pytest.param({"reason_code": "bored"}, "reason_code", id="unknown-reason"),
    pytest.param({"platform_deadline": "2026-02-30T10:00:00+08:00"}, "platform_deadline", id="impossible-date"),
    pytest.param({"urgent": "very"}, "urgent", id="not-a-boolean"),
    pytest.param({"payload": {"note": ["ok", "bad\u0000"]}}, "payload", id="nul-in-the-platform-payload"),
]


@pytest.mark.parametrize("change, field", BAD_CASES)
def test_a_bad_case_is_refused_by_field_and_nothing_is_written(a, change, field):
    assert a.api.post("/orders", order_body(a.shop)).status_code == 201
    before = counts()
    response = a.api.post("/cases", {**case_body(a.shop), **change}, **{"Idempotency-Key": "k"})
    assert response.status_code == 422, response.content
    err = error(response)
    assert err["code"] == "validation.failed"
    assert field in err["fields"], err
    assert counts() == before
    line = OrderLine.objects.get()
    assert line.qty_requested == 0


def test_an_idempotency_key_over_200_characters_is_refused(a):
    assert a.api.post("/orders", order_body(a.shop)).status_code == 201
    response = a.api.post("/cases", case_body(a.shop), **{"Idempotency-Key": "k" * 201})
    assert response.status_code == 422
    assert "Idempotency-Key" in error(response)["fields"]
    assert Case.objects.count() == 0
