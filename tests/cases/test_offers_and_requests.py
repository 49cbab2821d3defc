"""Several options offered at once and the buyer's choice; the steps that move no main state
(asking for evidence, escalating to the platform, internal notes); who may write to buyers, and
where a reply goes; the reasons a rejection can give."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import time_machine

from aftersales.cases import requests, services
from aftersales.cases.intake import CaseIn, submit_case
from aftersales.cases.models import Case, Offer, TimelineEvent
from aftersales.cases.offers import OfferOption
from aftersales.cases.permissions import Who, allowed_actions_for, desk_steps_for
from aftersales.cases.services import ActionInput, perform
from aftersales.errors import Conflict, NotAllowed, PermissionDenied, ValidationFailed
from aftersales.notify.models import OutboxMessage
from aftersales.notify.outbox import reply_recipient
from tests.factories import make_order, make_org, make_shop

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
SUPERVISOR = Who(actor="seller", role="supervisor")
AGENT = Who(actor="seller", role="agent")
WAREHOUSE = Who(actor="seller", role="warehouse")
FINANCE = Who(actor="seller", role="finance")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def org():
    return make_org()


def new_case(org, platform="own_store", case_type="return_refund", channel="api", **kw):
    shop = make_shop(org, platform, auto_approve_small_return_max=Decimal("0"), auto_approve_unshipped_refund=False)
    order = make_order(shop, placed_at=NOW - timedelta(days=4), price="200.00")
    case, _ = submit_case(org, CaseIn(shop_id=shop.pk, order_external_id=order.external_id, case_type=case_type,
                                      reason_code=kw.pop("reason_code", "quality.defect"), channel=channel, **kw),
                          Who.buyer())
    return case


# ---------------------------------------------------------------------------------------------
# Offers

def offer_two(org, case):
    return perform(org, case.pk, "offer", AGENT, ActionInput(offer_options=[
        OfferOption("partial_refund", Decimal("60.00"), "keep it"), OfferOption("exchange", note="a new one")]))


def test_several_options_are_proposed_together_and_the_buyer_picks_one_by_id(org):
    case = new_case(org)
    offer_two(org, case)
    partial, exchange = Offer.objects.filter(case=case).order_by("id")
    assert (partial.status, exchange.status) == ("proposed", "proposed")
    event = TimelineEvent.objects.get(case=case, action="offer")
    assert "部分退款 60.00 CNY" in event.message_zh and "Exchange (a new one)" in event.message_en

    perform(org, case.pk, "accept_offer", Who.buyer(), ActionInput(offer_id=exchange.pk))
    case.refresh_from_db()
    assert (case.state, case.route, case.approved_amount) == ("awaiting_buyer_return", "return_ship", None)
    assert [o.status for o in Offer.objects.filter(case=case).order_by("id")] == ["declined", "accepted"]
    assert "Chosen: Exchange" in TimelineEvent.objects.get(case=case, action="accept_offer").message_en


def test_without_an_id_the_latest_option_is_accepted_as_before(org):
    case = new_case(org)
    offer_two(org, case)
    perform(org, case.pk, "accept_offer", Who.buyer())
    assert Offer.objects.get(case=case, status="accepted").kind == "exchange"


def test_choosing_the_partial_refund_commits_that_amount(org):
    case = new_case(org)
    offer_two(org, case)
    partial = Offer.objects.get(case=case, kind="partial_refund")
    perform(org, case.pk, "accept_offer", AGENT, ActionInput(offer_id=partial.pk))
    case.refresh_from_db()
    assert (case.state, case.approved_amount) == ("refund_in_progress", Decimal("60.00"))
    assert case.refunds.get().amount == Decimal("60.00")


def test_an_offer_id_of_another_case_or_an_answered_offer_is_refused(org):
    case, other = new_case(org), new_case(org)
    offer_two(org, case)
    offer_two(org, other)
    foreign = Offer.objects.filter(case=other).first()
    with pytest.raises(NotAllowed):
        perform(org, case.pk, "accept_offer", Who.buyer(), ActionInput(offer_id=foreign.pk))
    assert Case.objects.get(pk=case.pk).state == "awaiting_buyer_response"


def test_declining_declines_every_option_and_a_new_offer_withdraws_the_old(org):
    case = new_case(org)
    offer_two(org, case)
    perform(org, case.pk, "decline_offer", Who.buyer())
    assert set(Offer.objects.filter(case=case).values_list("status", flat=True)) == {"declined"}
    offer_two(org, case)
    perform(org, case.pk, "decline_offer", Who.buyer())
    perform(org, case.pk, "offer", SUPERVISOR, ActionInput(offer_kind="reship"))
    assert list(Offer.objects.filter(case=case, status="proposed").values_list("kind", flat=True)) == ["reship"]


@pytest.mark.parametrize("options, field", [
    pytest.param([], "offer_options", id="none"),
    pytest.param([OfferOption("castle")], "offer_options", id="unknown-kind"),
    pytest.param([OfferOption("partial_refund")], "amount", id="partial-without-amount"),
    pytest.param([OfferOption("partial_refund", Decimal("999"))], "amount", id="partial-above-request"),
    pytest.param([OfferOption("refund", Decimal("-1"))], "amount", id="negative"),
    pytest.param([OfferOption("coupon", Decimal("1"))] * 7, "offer_options", id="too-many"),
])
def test_bad_options_write_nothing(org, options, field):
    case = new_case(org)
    with pytest.raises(ValidationFailed) as exc:
        perform(org, case.pk, "offer", AGENT, ActionInput(offer_options=options, offer_kind="" if options else "x"))
    assert field in exc.value.fields or "offer_kind" in exc.value.fields
    assert not Offer.objects.exists() and Case.objects.get(pk=case.pk).state == "awaiting_seller_review"


def test_a_coupon_above_the_agents_limit_needs_a_supervisor(org):
    case = new_case(org)                  # the shop's limit for agents: 50 (the default)
    with pytest.raises(PermissionDenied):
        perform(org, case.pk, "offer", AGENT, ActionInput(offer_options=[OfferOption("coupon", Decimal("80"))]))
    perform(org, case.pk, "offer", SUPERVISOR, ActionInput(offer_options=[OfferOption("coupon", Decimal("80"))]))
    assert Offer.objects.get(case=case).amount == Decimal("80")


def test_a_return_approved_for_less_is_refunded_at_that_amount(org):
    """An agent with a limit approves a return for what the limit allows; the warehouse's
    confirmation later does not raise the refund back to the requested amount."""
    case = new_case(org)
    limited = Who(actor="seller", role="agent", approval_limit=Decimal("100"))
    with pytest.raises(PermissionDenied):
        perform(org, case.pk, "approve", limited)
    perform(org, case.pk, "approve", limited, ActionInput(amount=Decimal("90")))
    perform(org, case.pk, "ship_return", Who.buyer(), ActionInput(carrier="SF", tracking_number="SF1"))
    services.inspect_return(org, case.pk, WAREHOUSE, "ok")
    case.refresh_from_db()
    assert (case.state, case.refunds.get().amount) == ("refund_in_progress", Decimal("90.00"))


# ---------------------------------------------------------------------------------------------
# Rejection reasons

def test_a_common_reason_is_written_in_both_languages_with_the_note(org):
    case = new_case(org)
    perform(org, case.pk, "reject", AGENT, ActionInput(reason_code="no_evidence", reason="请补充照片"))
    event = TimelineEvent.objects.get(case=case, action="reject")
    assert event.message_zh.endswith("原因：未提供能说明问题的照片或视频。请补充照片")
    assert event.message_en.endswith("Reason: No photo or video shows the problem. 请补充照片")
    with pytest.raises(ValidationFailed) as exc:
        perform(org, new_case(org).pk, "reject", AGENT, ActionInput(reason_code="because"))
    assert "reason_code" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        perform(org, new_case(org).pk, "reject", AGENT, ActionInput(reason_code="other"))
    assert "reason" in exc.value.fields


# ---------------------------------------------------------------------------------------------
# Steps beside the lifecycle

def test_asking_for_evidence_writes_a_buyer_visible_event_and_an_outbox_row(org):
    case = new_case(org, channel="email")
    version = case.version
    requests.request_evidence(org, case.pk, AGENT, ["label_photo", "package_photo", "label_photo"], "谢谢")
    event = TimelineEvent.objects.get(case=case, kind="evidence.requested")
    assert event.visible_to_buyer and event.data == {"kinds": ["label_photo", "package_photo"], "note": "谢谢"}
    row = OutboxMessage.objects.get(case=case, topic="buyer.evidence_requested")
    assert (row.channel, row.recipient) == ("email", case.buyer.email)
    case.refresh_from_db()
    assert (case.state, case.version) == ("awaiting_seller_review", version)


@pytest.mark.parametrize("kinds, who, error", [
    pytest.param([], AGENT, ValidationFailed, id="nothing-asked"),
    pytest.param(["selfie"], AGENT, ValidationFailed, id="unknown-kind"),
    pytest.param(["video"], WAREHOUSE, PermissionDenied, id="warehouse"),
    pytest.param(["video"], FINANCE, PermissionDenied, id="finance"),
])
def test_asking_for_evidence_refusals(org, kinds, who, error):
    case = new_case(org)
    with pytest.raises(error):
        requests.request_evidence(org, case.pk, who, kinds)
    assert not TimelineEvent.objects.filter(kind="evidence.requested").exists()


def test_a_finished_case_is_not_asked_for_evidence(org):
    case = new_case(org)
    perform(org, case.pk, "cancel", Who.buyer())
    with pytest.raises(NotAllowed):
        requests.request_evidence(org, case.pk, AGENT, ["video"])


def test_escalating_sets_the_arbitration_state_once_and_tells_the_platform(org):
    case = new_case(org, "douyin")
    with pytest.raises(Conflict):
        requests.escalate(org, case.pk, AGENT, "photos do not match", expected_version=case.version + 1)
    escalated = requests.escalate(org, case.pk, AGENT, "photos do not match", expected_version=case.version)
    assert (escalated.arbitration_state, escalated.state, escalated.version) == (
        "requested", "awaiting_seller_review", case.version + 1)
    row = OutboxMessage.objects.get(case=case, topic="platform.escalate")
    assert (row.channel, row.payload["note"]) == ("platform", "photos do not match")
    assert TimelineEvent.objects.get(case=case, kind="escalated").visible_to_buyer
    assert "escalate" not in desk_steps_for(escalated, "agent")
    with pytest.raises(NotAllowed):
        requests.escalate(org, case.pk, AGENT, "again")
    with pytest.raises(ValidationFailed):
        requests.escalate(org, new_case(org, "douyin").pk, AGENT, "  ")


def test_an_own_store_has_no_platform_to_escalate_to(org):
    case = new_case(org)
    assert "escalate" not in desk_steps_for(case, "agent")
    with pytest.raises(NotAllowed):
        requests.escalate(org, case.pk, SUPERVISOR, "help")
    assert Case.objects.get(pk=case.pk).arbitration_state == "none"


def test_a_note_is_internal_and_anyone_in_the_team_may_write_one(org):
    case = new_case(org)
    perform(org, case.pk, "cancel", Who.buyer())                          # finished cases take notes too
    for who in (AGENT, WAREHOUSE, FINANCE):
        requests.add_note(org, case.pk, who, "called the buyer")
    notes = TimelineEvent.objects.filter(case=case, kind="note")
    assert notes.count() == 3 and not notes.filter(visible_to_buyer=True).exists()
    with pytest.raises(ValidationFailed):
        requests.add_note(org, case.pk, AGENT, "")


# ---------------------------------------------------------------------------------------------
# Replies and the desk's permissions

@pytest.mark.parametrize("platform, channel, expected", [
    pytest.param("douyin", "chat", "platform", id="marketplace-chat-back-to-the-chat"),
    pytest.param("douyin", "platform", "platform", id="marketplace-case-to-the-platform"),
    pytest.param("own_store", "email", "email", id="email-by-email"),
    pytest.param("own_store", "chat", "email", id="own-store-chat-falls-back-to-the-address"),
])
def test_a_reply_goes_back_the_way_the_case_came(org, platform, channel, expected):
    case = new_case(org, platform, channel=channel)
    services.add_message(org, case.pk, AGENT, "您好", channel=channel)
    row = OutboxMessage.objects.get(case=case, topic="buyer.message")
    assert row.channel == expected and row.payload["body"] == "您好"
    assert reply_recipient(case)[0] == expected


def test_the_warehouse_and_finance_do_not_write_to_buyers(org):
    case = new_case(org)
    for who in (WAREHOUSE, FINANCE):
        with pytest.raises(PermissionDenied):
            services.add_message(org, case.pk, who, "hello")
    services.add_message(org, case.pk, Who.buyer(), "hello from the buyer")   # buyers are not roles


@pytest.mark.parametrize("role, state, expected", [
    pytest.param("agent", "awaiting_seller_review", {"approve", "reject", "offer", "convert_to_refund"}, id="agent"),
    pytest.param("warehouse", "awaiting_seller_review", set(), id="warehouse-review"),
    pytest.param("warehouse", "awaiting_receipt_review", {"confirm_receipt", "reject_receipt", "inspect"},
                 id="warehouse-inspects"),
    pytest.param("finance", "awaiting_seller_review", set(), id="finance"),
])
def test_allowed_actions_for_a_role(org, role, state, expected):
    case = new_case(org)
    Case.objects.filter(pk=case.pk).update(state=state)
    case.refresh_from_db()
    assert set(allowed_actions_for(case, role)) == expected
