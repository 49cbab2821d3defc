"""Use cases of the after-sales core.  Each is one transaction that writes the change, its
timeline event and its outbox rows together; the API, the CLI, the sweep and the pages all call
these functions (STYLE habit 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.db.models import F

from aftersales import clock
from aftersales.cases import ledger, offers, timers
from aftersales.cases.explain import REJECT_REASONS, created_text, transition_text
from aftersales.cases.models import (
    OFFER_ROUTES, Case, CaseLine, FollowUp, Inspection, InspectionOutcome, Message, Refund, ReturnShipment,
    TimelineEvent,
)
from aftersales.cases.permissions import Who, check_action, check_assign, check_desk, check_pay
from aftersales.cases.scoring import evaluate_case, gate_hold, rescore, run_case_created, shop_policy
from aftersales.cases.signals import send_after_commit
from aftersales.domain import lifecycle as lc
from aftersales.domain import refund_arrival
from aftersales.domain.policies import decide
from aftersales.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from aftersales.notify.outbox import buyer_recipient, enqueue, reply_recipient

S, A = lc.CaseState, lc.Action


def record(case: Case, kind: str, who: Who, now: datetime, *, zh: str, en: str, action: str = "",
           before: str = "", after: str = "", data: dict | None = None, buyer_visible: bool = True) -> TimelineEvent:
    return TimelineEvent.objects.create(
        case=case, kind=kind, actor=who.actor, actor_user=who.user if who.user is not None else None,
        action=action, state_before=before, state_after=after, message_zh=zh, message_en=en,
        data=data or {}, visible_to_buyer=buyer_visible, created_at=now)


def get_case(organisation, case_id: int, *, lock: bool = False) -> Case:
    qs = Case.objects.select_related("shop", "buyer", "order")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(organisation=organisation, pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"case {case_id} not found", message_zh=f"未找到售后单 {case_id}") from None


# ---------------------------------------------------------------------------------------------
# Creating a case

@dataclass
class NewCase:
    shop: object
    buyer: object
    case_type: str
    lines: list[tuple[object, int]]                 # (OrderLine, quantity)
    order: object | None = None
    reason_code: str = "other"
    reason_text: str = ""
    channel: str = "api"
    requested_amount: Decimal | None = None         # default: the lines' paid share
    urgent: bool = False
    problem_type: str = ""
    platform_case_id: str = ""
    platform_status_raw: str = ""
    platform_type_raw: str = ""
    platform_payload: dict = field(default_factory=dict)
    platform_due_at: datetime | None = None
    state: str = S.AWAITING_SELLER_REVIEW           # imports from a platform may start further along
    created_at: datetime | None = None


def create_case(organisation, new: NewCase, who: Who, *, auto_decide: bool = True) -> Case:
    now = clock.now()
    created_at = new.created_at or now
    if not new.lines:
        raise ValidationFailed.field("lines", "a case needs at least one order line")
    try:
        case_type = lc.CaseType(new.case_type)
    except ValueError:
        raise ValidationFailed.field("case_type", f"unknown case type {new.case_type!r}") from None
    amount = new.requested_amount
    if amount is None:
        amount = sum((ledger.line_share(line, qty) for line, qty in new.lines), Decimal("0"))
    if amount < 0:
        raise ValidationFailed.field("requested_amount", "must not be negative")
    state = lc.CaseState(new.state)
    with transaction.atomic():
        case = Case.objects.create(
            organisation=organisation, shop=new.shop, buyer=new.buyer, order=new.order,
            platform=new.shop.platform, platform_case_id=new.platform_case_id, case_type=case_type,
            route=lc.route_for(case_type), reason_code=new.reason_code or "other", reason_text=new.reason_text,
            problem_type=new.problem_type, channel=new.channel, state=state, is_open=not state.is_terminal,
            platform_status_raw=new.platform_status_raw, platform_type_raw=new.platform_type_raw,
            platform_payload=new.platform_payload, currency=new.shop.currency, requested_amount=amount,
            urgent=new.urgent, created_at=created_at, updated_at=now,
            closed_at=created_at if state.is_terminal else None,
        )
        CaseLine.objects.bulk_create([
            CaseLine(case=case, order_line=line, quantity=qty, amount=ledger.line_share(line, qty))
            for line, qty in new.lines])
        if not state.is_terminal:
            ledger.reserve(case)
        evaluation = evaluate_case(case)
        type(new.buyer).objects.filter(pk=new.buyer.pk).update(case_count=F("case_count") + 1)
        zh, en = created_text(case_type, amount, case.currency, evaluation)
        record(case, "created", who, now, after=state, zh=zh, en=en, data={"policy": case.policy_result})
        if not state.is_terminal:
            timers.open_step(case, state, now, new.platform_due_at)
            if new.channel not in ("platform", "import"):
                timers.open_first_reply(case, now)
            channel, to = buyer_recipient(case.buyer)
            enqueue(case, "buyer.case_received", channel, {"case": case.pk, "state": state}, now, to)
            enqueue(case, "team.case_new", "team", {"case": case.pk, "urgent": case.urgent}, now)
        rescore(case, now)
        run_case_created(case, now)
        if auto_decide and state == S.AWAITING_SELLER_REVIEW:
            _auto_decide(case, evaluation, now)
    case.refresh_from_db()
    return case


def _auto_decide(case: Case, evaluation, now: datetime) -> None:
    facts = evaluation.facts
    decision = decide(facts, evaluation.result, shop_policy(case.shop))
    if not decision.approve:
        record(case, "policy.manual", Who.system(), now, buyer_visible=False,
               zh=f"转人工处理：{decision.zh}", en=f"Left to a person: {decision.en}",
               data={"rule": decision.rule})
        return
    if case.profile.refusal(lc.CaseType(case.case_type), A.APPROVE):
        return
    held = gate_hold(case, "auto_approve", now)
    if held:
        record(case, "policy.held", Who.system(), now, buyer_visible=False, zh=f"暂不自动同意：{held[0]}",
               en=f"Not approved automatically: {held[1]}", data={"rule": decision.rule})
        return
    _apply(case, A.APPROVE, Who.system(), now, reason="", explanation=(decision.zh, decision.en),
           data={"rule": decision.rule})


# ---------------------------------------------------------------------------------------------
# Acting on a case

@dataclass
class ActionInput:
    reason: str = ""
    reason_code: str = ""                  # reject / reject_receipt: one of explain.REJECT_REASONS (+ `reason` as note)
    amount: Decimal | None = None          # approve / convert: the refund amount (default: requested)
    carrier: str = ""                      # ship_return / ship_to_buyer
    tracking_number: str = ""
    offer_kind: str = ""                   # offer: one option ...
    offer_note: str = ""
    coupon_code: str = ""
    repair_by: str = ""
    offer_options: list = field(default_factory=list)   # ... or several (offers.OfferOption) for the buyer to choose
    offer_id: int | None = None            # accept_offer / decline_offer: which one (default: the latest)
    expected_version: int | None = None    # the caller's view of the case; a stale one is a Conflict


def perform(organisation, case_id: int, action: str, who: Who, data: ActionInput | None = None) -> Case:
    """Take `action` on a case: the one entry point for agents, buyers, the API and the CLI."""
    data = data or ActionInput()
    try:
        action = A(action)
    except ValueError:
        raise ValidationFailed.field("action", f"unknown action {action!r}") from None
    now = clock.now()
    with transaction.atomic():
        case = get_case(organisation, case_id, lock=True)
        if data.expected_version is not None and data.expected_version != case.version:
            raise Conflict(f"case {case.number} changed since you loaded it (version {case.version})",
                           message_zh="售后单已被他人更新，请刷新后重试")
        _apply(case, action, who, now, reason=data.reason, inputs=data)
    case.refresh_from_db()
    return case


def _reason(case: Case, inputs: ActionInput, reason: str) -> tuple[str, tuple[str, str] | str]:
    """(the reason for the platform and the checks, the reason for the timeline: (zh, en) when a
    common reason was picked from explain.REJECT_REASONS, with the note after it)."""
    code = inputs.reason_code
    if not code:
        return reason, reason
    if code not in REJECT_REASONS:
        raise ValidationFailed.field("reason_code", f"one of {', '.join(REJECT_REASONS)}")
    zh, en = REJECT_REASONS[code]
    note = reason.strip()
    if code == "other" and not note:
        raise ValidationFailed.field("reason", "say why (the buyer and the platform will see it)")
    both = (f"{zh}。{note}" if note else zh, f"{en}. {note}" if note else en)
    return (both[0] if case.shop.region == "CN" else both[1]), both


def _apply(case: Case, action: lc.Action, who: Who, now: datetime, *, reason: str = "",
           inputs: ActionInput | None = None, explanation: tuple[str, str] | None = None,
           data: dict | None = None) -> lc.Move:
    inputs = inputs or ActionInput()
    refusal = case.profile.refusal(lc.CaseType(case.case_type), action)
    if refusal and who.actor != lc.Actor.PLATFORM:
        raise NotAllowed(refusal)
    offer = None
    if action in (A.ACCEPT_OFFER, A.DECLINE_OFFER) and case.state == S.AWAITING_BUYER_RESPONSE:
        offer = offers.chosen(case, inputs.offer_id)
        if action == A.ACCEPT_OFFER:
            case.route = OFFER_ROUTES[offer.kind]
            if offer.amount is not None and offer.kind in offers.REFUND_KINDS:
                case.approved_amount = offer.amount
    try:
        move = lc.transition(case.state, action, who.actor, case.route)
    except lc.IllegalTransition as exc:
        raise NotAllowed(str(exc), message_zh="当前状态下不能执行此操作") from None
    reason, timeline_reason = _reason(case, inputs, reason)
    # (a refusal the platform reports was explained there, in the platform's own back office)
    if move.needs_reason and not reason.strip() and who.actor != lc.Actor.PLATFORM:
        raise ValidationFailed.field("reason", "say why (the buyer and the platform will see it)")
    amount = inputs.amount if inputs.amount is not None else (case.approved_amount or case.requested_amount)
    if amount is not None and (amount < 0 or amount > case.requested_amount and action != A.OFFER):
        raise ValidationFailed.field("amount", f"must be between 0 and the requested {case.requested_amount}")
    # Approving a money case commits the refund, even when the goods must come back first.
    commits_money = move.target == S.REFUND_IN_PROGRESS or (
        action in (A.APPROVE, A.ACCEPT_OFFER) and lc.Route(case.route) in (lc.Route.REFUND, lc.Route.RETURN_THEN_REFUND))
    check_action(who, action, amount if commits_money else None)
    if commits_money:
        # What was approved is what is paid later: a return approved for less stays at that amount
        # when the goods arrive (the warehouse's confirmation does not raise it back).
        case.approved_amount = amount
    described = _before_move(case, move, inputs, who, now, amount, offer)
    if described:
        explanation = (f"{described[0]} {explanation[0]}", f"{described[1]} {explanation[1]}") if explanation \
            else described

    changes = {"state": move.target, "is_open": not move.target.is_terminal, "updated_at": now,
               "version": F("version") + 1, "route": case.route, "approved_amount": case.approved_amount,
               "return_state": case.return_state, "refund_state": case.refund_state}
    if move.close_reason:
        changes["close_reason"] = move.close_reason
    if move.target.is_terminal:
        changes["closed_at"] = now
    # Compare-and-set: a webhook, an agent and the sweep acting at once cannot both win.
    won = Case.objects.filter(pk=case.pk, state=case.state, version=case.version).update(**changes)
    if won != 1:
        raise Conflict(f"case {case.number} was changed by someone else; reload and retry",
                       message_zh="售后单已被他人更新，请刷新后重试")
    case.refresh_from_db()

    timers.close_step(case, move.source, now)
    zh, en = transition_text(move, timeline_reason)
    if explanation:
        zh, en = f"{zh} {explanation[0]}", f"{en} {explanation[1]}"
    shipped = ({"carrier": inputs.carrier or "unknown", "tracking_number": inputs.tracking_number.strip()}
               if action in (A.SHIP_RETURN, A.SHIP_TO_BUYER) and inputs.tracking_number.strip() else {})
    event = record(case, "transition", who, now, zh=zh, en=en, action=action, before=move.source,
                   after=move.target, data={**(data or {}), **({"reason": reason} if reason else {}),
                                            **({"reason_code": inputs.reason_code} if inputs.reason_code else {}),
                                            **shipped})
    _after_move(case, move, who, now)
    if not move.target.is_terminal:
        timers.open_step(case, move.target, now)
    else:
        timers.close_all(case, now)
    channel, to = buyer_recipient(case.buyer)
    # The event names the step's details (a reason, a tracking number) for the buyer's message.
    enqueue(case, "buyer.case_updated", channel,
            {"case": case.pk, "state": move.target, "action": action, "event": event.pk}, now, to)
    if case.profile.acts_on_platform and who.actor in (lc.Actor.SELLER, lc.Actor.SYSTEM):
        # Tell the marketplace what we decided; the connector delivers it from the outbox.
        enqueue(case, f"platform.{action}", "platform",
                {"case": case.pk, "platform_case_id": case.platform_case_id, "reason": reason,
                 **({"reason_code": inputs.reason_code} if inputs.reason_code else {}),
                 "amount": str(case.approved_amount or ""), **shipped}, now)
    rescore(case, now)
    return move


def _before_move(case: Case, move: lc.Move, inputs: ActionInput, who: Who, now: datetime, amount,
                 offer=None) -> tuple[str, str] | None:
    """Resolution rows and sub-states that go with the move (not yet saved on the case row); for
    offers, the (zh, en) words of what was offered or chosen."""
    described = None
    if move.action == A.OFFER:
        options = offers.options_of(inputs)
        offers.check(case, options, who, field="offer_options" if inputs.offer_options else "offer_kind")
        described = offers.propose(case, options, now)
    elif move.action in (A.ACCEPT_OFFER, A.DECLINE_OFFER):
        described = offers.answer(case, move.action, offer, now)
    elif move.action == A.SHIP_RETURN and not inputs.tracking_number.strip() and who.actor == lc.Actor.PLATFORM:
        # The platform says the parcel is on its way without telling us its number (yet).
        case.return_state = lc.ReturnState.IN_TRANSIT
    elif move.action == A.SHIP_RETURN:
        if not inputs.tracking_number.strip():
            raise ValidationFailed.field("tracking_number", "the return's tracking number is needed")
        ReturnShipment.objects.create(case=case, carrier=inputs.carrier or "unknown",
                                      tracking_number=inputs.tracking_number.strip(),
                                      paid_by=(case.policy_result or {}).get("return_shipping_payer", "buyer"),
                                      shipped_at=now)
        case.return_state = lc.ReturnState.IN_TRANSIT
    elif move.action == A.SHIP_TO_BUYER and not inputs.tracking_number.strip() and who.actor != lc.Actor.PLATFORM:
        raise ValidationFailed.field("tracking_number", "the shipment's tracking number is needed")
    elif move.action == A.CONFIRM_RECEIPT:
        case.return_state = lc.ReturnState.INSPECTED
    if move.target == S.REFUND_IN_PROGRESS:
        case.approved_amount = amount
    if move.target == S.AWAITING_BUYER_RETURN:
        case.return_state = lc.ReturnState.AWAITING_SHIPMENT
    if move.target == S.REFUND_IN_PROGRESS:
        case.refund_state = lc.RefundState.APPROVED
    return described


def _after_move(case: Case, move: lc.Move, who: Who, now: datetime) -> None:
    if move.target == S.REFUND_IN_PROGRESS:
        Refund.objects.create(case=case, amount=case.approved_amount, currency=case.currency,
                              method="platform" if not case.profile.executes_timeouts else "original",
                              approved_by=who.user, approved_at=now,
                              expected_from=now, expected_to=now + timedelta(days=case.shop.refund_within_days or 3))
    if move.action == A.SHIP_TO_BUYER:
        ledger.settle_exchange(case)
        ledger.consume_exchange_stock(case)
    elif move.action == A.CONVERT_TO_REFUND or move.target in (S.CLOSED, S.COMPLETED):
        ledger.return_exchange_stock(case)
    if move.action == A.REFUND_SUCCEEDED:
        Refund.objects.filter(case=case, status__in=[lc.RefundState.APPROVED, lc.RefundState.PROCESSING]).update(
            status=lc.RefundState.SUCCEEDED, succeeded_at=now)
        Case.objects.filter(pk=case.pk).update(refund_state=lc.RefundState.SUCCEEDED)
        ledger.settle_refund(case)
        type(case.buyer).objects.filter(pk=case.buyer_id).update(refund_count=F("refund_count") + 1)
    if move.target == S.CLOSED:
        ledger.release(case)
    if move.target == S.COMPLETED:
        ledger.release(case)
        FollowUp.objects.create(case=case, due_at=now + timedelta(days=case.shop.followup_days or 3))


# ---------------------------------------------------------------------------------------------
# Money: paying an approved refund

def check_version(case: Case, expected: int | None) -> None:
    if expected is not None and expected != case.version:
        raise Conflict(f"case {case.number} changed since you loaded it (version {case.version})",
                       message_zh="售后单已被他人更新，请刷新后重试")


def pay_refund(organisation, case_id: int, who: Who, *, external_id: str = "",
               expected_version: int | None = None) -> Case:
    """Send an approved refund (finance / owner).  Marketplaces pay themselves once approved, so
    there this only records that the platform was asked; own stores mark the payment made."""
    check_pay(who)
    now = clock.now()
    with transaction.atomic():
        case = get_case(organisation, case_id, lock=True)
        check_version(case, expected_version)
        held = gate_hold(case, "pay_refund", now)
        if held:
            raise NotAllowed(f"the refund is on hold: {held[1]}", message_zh=f"退款暂缓：{held[0]}")
        updated = Refund.objects.filter(case=case, status=lc.RefundState.APPROVED).update(
            status=lc.RefundState.PROCESSING, paid_by=who.user, paid_at=now, external_id=external_id)
        if not updated:
            raise NotAllowed("there is no approved refund waiting to be paid", message_zh="没有待打款的退款")
        Case.objects.filter(pk=case.pk).update(refund_state=lc.RefundState.PROCESSING, version=F("version") + 1,
                                               updated_at=now)
        # When it should arrive depends on how the buyer paid (domain/refund_arrival.py).
        method = case.order.payment_method if case.order_id else ""
        first, last = refund_arrival.window(now, method, case.shop.calendar, case.shop.time_zone)
        Refund.objects.filter(case=case, status=lc.RefundState.PROCESSING, paid_at=now).update(
            expected_from=first, expected_to=last)
        record(case, "refund.paid", who, now, zh="退款已打款，等待到账。", en="Refund sent; waiting for it to arrive.",
               data={"expected_from": first.isoformat(), "expected_to": last.isoformat(), "method": method})
        enqueue(case, "payment.refund", "platform" if case.profile.acts_on_platform else "payment",
                {"case": case.pk, "amount": str(case.approved_amount), "currency": case.currency}, now)
        channel, to = buyer_recipient(case.buyer)
        enqueue(case, "buyer.refund_sent", channel, {"case": case.pk, "amount": str(case.approved_amount),
                                                      "currency": case.currency, "method": method,
                                                      "expected_from": first.isoformat(),
                                                      "expected_to": last.isoformat()}, now, to)
    case.refresh_from_db()
    return case


def confirm_refund(organisation, case_id: int, who: Who, *, expected_version: int | None = None) -> Case:
    """The money arrived (payment callback, platform message, or finance confirming by hand).
    Only the platform may report a refund it paid without our paying step."""
    now = clock.now()
    with transaction.atomic():
        case = get_case(organisation, case_id, lock=True)
        check_version(case, expected_version)
        if who.actor != lc.Actor.PLATFORM and not Refund.objects.filter(
                case=case, status=lc.RefundState.PROCESSING).exists():
            raise NotAllowed("the refund has not been paid yet: pay it first", message_zh="退款尚未打款，请先打款")
        actor_who = who if who.actor in (lc.Actor.SYSTEM, lc.Actor.PLATFORM) else Who(lc.Actor.SYSTEM, who.user)
        if who.actor == lc.Actor.SELLER:
            check_pay(who)
        _apply(case, A.REFUND_SUCCEEDED, actor_who, now)
    case.refresh_from_db()
    return case


# ---------------------------------------------------------------------------------------------
# Conversation, inspection, follow-up, rating

def add_message(organisation, case_id: int, who: Who, body: str, channel: str = "api",
                external_id: str = "") -> Message:
    body = (body or "").strip()
    if not body:
        raise ValidationFailed.field("body", "a message cannot be empty")
    check_desk(who, "reply")
    now = clock.now()
    with transaction.atomic():
        case = get_case(organisation, case_id, lock=True)
        if external_id and Message.objects.filter(case=case, external_id=external_id).exists():
            return Message.objects.get(case=case, external_id=external_id)
        msg = Message.objects.create(case=case, channel=channel, author=who.actor, author_user=who.user,
                                     body=body, external_id=external_id, created_at=now)
        if who.actor == lc.Actor.SELLER and case.first_replied_at is None:
            Case.objects.filter(pk=case.pk).update(first_replied_at=now)
            timers.close_first_reply(case, now)
            rescore(case, now)
        record(case, "message", who, now, zh=f"新消息：{body[:80]}", en=f"New message: {body[:80]}",
               data={"message": msg.pk})
        if who.actor == lc.Actor.SELLER:
            # Back the way the case came in where we can reach the buyer there; the body travels
            # with the row so that the sender needs nothing else.
            ch, to = reply_recipient(case)
            enqueue(case, "buyer.message", ch, {"case": case.pk, "message": msg.pk, "body": body}, now, to)
        send_after_commit("message", case.organisation_id, [case.pk], messages=[msg.pk], author=who.actor)
    return msg


def inspect_return(organisation, case_id: int, who: Who, outcome: str, note: str = "",
                   quantity_ok: int | None = None, quantity_damaged: int = 0,
                   expected_version: int | None = None) -> Case:
    """The warehouse records what came back; a clean return confirms receipt, anything else refuses it."""
    try:
        outcome = InspectionOutcome(outcome)
    except ValueError:
        raise ValidationFailed.field("outcome", f"one of {', '.join(InspectionOutcome.values)}") from None
    if outcome != InspectionOutcome.OK and not note.strip():
        raise ValidationFailed.field("note", "describe what was found")
    now = clock.now()
    with transaction.atomic():
        case = get_case(organisation, case_id, lock=True)
        check_version(case, expected_version)
        total = sum(cl.quantity for cl in case.lines.all())
        ok = total if quantity_ok is None and outcome == InspectionOutcome.OK else (quantity_ok or 0)
        Inspection.objects.create(case=case, outcome=outcome, quantity_ok=ok, quantity_damaged=quantity_damaged,
                                  note=note, inspected_by=who.user, created_at=now)
        ledger.record_receipt(case, ok, quantity_damaged)
        if outcome == InspectionOutcome.OK:
            _apply(case, A.CONFIRM_RECEIPT, who, now)
        else:
            with translation.override("zh-hans"):
                zh = str(outcome.label)
            with translation.override("en"):
                en = str(outcome.label)
            _apply(case, A.REJECT_RECEIPT, who, now, reason=note,
                   explanation=(f"验货结果：{zh}。", f"Inspection found: {en}."))
        send_after_commit("inspection", case.organisation_id, [case.pk], outcome=str(outcome))
    case.refresh_from_db()
    return case


def rate_case(organisation, case_id: int, score: int, comment: str = "") -> Case:
    from aftersales.cases.models import Rating

    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationFailed.field("score", "a whole number from 1 to 5")
    now = clock.now()
    with transaction.atomic():
        case = get_case(organisation, case_id, lock=True)
        if case.state != S.COMPLETED and case.state != S.CLOSED:
            raise NotAllowed("a case can be rated once it is finished")
        if Rating.objects.filter(case=case).exists():
            raise NotAllowed("this case has been rated already")
        Rating.objects.create(case=case, score=score, comment=comment, created_at=now)
        record(case, "rating", Who.buyer(), now, zh=f"买家评分 {score} 星。", en=f"Buyer rated {score}/5.",
               data={"score": score})
    return case


def complete_follow_up(organisation, case_id: int, who: Who, outcome: str) -> FollowUp:
    now = clock.now()
    with transaction.atomic():
        case = get_case(organisation, case_id, lock=True)
        fu = case.follow_ups.filter(done_at__isnull=True).order_by("due_at").first()
        if fu is None:
            raise NotAllowed("no follow-up is due on this case")
        FollowUp.objects.filter(pk=fu.pk).update(done_at=now, outcome=outcome)
        record(case, "follow_up", who, now, zh=f"已回访：{outcome}", en=f"Followed up: {outcome}",
               buyer_visible=False)
    fu.refresh_from_db()
    return fu



def extend_deadline(organisation, case_id: int, deadline_id: int, who: Who, due_at: datetime,
                    reason: str):
    """A person moves a deadline (the buyer asked for more time, the platform granted an extension
    by phone).  The record keeps its kind and consequence; its source becomes manual."""
    from aftersales.cases.models import Deadline, DeadlineStatus
    from aftersales.domain.deadlines import DeadlineSource

    if due_at.tzinfo is None:
        raise ValidationFailed.field("due_at", "give a time zone (e.g. 2026-11-30T18:00:00+08:00)")
    if not reason.strip():
        raise ValidationFailed.field("reason", "say why the deadline moves")
    now = clock.now()
    if due_at <= now:
        raise ValidationFailed.field("due_at", "must be in the future")
    with transaction.atomic():
        case = get_case(organisation, case_id, lock=True)
        deadline = Deadline.objects.filter(case=case, pk=deadline_id, status=DeadlineStatus.OPEN).first()
        if deadline is None:
            raise NotFound(f"no open deadline {deadline_id} on case {case.number}")
        old = deadline.due_at
        Deadline.objects.filter(pk=deadline.pk).update(
            due_at=due_at, source=DeadlineSource.MANUAL, warned_at=None,
            extended_count=deadline.extended_count + (1 if due_at > old else 0),
            note=f"moved by {who.label} from {old.isoformat()}: {reason}"[:300])
        record(case, "deadline.moved", who, now, buyer_visible=False,
               zh=f"截止时间由 {old:%Y-%m-%d %H:%M} 调整为 {due_at:%Y-%m-%d %H:%M}（UTC）：{reason}",
               en=f"Deadline moved from {old:%Y-%m-%d %H:%M} to {due_at:%Y-%m-%d %H:%M} UTC: {reason}",
               data={"deadline": deadline.pk})
        rescore(case, now)
    deadline.refresh_from_db()
    return deadline


def assign_case(organisation, case_id: int, who: Who, assignee) -> Case:
    """Give the case to a member of the same organisation (None: back to the pool).  Who may give
    it to whom is cases.permissions.may_assign, checked on the locked row."""
    from aftersales.accounts.models import Membership

    if assignee is not None and not Membership.objects.filter(
            organisation=organisation, user=assignee, active=True, user__is_active=True).exists():
        raise ValidationFailed.field("assignee", "not an active member of this organisation")
    now = clock.now()
    with transaction.atomic():
        case = get_case(organisation, case_id, lock=True)
        check_assign(who, case.assignee_id, assignee)
        Case.objects.filter(pk=case.pk).update(assignee=assignee, updated_at=now, version=F("version") + 1)
        name = str(assignee) if assignee is not None else "-"
        record(case, "assigned", who, now, buyer_visible=False, zh=f"分配给 {name}", en=f"Assigned to {name}",
               data={"assignee": getattr(assignee, "pk", None)})
    case.refresh_from_db()
    return case
