"""Each platform's payloads mapped into the core: the right case type, state, deadline, ids and payload."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from aftersales.cases.models import Case, Deadline, Message, ReturnShipment, TimelineEvent
from aftersales.connectors.models import CaseLink, EventStatus, InboundEvent
from aftersales.orders.models import Order
from tests.connectors import payloads as P


def case_of(shop) -> Case:
    return Case.objects.get(shop=shop)


def test_douyin_return_walks_request_agree_ship_and_takes_the_platform_deadline(platforms, client, frozen):
    shop = platforms.shops["douyin"]
    platforms.play(client, "douyin", [("200", "m1", P.DOUYIN_REFUND_CREATED, 0)])
    case = case_of(shop)
    assert (case.case_type, case.state, case.reason_code) == ("return_refund", "awaiting_seller_review", "quality.defect")
    assert case.platform_case_id == "7302111122223333444" and case.channel == "platform"
    assert case.platform_payload["aftersale_id"] == 7302111122223333444       # the raw payload is kept
    order = Order.objects.get(shop=shop)
    assert order.external_id == "6179595000000000001" and order.lines.count() >= 1   # fetched from the platform
    review = Deadline.objects.get(case=case, status="open", kind="seller_review", source="computed")
    assert "computed fallback" in review.note

    platforms.play(client, "douyin", [("202", "m2", P.DOUYIN_RETURN_AGREED, 0),
                                      ("203", "m3", P.DOUYIN_BUYER_RETURNED, 0),
                                      ("209", "m4", P.DOUYIN_DEADLINE_CHANGED, 0)])
    case.refresh_from_db()
    assert case.state == "awaiting_receipt_review" and case.platform_status_raw == "11"
    parcel = ReturnShipment.objects.get(case=case)
    assert parcel.tracking_number == "773012345678"
    due = Deadline.objects.get(case=case, status="open", kind="seller_receipt_review", source="platform")
    assert due.due_at == datetime.fromtimestamp(1796262300, tz=timezone.utc)
    assert CaseLink.objects.get(case=case).platform_updated_at == datetime.fromtimestamp(1796003100, tz=timezone.utc)

    platforms.play(client, "douyin", [("201", "m5", P.DOUYIN_REFUND_AGREED, 0), ("206", "m6", P.DOUYIN_REFUND_SUCCESS, 0)])
    case.refresh_from_db()
    assert (case.state, case.refund_state) == ("completed", "succeeded")


def test_douyin_rejection_reported_by_the_platform_needs_no_reason_of_ours(platforms, client, frozen):
    refused = {**P.DOUYIN_REFUND_CREATED, "aftersale_status": 27, "refuse_time": 1796000000}
    platforms.play(client, "douyin", [("200", "m1", P.DOUYIN_REFUND_CREATED, 0), ("205", "m2", refused, 0)])
    assert case_of(platforms.shops["douyin"]).state == "seller_rejected"
    assert not InboundEvent.objects.filter(status=EventStatus.FAILED).exists()


def test_tiktok_refund_request_then_success_and_the_pulled_deadline(platforms, client, frozen):
    from aftersales.connectors.base import RawEvent
    from aftersales.connectors.platforms import CONNECTORS

    shop = platforms.shops["tiktok_shop"]
    platforms.play(client, "tiktok_shop", [("12", "n1", P.TIKTOK_RETURN_PENDING, 0)])
    case = case_of(shop)
    assert (case.case_type, case.state, case.currency) == ("refund_only", "awaiting_seller_review", "USD")
    # the pull's return object carries TikTok's own deadline and reason
    change = CONNECTORS["tiktok_shop"].interpret(RawEvent("p", "pull", "", None, P.TIKTOK_SEARCH_ITEM), None, None)[0]
    assert change.case.deadline == datetime.fromtimestamp(1796172000, tz=timezone.utc)
    assert change.case.amount is not None and str(change.case.amount) == "11.99"
    platforms.play(client, "tiktok_shop", [("12", "n2", P.TIKTOK_RETURN_SUCCESS, 0)])
    case.refresh_from_db()
    assert case.state == "refund_in_progress"


@pytest.mark.parametrize("logistics", [pytest.param(True, id="logistics-app"), pytest.param(False, id="without-it")])
def test_taobao_return_bill_and_a_tracking_scan(platforms, client, frozen, caplog, logistics):
    from unittest import mock

    from aftersales.connectors import tracking

    shop = platforms.shops["taobao"]
    platforms.play(client, "taobao", [("taobao_refund_RefundCreated", "91000001", P.TAOBAO_REFUND_CREATED, 0)])
    case = case_of(shop)
    assert (case.case_type, case.state) == ("return_refund", "awaiting_seller_review")
    assert str(case.requested_amount) == "79.00" or case.requested_amount <= 79
    with caplog.at_level("INFO", logger="aftersales.connectors.tracking"), \
            mock.patch.object(tracking, "logistics_available", return_value=logistics):
        platforms.play(client, "taobao", [("taobao_logistics_LogsticDetailTrace", "91000002", P.TAOBAO_TRACE, 0)])
    event = InboundEvent.objects.get(event_id="91000002")
    if not logistics:
        assert (event.status, event.outcome) == ("done", "tracking-skipped")
        assert "ZTO773098765432 delivered" in caplog.text and "logistics app is not installed" in caplog.text
        return
    from aftersales.logistics.models import Parcel

    assert (event.status, event.outcome) == ("done", "tracked")
    parcel = Parcel.objects.get(tracking_number="ZTO773098765432")
    assert (parcel.organisation_id, parcel.status) == (shop.organisation_id, "delivered")


def test_taobao_buyer_message_is_fetched_and_added_once(platforms, client, frozen):
    content = {**P.TAOBAO_REFUND_CREATED, "modified": "2026-11-24 10:05:00"}
    platforms.play(client, "taobao", [("taobao_refund_RefundCreated", "91000001", P.TAOBAO_REFUND_CREATED, 0),
                                      ("taobao_refund_RefundCreateMessage", "91000003", content, 0),
                                      ("taobao_refund_RefundCreateMessage", "91000004", content, 0)])
    case = case_of(platforms.shops["taobao"])
    messages = Message.objects.filter(case=case, author="buyer")
    assert messages.count() == 1 and messages.get().external_id.startswith(str(P.TAOBAO_REFUND_CREATED["refund_id"]))


def test_shopify_return_request_with_the_customers_note(platforms, client, frozen):
    shop = platforms.shops["shopify"]
    platforms.play(client, "shopify", [("returns/request", "w1", P.SHOPIFY_RETURN_REQUEST, 0)])
    case = case_of(shop)
    assert (case.case_type, case.state, case.reason_code) == ("return_refund", "awaiting_seller_review", "no_reason.size_fit")
    # an own store: the deadline is the shop's policy, and our sweep will perform it
    assert Deadline.objects.filter(case=case, status="open", source="policy").exists()
    assert Message.objects.get(case=case).body == "Runs small, I need the next size up"
    approved = {**P.SHOPIFY_RETURN_REQUEST, "status": "open"}
    approved.pop("return_line_items")
    platforms.play(client, "shopify", [("returns/approve", "w2", approved, 0)])
    case.refresh_from_db()
    assert case.state == "awaiting_buyer_return"
    assert TimelineEvent.objects.filter(case=case, actor="platform", action="approve").exists()
