"""Cases walked through time with the sweep: each platform's deadlines doing what PLATFORMS.md says.

Marketplaces perform their own timeouts: we warn before, mark the deadline lapsed at it, and take
the platform's word for the outcome.  Own stores: our sweep performs the timeout itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from aftersales.cases.intake import CaseIn, submit_case
from aftersales.cases.models import Case, Deadline, Refund, TimelineEvent
from aftersales.cases.permissions import Who
from aftersales.cases.platform_sync import PlatformUpdate, apply_platform_update
from aftersales.cases.services import ActionInput, perform
from aftersales.cases.sweep import sweep
from aftersales.domain.lifecycle import CaseState
from aftersales.errors import NotAllowed
from aftersales.notify.models import OutboxMessage
from aftersales.orders.models import OrderLine
from tests.factories import make_order, make_org, make_shop

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 16, 2, 0, tzinfo=timezone.utc)   # a Monday, 10:00 in Shanghai


def open_case(platform: str, case_type: str = "return_refund", *, at: datetime = T0, status: str = "",
              deadline: datetime | None = None, reason: str = "no_reason.unwanted", shipped: bool = True,
              platform_case_id: str = "", **shop_kw):
    with time_machine.travel(at, tick=False):
        org = make_org()
        shop = make_shop(org, platform, **shop_kw)
        order = make_order(shop, placed_at=at - timedelta(days=4), shipped=shipped)
        case, created = submit_case(org, CaseIn(
            shop_id=shop.pk, order_external_id=order.external_id, case_type=case_type, reason_code=reason,
            platform_case_id=platform_case_id or (f"P-{order.external_id}" if platform != "own_store" else ""),
            platform_status=status, platform_deadline=deadline, channel="platform"), Who.platform())
    assert created
    return org, shop, case


def refreshed(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def open_deadline(case: Case, kind: str) -> Deadline:
    """The step's own timer (not the shop's breach-only promise of the same kind)."""
    return (Deadline.objects.filter(case=case, kind=kind, status="open", step=refreshed(case).state)
            .exclude(source="policy", on_timeout="breach_only").get())


def kinds(case: Case) -> list[str]:
    return list(TimelineEvent.objects.filter(case=case).values_list("kind", flat=True))


# --- own store: the sweep performs the timeout -------------------------------------------------

def test_own_store_seller_silent_48h_warns_then_auto_approves():
    org, shop, case = open_case("own_store")
    due = open_deadline(case, "seller_review")
    assert due.due_at == T0 + timedelta(hours=48) and due.on_timeout == "auto_approve"

    report = sweep(T0 + timedelta(hours=37))   # 11 h left, inside the 12 h warning window
    assert report.warned == 1
    assert refreshed(case).state == CaseState.AWAITING_SELLER_REVIEW
    assert OutboxMessage.objects.filter(case=case, topic="team.deadline_warning").count() == 1
    assert sweep(T0 + timedelta(hours=38)).warned == 0   # warned once only

    report = sweep(T0 + timedelta(hours=48, minutes=1))
    assert report.applied == 1
    case = refreshed(case)
    assert case.state == CaseState.AWAITING_BUYER_RETURN
    event = TimelineEvent.objects.filter(case=case, kind="transition").last()
    assert event.actor == "system" and event.action == "approve"
    assert "deadline passed" in event.message_en and "超时" in event.message_zh
    buyer_due = open_deadline(case, "buyer_ship_return")
    assert buyer_due.due_at == T0 + timedelta(hours=48, minutes=1) + timedelta(days=7)
    assert buyer_due.on_timeout == "auto_close"


def test_own_store_buyer_never_ships_auto_close_releases_the_line():
    org, shop, case = open_case("own_store")
    line = OrderLine.objects.get(order=case.order)
    assert line.qty_requested == 1
    sweep(T0 + timedelta(hours=49))
    sweep(T0 + timedelta(hours=49) + timedelta(days=7, minutes=1))
    case = refreshed(case)
    assert case.state == CaseState.CLOSED and case.close_reason == "buyer_timeout" and not case.is_open
    line.refresh_from_db()
    assert line.qty_requested == 0 and line.qty_refunded == 0
    assert not Deadline.objects.filter(case=case, status="open").exists()


def test_own_store_receipt_not_reviewed_in_10_days_auto_confirms_and_approves_refund():
    org, shop, case = open_case("own_store")
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        perform(org, case.pk, "approve", Who(actor="seller", role="supervisor"))
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        perform(org, case.pk, "ship_return", Who.buyer(), ActionInput(carrier="SF", tracking_number="SF123"))
    assert refreshed(case).return_state == "in_transit"
    sweep(T0 + timedelta(days=11, minutes=1))
    case = refreshed(case)
    assert case.state == CaseState.REFUND_IN_PROGRESS
    refund = Refund.objects.get(case=case)
    assert refund.status == "approved" and refund.amount == case.requested_amount


def test_own_store_unshipped_refund_is_approved_at_once_with_a_reason():
    org, shop, case = open_case("own_store", "cancel_pre_shipment", shipped=False, reason="no_reason.unwanted")
    case = refreshed(case)
    assert case.state == CaseState.REFUND_IN_PROGRESS
    event = TimelineEvent.objects.filter(case=case, kind="transition").get()
    assert event.actor == "system"
    assert "not shipped" in event.message_en.lower() or "未发货" in event.message_zh


def test_own_store_exchange_buyer_silent_after_reship_auto_confirms_then_follow_up():
    org, shop, case = open_case("own_store", "exchange", reason="quality.defect")
    seller = Who(actor="seller", role="supervisor")
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        perform(org, case.pk, "approve", seller)
        perform(org, case.pk, "ship_return", Who.buyer(), ActionInput(carrier="SF", tracking_number="SF1"))
        perform(org, case.pk, "confirm_receipt", seller)
        perform(org, case.pk, "ship_to_buyer", seller, ActionInput(carrier="SF", tracking_number="SF2"))
    assert refreshed(case).state == CaseState.AWAITING_BUYER_RECEIPT
    sweep(T0 + timedelta(hours=1) + timedelta(days=10, minutes=1))
    case = refreshed(case)
    assert case.state == CaseState.COMPLETED
    follow_up = case.follow_ups.get()
    report = sweep(follow_up.due_at + timedelta(minutes=1))
    assert report.follow_ups == 1
    assert "follow_up.due" in kinds(case)


def test_sweep_command_applies_timeouts_as_of_a_given_time(capsys):
    org, shop, case = open_case("own_store")
    call_command("sweep", now=(T0 + timedelta(hours=49)).isoformat())
    assert refreshed(case).state == CaseState.AWAITING_BUYER_RETURN


def test_a_second_sweep_at_the_same_time_does_nothing():
    org, shop, case = open_case("own_store")
    first = sweep(T0 + timedelta(hours=49))
    events = TimelineEvent.objects.filter(case=case).count()
    second = sweep(T0 + timedelta(hours=49))
    assert first.applied == 1 and second.applied == 0 and second.warned == 0
    assert TimelineEvent.objects.filter(case=case).count() == events


# --- marketplaces: warn, mark lapsed, take the platform's word -----------------------------------

MARKETPLACE_REVIEW = [
    pytest.param("douyin", "6", "7", id="douyin-seller-silent-48h-platform-auto-approves-return"),
    pytest.param("taobao", "WAIT_SELLER_AGREE", "WAIT_BUYER_RETURN_GOODS",
                 id="taobao-seller-silent-platform-auto-approves-return"),
    pytest.param("tiktok_shop", "RETURN_OR_REFUND_REQUEST_PENDING", "AWAITING_BUYER_SHIP",
                 id="tiktok-seller-silent-48h-platform-auto-approves-return"),
]


@pytest.mark.parametrize("platform,pending,approved", MARKETPLACE_REVIEW)
def test_marketplace_review_timeout_is_the_platforms_to_perform(platform, pending, approved):
    due = T0 + timedelta(hours=48)
    org, shop, case = open_case(platform, status=pending, deadline=due)
    deadline = open_deadline(case, "seller_review")
    assert deadline.source == "platform" and deadline.due_at == due

    assert sweep(due - timedelta(hours=11)).warned == 1
    report = sweep(due + timedelta(minutes=1))
    assert report.lapsed == 1 and report.applied == 0
    case = refreshed(case)
    assert case.state == CaseState.AWAITING_SELLER_REVIEW        # we do not act for the platform
    lapsed = TimelineEvent.objects.get(case=case, kind="deadline.lapsed")
    assert shop.profile.name_en in lapsed.message_en and "auto-approve" in lapsed.message_en
    assert OutboxMessage.objects.filter(case=case, topic="platform.reconcile").exists()

    # The platform reports what it did; its new deadline replaces ours.
    buyer_due = due + timedelta(days=7)
    with time_machine.travel(due + timedelta(minutes=5), tick=False):
        result = apply_platform_update(org, shop, PlatformUpdate(
            platform_case_id=case.platform_case_id, status=approved, deadline=buyer_due, event_id="evt-2"))
    assert result.outcome == "applied"
    case = refreshed(case)
    assert case.state == CaseState.AWAITING_BUYER_RETURN
    ship = open_deadline(case, "buyer_ship_return")
    assert ship.source == "platform" and ship.due_at == buyer_due
    step = TimelineEvent.objects.filter(case=case, kind="transition").last()
    assert step.actor == "platform" and step.action == "approve"


def test_douyin_computed_fallback_is_labelled_when_no_deadline_is_sent():
    org, shop, case = open_case("douyin", status="6")
    deadline = open_deadline(case, "seller_review")
    assert deadline.source == "computed"
    assert deadline.due_at == T0 + timedelta(hours=48)
    assert "computed fallback" in deadline.note and "unverified" in deadline.note


def test_douyin_209_deadline_change_extends_and_rearms_the_warning():
    due = T0 + timedelta(hours=48)
    org, shop, case = open_case("douyin", status="6", deadline=due)
    sweep(due - timedelta(hours=11))
    assert open_deadline(case, "seller_review").warned_at is not None
    later = due + timedelta(hours=24)
    with time_machine.travel(due - timedelta(hours=10), tick=False):
        result = apply_platform_update(org, shop, PlatformUpdate(
            platform_case_id=case.platform_case_id, status="6", deadline=later, event_id="209-1"))
    assert result.outcome == "applied"
    d = open_deadline(case, "seller_review")
    assert d.due_at == later and d.extended_count == 1 and d.warned_at is None
    assert sweep(due + timedelta(minutes=1)).lapsed == 0          # the old time no longer counts


def test_douyin_pre_shipment_refund_cannot_be_rejected_by_review():
    org, shop, case = open_case("douyin", "cancel_pre_shipment", status="6", shipped=False,
                                auto_approve_unshipped_refund=False)
    with pytest.raises(NotAllowed) as exc:
        perform(org, case.pk, "reject", Who(actor="seller", role="supervisor"), ActionInput(reason="already packed"))
    assert "ship" in exc.value.message.lower()
    assert refreshed(case).state == CaseState.AWAITING_SELLER_REVIEW


def test_duplicate_platform_event_changes_nothing():
    org, shop, case = open_case("douyin", status="6")
    update = PlatformUpdate(platform_case_id=case.platform_case_id, status="7", event_id="msg-42")
    first = apply_platform_update(org, shop, update)
    events = TimelineEvent.objects.filter(case=case).count()
    version = refreshed(case).version
    second = apply_platform_update(org, shop, update)
    assert (first.outcome, second.outcome) == ("applied", "duplicate")
    assert TimelineEvent.objects.filter(case=case).count() == events
    assert refreshed(case).version == version


def test_out_of_order_platform_update_is_ignored():
    org, shop, case = open_case("douyin", status="6")
    apply_platform_update(org, shop, PlatformUpdate(platform_case_id=case.platform_case_id, status="11",
                                                    updated_at=T0 + timedelta(hours=5)))
    state = refreshed(case).state
    older = apply_platform_update(org, shop, PlatformUpdate(platform_case_id=case.platform_case_id, status="7",
                                                            updated_at=T0 + timedelta(hours=3)))
    assert older.outcome == "stale" and refreshed(case).state == state


def test_unknown_platform_status_is_kept_with_a_warning():
    org, shop, case = open_case("douyin", status="6")
    result = apply_platform_update(org, shop, PlatformUpdate(platform_case_id=case.platform_case_id, status="999"))
    case = refreshed(case)
    assert result.outcome == "applied" and case.state == CaseState.UNKNOWN and case.platform_status_raw == "999"
    assert TimelineEvent.objects.filter(case=case, kind="platform.warning").exists()


def test_douyin_refund_success_12_with_refund_status_3_completes_and_books_the_refund():
    org, shop, case = open_case("douyin", "refund_only", status="6", reason="quality.defect")
    apply_platform_update(org, shop, PlatformUpdate(platform_case_id=case.platform_case_id, status="12",
                                                    refund_status="1"))
    assert refreshed(case).state == CaseState.REFUND_IN_PROGRESS
    apply_platform_update(org, shop, PlatformUpdate(platform_case_id=case.platform_case_id, status="12",
                                                    qualifier="3", refund_status="3"))
    case = refreshed(case)
    assert case.state == CaseState.COMPLETED and case.refund_state == "succeeded"
    line = OrderLine.objects.get(order=case.order)
    assert (line.qty_requested, line.qty_refunded, line.amount_refunded) == (0, 1, case.requested_amount)


def test_taobao_buyer_silent_after_approval_platform_closes_case():
    due = T0 + timedelta(days=7)
    org, shop, case = open_case("taobao", status="WAIT_BUYER_RETURN_GOODS", deadline=due)
    assert open_deadline(case, "buyer_ship_return").party == "buyer"
    report = sweep(due + timedelta(minutes=1))
    assert report.lapsed == 1 and report.warned == 0               # buyers' deadlines are not ours to warn about
    apply_platform_update(org, shop, PlatformUpdate(platform_case_id=case.platform_case_id, status="CLOSED"))
    case = refreshed(case)
    assert case.state == CaseState.CLOSED
    assert OrderLine.objects.get(order=case.order).qty_requested == 0


def test_taobao_receipt_review_lapses_then_platform_success_completes():
    org, shop, case = open_case("taobao", status="WAIT_SELLER_CONFIRM_GOODS")
    deadline = open_deadline(case, "seller_receipt_review")
    assert deadline.on_timeout == "auto_confirm_receipt" and deadline.due_at == T0 + timedelta(days=10)
    assert sweep(deadline.due_at + timedelta(minutes=1)).lapsed == 1
    apply_platform_update(org, shop, PlatformUpdate(platform_case_id=case.platform_case_id, status="SUCCESS"))
    case = refreshed(case)
    assert case.state == CaseState.COMPLETED and case.refund_state == "succeeded"


# --- calendars ---------------------------------------------------------------------------------

def test_review_promise_skips_national_day_in_business_days():
    start = datetime(2026, 9, 30, 2, 0, tzinfo=timezone.utc)   # Wed 30 Sep, 10:00 in Shanghai
    org, shop, case = open_case("douyin", status="6", at=start, review_business_days=2)
    promise = Deadline.objects.get(case=case, source="policy", kind="seller_review")
    local = promise.due_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert local.date() == datetime(2026, 10, 9).date()   # 1–7 Oct off; 8 and 9 Oct are the two working days
    assert promise.on_timeout == "breach_only"


def test_business_days_past_chinese_calendar_tables_fall_back_and_say_so():
    start = datetime(2027, 3, 1, 2, 0, tzinfo=timezone.utc)
    org, shop, case = open_case("douyin", status="6", at=start, review_business_days=2)
    promise = Deadline.objects.get(case=case, source="policy", kind="seller_review")
    assert "2027" in promise.note or "fallback" in promise.note.lower() or "weekend" in promise.note.lower()


def test_tiktok_us_shop_counts_business_days_around_thanksgiving():
    start = datetime(2026, 11, 25, 18, 0, tzinfo=timezone.utc)   # Wed 25 Nov, 10:00 in Los Angeles
    org, shop, case = open_case("tiktok_shop", "exchange", at=start, status="REPLACEMENT_REQUEST_COMPLETE")
    assert refreshed(case).state == CaseState.AWAITING_SELLER_SHIPMENT
    d = open_deadline(case, "seller_reship")
    local = d.due_at.astimezone(ZoneInfo("America/Los_Angeles"))
    # Thu 26 Nov is Thanksgiving; Fri 27 is the first business day, Mon 30 the second.
    assert (local.month, local.day, local.hour) == (11, 30, 10)
    assert d.clock == "business_days"


@pytest.mark.parametrize("hours_later", [
    pytest.param(1, id="still-far"), pytest.param(25, id="under-24h"), pytest.param(45, id="under-4h"),
    pytest.param(49, id="overdue"),
])
def test_set_wise_band_rescoring_matches_a_full_rescore(hours_later):
    """The sweep moves priorities by the time term alone; the result equals scoring from scratch."""
    from aftersales.cases.scoring import score_case

    cases = []
    for platform, urgent in [("douyin", False), ("taobao", True), ("tiktok_shop", False)]:
        org, shop, case = open_case(platform, status="", deadline=T0 + timedelta(hours=48))
        Case.objects.filter(pk=case.pk).update(urgent=urgent)
        cases.append(case)
    from aftersales.cases.scoring import rescore

    for case in cases:
        rescore(refreshed(case), T0)
    now = T0 + timedelta(hours=hours_later)
    sweep(now)
    for case in cases:
        stored = refreshed(case)
        fresh = refreshed(case)
        score_case(fresh, fresh.next_due_at, now)
        assert (stored.priority, stored.priority_band, stored.time_band) == (
            fresh.priority, fresh.priority_band, fresh.time_band)
