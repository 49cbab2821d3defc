"""A duplicate delivery changes nothing; an older update arriving late changes nothing."""

from __future__ import annotations

from aftersales.cases.models import Case, TimelineEvent
from aftersales.connectors.models import DeliveryOutcome, InboundEvent, WebhookDelivery
from aftersales.connectors.simulator import Send
from tests.connectors import payloads as P
from tests.connectors.conftest import run_queue


def test_the_same_event_twice_is_stored_once_and_applied_once(platforms, client, frozen):
    s = Send(0, 0, "douyin", "200", "dy-dup", P.DOUYIN_REFUND_CREATED, 0)
    assert platforms.post(client, "douyin", [s]).status_code == 200
    run_queue()
    case = Case.objects.get()
    events, version = TimelineEvent.objects.filter(case=case).count(), case.version
    again = platforms.post(client, "douyin", [s])
    assert again.status_code == 200 and again.json() == {"code": 0, "msg": "success"}   # acknowledged all the same
    run_queue()
    assert InboundEvent.objects.count() == 1 and Case.objects.count() == 1
    assert WebhookDelivery.objects.filter(outcome=DeliveryOutcome.DUPLICATE).count() == 1
    case.refresh_from_db()
    assert TimelineEvent.objects.filter(case=case).count() == events and case.version == version


def test_a_batch_with_a_seen_and_a_new_message_applies_only_the_new_one(platforms, client, frozen):
    first = Send(0, 0, "douyin", "200", "a", P.DOUYIN_REFUND_CREATED, 0)
    platforms.post(client, "douyin", [first])
    platforms.post(client, "douyin", [first, Send(0, 0, "douyin", "202", "b", P.DOUYIN_RETURN_AGREED, 0)])
    run_queue()
    assert InboundEvent.objects.count() == 2
    assert Case.objects.get().state == "awaiting_buyer_return"


def test_newer_status_first_then_the_older_one_leaves_the_newer(platforms, client, frozen):
    platforms.play(client, "douyin", [("203", "late-1", P.DOUYIN_BUYER_RETURNED, 0)])
    case = Case.objects.get()
    assert case.state == "awaiting_receipt_review"          # created from the newer event
    platforms.play(client, "douyin", [("200", "late-0", P.DOUYIN_REFUND_CREATED, 0),
                                      ("202", "late-2", P.DOUYIN_RETURN_AGREED, 0)])
    case.refresh_from_db()
    assert case.state == "awaiting_receipt_review"
    assert set(InboundEvent.objects.filter(event_id__in=["late-0", "late-2"]).values_list("outcome", flat=True)) == {"stale"}


def test_a_status_change_before_its_order_waits_and_applies_when_it_can(platforms, client, frozen):
    from aftersales.connectors.clients import use_client

    class Down:
        def call(self, request, purpose="read", **kw):
            from aftersales.connectors.base import PlatformError
            raise PlatformError("timed out", retryable=True)

    with use_client(Down()):
        platforms.play(client, "douyin", [("200", "w-1", P.DOUYIN_REFUND_CREATED, 0)])
    event = InboundEvent.objects.get()
    assert event.status == "waiting" and "timed out" in event.last_error and not Case.objects.exists()
    InboundEvent.objects.update(next_attempt_at=None)   # its back-off has run out
    from aftersales.connectors.models import EventStatus
    InboundEvent.objects.filter(status=EventStatus.WAITING).update(next_attempt_at="2000-01-01T00:00:00Z")
    run_queue()
    assert InboundEvent.objects.get().status == "done" and Case.objects.count() == 1
