"""The use cases: one transaction each, the ledger, permissions, idempotency, tenants."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.db import connection

from aftersales.cases import services
from aftersales.cases.intake import CaseIn, CaseLineIn, submit_case
from aftersales.cases.models import Case, IdempotencyRecord, Offer, Refund, TimelineEvent
from aftersales.cases.permissions import Who
from aftersales.cases.services import ActionInput, perform
from aftersales.domain.lifecycle import CaseState
from aftersales.errors import (
    Conflict, IdempotencyMismatch, NotAllowed, NotFound, PermissionDenied, ValidationFailed,
)
from aftersales.notify.models import OutboxMessage
from aftersales.orders.models import OrderLine
from aftersales.orders.services import LineIn
from tests.factories import make_order, make_org, make_shop, make_sku

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
SUPERVISOR = Who(actor="seller", role="supervisor")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def shop():
    return make_shop(make_org(), "own_store", auto_approve_small_return_max=Decimal("0"))


def new_case(shop, case_type="return_refund", quantity=1, order=None, key="", **kw):
    order = order or make_order(shop, placed_at=NOW - timedelta(days=4), quantity=max(quantity, 1))
    data = CaseIn(shop_id=shop.pk, order_external_id=order.external_id, case_type=case_type,
                  lines=[CaseLineIn(sku_code=order.lines.first().sku_code, quantity=quantity)],
                  reason_code=kw.pop("reason_code", "no_reason.unwanted"), **kw)
    return submit_case(shop.organisation, data, Who.buyer(), idempotency_key=key)


def test_state_change_event_and_outbox_commit_together(shop):
    case, _ = new_case(shop)
    events, outbox = TimelineEvent.objects.count(), OutboxMessage.objects.count()
    with mock.patch("aftersales.cases.services.rescore", side_effect=RuntimeError("crash mid-way")):
        with pytest.raises(RuntimeError):
            perform(shop.organisation, case.pk, "approve", SUPERVISOR)
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_SELLER_REVIEW and case.version == 1
    assert (TimelineEvent.objects.count(), OutboxMessage.objects.count()) == (events, outbox)

    perform(shop.organisation, case.pk, "approve", SUPERVISOR)
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_BUYER_RETURN and case.version == 2
    event = TimelineEvent.objects.filter(case=case, kind="transition").get()
    assert (event.state_before, event.state_after, event.actor) == ("awaiting_seller_review",
                                                                   "awaiting_buyer_return", "seller")
    assert OutboxMessage.objects.filter(case=case, topic="buyer.case_updated").count() == 1


def test_illegal_move_is_refused_with_a_clear_error(shop):
    case, _ = new_case(shop)
    with pytest.raises(NotAllowed) as exc:
        perform(shop.organisation, case.pk, "confirm_receipt", SUPERVISOR)
    assert "not allowed" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        perform(shop.organisation, case.pk, "reject", SUPERVISOR)
    assert "reason" in exc.value.fields


def test_a_stale_version_is_a_conflict(shop):
    case, _ = new_case(shop)
    with pytest.raises(Conflict):
        perform(shop.organisation, case.pk, "approve", SUPERVISOR, ActionInput(expected_version=7))
    assert Case.objects.get(pk=case.pk).state == CaseState.AWAITING_SELLER_REVIEW


def test_compare_and_set_loses_to_a_concurrent_change(shop):
    """Simulate the sweep changing the row between our read and our write."""
    case, _ = new_case(shop)
    real_get = services.get_case

    def get_then_race(*a, **kw):
        got = real_get(*a, **kw)
        Case.objects.filter(pk=got.pk).update(version=got.version + 1)   # someone else won
        return got

    with mock.patch("aftersales.cases.services.get_case", side_effect=get_then_race):
        with pytest.raises(Conflict):
            perform(shop.organisation, case.pk, "approve", SUPERVISOR)
    assert not TimelineEvent.objects.filter(case=case, kind="transition").exists()


def test_roles_and_approval_limit(shop):
    case, _ = new_case(shop)
    with pytest.raises(PermissionDenied):
        perform(shop.organisation, case.pk, "approve", Who(actor="seller", role="finance"))
    limited = Who(actor="seller", role="agent", approval_limit=Decimal("10"))
    refund, _ = new_case(shop, "refund_only")
    with pytest.raises(PermissionDenied) as exc:
        perform(shop.organisation, refund.pk, "approve", limited)
    assert "approval limit" in exc.value.message
    perform(shop.organisation, refund.pk, "approve", Who(actor="seller", role="agent", approval_limit=Decimal("500")))
    assert Case.objects.get(pk=refund.pk).state == CaseState.REFUND_IN_PROGRESS


def test_approving_and_paying_a_refund_are_separate(shop):
    case, _ = new_case(shop, "refund_only")
    perform(shop.organisation, case.pk, "approve", SUPERVISOR)
    assert Refund.objects.get(case=case).status == "approved"
    with pytest.raises(PermissionDenied):
        services.pay_refund(shop.organisation, case.pk, Who(actor="seller", role="agent"))
    services.pay_refund(shop.organisation, case.pk, Who(actor="seller", role="finance"))
    assert Refund.objects.get(case=case).status == "processing"
    with pytest.raises(NotAllowed):
        services.pay_refund(shop.organisation, case.pk, Who(actor="seller", role="finance"))
    services.confirm_refund(shop.organisation, case.pk, Who(actor="seller", role="finance"))
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED and case.refund_state == "succeeded"
    assert case.follow_ups.filter(due_at=NOW + timedelta(days=3)).exists()


def test_a_line_is_never_requested_or_refunded_twice(shop):
    order = make_order(shop, placed_at=NOW - timedelta(days=4), quantity=2)
    first, _ = new_case(shop, "refund_only", quantity=2, order=order)
    with pytest.raises(ValidationFailed) as exc:
        new_case(shop, "refund_only", quantity=1, order=order)
    assert "0 left" in str(exc.value.fields)
    perform(shop.organisation, first.pk, "approve", SUPERVISOR)
    with pytest.raises(NotAllowed):   # not paid yet
        services.confirm_refund(shop.organisation, first.pk, Who.system())
    services.pay_refund(shop.organisation, first.pk, Who(actor="seller", role="finance"))
    services.confirm_refund(shop.organisation, first.pk, Who.system())
    line = OrderLine.objects.get(order=order)
    assert (line.qty_requested, line.qty_refunded, line.amount_refunded) == (0, 2, line.paid_amount)
    with pytest.raises(ValidationFailed):
        new_case(shop, "refund_only", quantity=1, order=order)


def test_closing_a_case_gives_the_quantity_back(shop):
    order = make_order(shop, placed_at=NOW - timedelta(days=4), quantity=1)
    case, _ = new_case(shop, order=order)
    perform(shop.organisation, case.pk, "cancel", Who.buyer())
    assert OrderLine.objects.get(order=order).qty_requested == 0
    again, created = new_case(shop, order=order)
    assert created and again.pk != case.pk


def test_partial_refund_offer_accepted_by_buyer(shop):
    case, _ = new_case(shop, "return_refund", reason_code="quality.defect")
    perform(shop.organisation, case.pk, "offer", SUPERVISOR,
            ActionInput(offer_kind="partial_refund", amount=Decimal("30.00"), offer_note="keep it, 30 back"))
    assert Case.objects.get(pk=case.pk).state == CaseState.AWAITING_BUYER_RESPONSE
    perform(shop.organisation, case.pk, "accept_offer", Who.buyer())
    case.refresh_from_db()
    assert case.state == CaseState.REFUND_IN_PROGRESS and case.route == "refund"
    assert case.approved_amount == Decimal("30.00")
    assert Refund.objects.get(case=case).amount == Decimal("30.00")
    assert Offer.objects.get(case=case).status == "accepted"


def test_coupon_offer_completes_without_money(shop):
    case, _ = new_case(shop, "complaint", reason_code="logistics.not_delivered")
    perform(shop.organisation, case.pk, "offer", SUPERVISOR, ActionInput(offer_kind="coupon", coupon_code="SORRY10"))
    perform(shop.organisation, case.pk, "accept_offer", Who.buyer())
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED and not Refund.objects.filter(case=case).exists()


def test_inspection_that_finds_an_empty_box_refuses_the_return(shop):
    case, _ = new_case(shop)
    perform(shop.organisation, case.pk, "approve", SUPERVISOR)
    perform(shop.organisation, case.pk, "ship_return", Who.buyer(), ActionInput(carrier="SF", tracking_number="SF9"))
    with pytest.raises(ValidationFailed):
        services.inspect_return(shop.organisation, case.pk, Who(actor="seller", role="warehouse"), "empty_box")
    services.inspect_return(shop.organisation, case.pk, Who(actor="seller", role="warehouse"), "empty_box",
                            note="parcel weighed 40 g, no goods inside")
    case.refresh_from_db()
    assert case.state == CaseState.RECEIPT_REJECTED
    assert "Empty box" in TimelineEvent.objects.filter(case=case, kind="transition").last().message_en


def test_first_reply_closes_the_first_reply_promise(shop):
    case, _ = new_case(shop, channel="chat")
    assert case.deadlines.filter(kind="first_reply", status="open").exists()
    services.add_message(shop.organisation, case.pk, SUPERVISOR, "很抱歉给您带来不便，我们马上为您处理。", channel="chat")
    case.refresh_from_db()
    assert case.first_replied_at == NOW
    assert case.deadlines.get(kind="first_reply").status == "met"
    with pytest.raises(ValidationFailed):
        services.add_message(shop.organisation, case.pk, SUPERVISOR, "   ")


def test_idempotency_key_returns_the_first_case_and_refuses_a_different_body(shop):
    order = make_order(shop, placed_at=NOW - timedelta(days=4), quantity=3)
    first, created = new_case(shop, order=order, key="req-1")
    again, created_again = new_case(shop, order=order, key="req-1")
    assert created and not created_again and again.pk == first.pk
    assert Case.objects.filter(order=order).count() == 1
    with pytest.raises(IdempotencyMismatch):
        new_case(shop, order=order, quantity=2, key="req-1")
    assert IdempotencyRecord.objects.filter(key="req-1").count() == 1


def test_same_platform_case_id_twice_is_one_case():
    shop = make_shop(make_org(), "douyin")
    order = make_order(shop, placed_at=NOW - timedelta(days=4), quantity=2)
    first, _ = new_case(shop, order=order, platform_case_id="AS-1", platform_status="6")
    second, created = new_case(shop, order=order, platform_case_id="AS-1", platform_status="6")
    assert not created and second.pk == first.pk


def test_bad_input_writes_nothing(shop):
    order = make_order(shop, placed_at=NOW - timedelta(days=4))
    before = (Case.objects.count(), TimelineEvent.objects.count(), OutboxMessage.objects.count())
    bad = [
        dict(case_type="teleport"),
        dict(reason_code="because"),
        dict(lines=[CaseLineIn(sku_code="NOPE", quantity=1)]),
        dict(lines=[CaseLineIn(sku_code=order.lines.first().sku_code, quantity=0)]),
        dict(requested_amount=Decimal("100000")),
        dict(channel="carrier-pigeon"),
    ]
    for override in bad:
        data = CaseIn(shop_id=shop.pk, order_external_id=order.external_id, case_type="refund_only")
        for k, v in override.items():
            setattr(data, k, v)
        with pytest.raises(ValidationFailed) as exc:
            submit_case(shop.organisation, data, Who.buyer())
        assert exc.value.fields, override
    assert (Case.objects.count(), TimelineEvent.objects.count(), OutboxMessage.objects.count()) == before
    assert OrderLine.objects.get(order=order).qty_requested == 0


def test_tenants_never_see_each_other(shop):
    case, _ = new_case(shop)
    other = make_shop(make_org(), "own_store")
    with pytest.raises(NotFound):
        perform(other.organisation, case.pk, "approve", SUPERVISOR)
    with pytest.raises(NotFound):
        services.add_message(other.organisation, case.pk, SUPERVISOR, "hello")
    with pytest.raises(ValidationFailed) as exc:   # naming another tenant's shop
        submit_case(other.organisation, CaseIn(shop_id=shop.pk, order_external_id=case.order.external_id,
                                               case_type="refund_only"), Who.buyer())
    assert "shop_id" in exc.value.fields


def test_vip_buyer_gets_priority_and_the_policy_says_so():
    shop = make_shop(make_org(), "own_store", vip_spend_threshold=Decimal("500"))
    sku = make_sku(shop, price="800.00")
    order = make_order(shop, sku=sku, placed_at=NOW - timedelta(days=4))
    vip, _ = new_case(shop, order=order)
    plain_order = make_order(shop, placed_at=NOW - timedelta(days=4))
    plain, _ = new_case(shop, order=plain_order)
    assert vip.vip and not plain.vip
    assert vip.priority > plain.priority
    assert "VIP" in TimelineEvent.objects.get(case=vip, kind="created").message_en


def test_excluded_goods_are_refused_for_no_reason_returns_with_an_explanation():
    shop = make_shop(make_org(), "own_store")
    sku = make_sku(shop, category="fresh", exclusion="perishable")
    order = make_order(shop, sku=sku, placed_at=NOW - timedelta(days=3))
    case, _ = new_case(shop, order=order)
    assert case.policy_verdict == "not_eligible"
    created = TimelineEvent.objects.get(case=case, kind="created")
    assert "perishable" in created.message_en.lower() or "fresh" in created.message_en.lower()
    assert case.state == CaseState.AWAITING_SELLER_REVIEW   # a person still decides; nothing automatic


def test_multi_line_order_case_covers_only_the_lines_asked():
    shop = make_shop(make_org(), "own_store")
    a, b = make_sku(shop, price="50.00"), make_sku(shop, price="70.00")
    order = make_order(shop, placed_at=NOW - timedelta(days=3), lines=[
        LineIn(sku_code=a.code, quantity=2, unit_price=Decimal("50.00")),
        LineIn(sku_code=b.code, quantity=1, unit_price=Decimal("70.00"))])
    case, _ = submit_case(shop.organisation, CaseIn(
        shop_id=shop.pk, order_external_id=order.external_id, case_type="refund_only",
        lines=[CaseLineIn(sku_code=a.code, quantity=1)], reason_code="quality.defect"), Who.buyer())
    assert case.requested_amount == Decimal("50.00")
    assert [(l.order_line.sku_code, l.quantity) for l in case.lines.all()] == [(a.code, 1)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_actions_on_postgres_only_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    import threading

    shop = make_shop(make_org(), "own_store", auto_approve_small_return_max=Decimal("0"))
    case, _ = new_case(shop)
    results = []

    def act(action, reason=""):
        try:
            perform(shop.organisation, case.pk, action, SUPERVISOR, ActionInput(reason=reason))
            results.append(action)
        except (NotAllowed, Conflict):
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=("approve",)), threading.Thread(target=act, args=("reject", "no"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results).count("refused") == 1
    assert TimelineEvent.objects.filter(case=case, kind="transition").count() == 1


def test_a_person_can_move_a_deadline_and_it_is_labelled_manual(shop):
    case, _ = new_case(shop)
    deadline = case.deadlines.get(kind="seller_review", on_timeout="auto_approve")
    later = deadline.due_at + timedelta(days=1)
    with pytest.raises(ValidationFailed):
        services.extend_deadline(shop.organisation, case.pk, deadline.pk, SUPERVISOR, later, reason=" ")
    with pytest.raises(ValidationFailed):
        services.extend_deadline(shop.organisation, case.pk, deadline.pk, SUPERVISOR, NOW - timedelta(hours=1), "x")
    moved = services.extend_deadline(shop.organisation, case.pk, deadline.pk, SUPERVISOR, later,
                                     reason="buyer is travelling")
    assert (moved.due_at, moved.source, moved.extended_count) == (later, "manual", 1)
    assert "buyer is travelling" in moved.note
    assert Case.objects.get(pk=case.pk).next_due_at <= later


def test_assigning_only_to_members_of_the_same_organisation(shop, django_user_model):
    from aftersales.accounts.models import Membership

    case, _ = new_case(shop)
    agent = django_user_model.objects.create_user("agent-a")
    outsider = django_user_model.objects.create_user("outsider")
    Membership.objects.create(user=agent, organisation=shop.organisation, role="agent")
    with pytest.raises(ValidationFailed):
        services.assign_case(shop.organisation, case.pk, SUPERVISOR, outsider)
    services.assign_case(shop.organisation, case.pk, SUPERVISOR, agent)
    assert Case.objects.get(pk=case.pk).assignee == agent


def test_policy_is_judged_as_of_the_request_not_the_import(shop):
    """A request made on day 5 after delivery and imported a week later is still within 7 days."""
    order = make_order(shop, placed_at=NOW - timedelta(days=16), delivered_days_after=2)   # delivered 14 days ago
    requested = NOW - timedelta(days=9)                                                  # day 5 after delivery
    case, _ = submit_case(shop.organisation, CaseIn(
        shop_id=shop.pk, order_external_id=order.external_id, case_type="return_refund",
        reason_code="no_reason.unwanted", created_at=requested), Who.platform())
    assert case.policy_verdict == "eligible", case.policy_result
    late, _ = submit_case(shop.organisation, CaseIn(
        shop_id=shop.pk, order_external_id=make_order(shop, placed_at=NOW - timedelta(days=16)).external_id,
        case_type="return_refund", reason_code="no_reason.unwanted"), Who.platform())
    assert late.policy_verdict == "not_eligible"
