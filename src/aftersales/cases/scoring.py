"""Glue between the case rows and the pure rules: policy evaluation and the queue priority."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo
from decimal import Decimal

from aftersales.cases import timers
from django.db.models import Min

from aftersales.cases.models import Case, Deadline, DeadlineStatus
from aftersales.domain.deadlines import Party
from aftersales.domain import priority as prio
from aftersales.domain.policies import (
    CaseFacts, Evaluation, Exclusion, LineFacts, Protection, ShopPolicy, evaluate,
)


# Extension points other apps fill from their AppConfig.ready (the risk app does):
# DECISION_GATES: gate(case, stage, now) -> (zh, en) to hold, or None; asked before an automatic
#   approval (stage "auto_approve") and before a refund is paid (stage "pay_refund").  A gate holds,
#   it never rejects.
# CASE_CREATED: hook(case, now), run inside create_case's transaction before the automatic decision;
#   a failing hook is logged and rolled back to its savepoint, never failing the case.
DECISION_GATES: list = []
CASE_CREATED: list = []


def gate_hold(case: Case, stage: str, now: datetime) -> tuple[str, str] | None:
    for gate in DECISION_GATES:
        held = gate(case, stage, now)
        if held:
            return held
    return None


def run_case_created(case: Case, now: datetime) -> None:
    import logging

    from django.db import transaction

    for hook in CASE_CREATED:
        try:
            with transaction.atomic():
                hook(case, now)
        except Exception:   # noqa: BLE001 - a listener must not fail the case
            logging.getLogger(__name__).exception("case-created hook %r failed for case %s", hook, case.pk)


def shop_policy(shop) -> ShopPolicy:
    return ShopPolicy(
        version=f"{shop.pk}-{shop.policy_version}",
        no_reason_days=shop.no_reason_days,
        quality_exchange_days=shop.quality_exchange_days,
        excluded_categories=frozenset(shop.excluded_categories or ()),
        vip_spend_threshold=shop.vip_spend_threshold,
        auto_approve_unshipped_refund=shop.auto_approve_unshipped_refund,
        auto_approve_small_return_max=shop.auto_approve_small_return_max,
    )


def line_facts(ol, quantity: int, reserved: int = 0) -> LineFacts:
    """The facts of `quantity` of order line `ol` (its sku and product loaded); `reserved`: how
    much of the line's `qty_requested` is this request's own (a saved case's reservation)."""
    product = ol.sku.product if ol.sku_id else None
    return LineFacts(
        sku=ol.sku_code, category=ol.category or (product.category if product else ""),
        unit_price=ol.unit_price, quantity_requested=quantity,
        quantity_refundable=ol.quantity - ol.qty_refunded - ol.qty_requested + reserved,
        no_reason_eligible=product.no_reason_eligible if product else True,
        exclusion=Exclusion(product.exclusion) if product and product.exclusion else Exclusion.NONE,
        warranty_days=product.warranty_days if product else 0,
        protections=frozenset(Protection(p.kind) for p in ol.protections.all()),
    )


def request_facts(*, case_type: str, reason_code: str, requested_amount: Decimal, paid: Decimal, order, buyer,
                  lines: list[LineFacts]) -> CaseFacts:
    """The facts of a request, saved as a case or not yet (the buyer portal's policy preview)."""
    return CaseFacts(
        case_type=case_type, reason_code=reason_code, requested_amount=requested_amount,
        paid_amount=paid, shipped=bool(order and order.shipped_at), delivered_at=order.delivered_at if order else None,
        lines=tuple(lines), buyer_lifetime_spend=buyer.lifetime_spend, buyer_case_count=buyer.case_count,
        buyer_refund_count=buyer.refund_count, buyer_order_count=buyer.order_count,
    )


def case_facts(case: Case) -> CaseFacts:
    # this case's own reservation is already in qty_requested: line_facts adds it back
    lines = [line_facts(cl.order_line, cl.quantity, 0 if case.pk is None else cl.quantity)
             for cl in case.lines.select_related("order_line__order", "order_line__sku__product")
             .prefetch_related("order_line__protections")]
    paid = sum((cl.amount for cl in case.lines.all()), Decimal("0"))
    return request_facts(case_type=case.case_type, reason_code=case.reason_code,
                         requested_amount=case.requested_amount, paid=paid, order=case.order, buyer=case.buyer,
                         lines=lines)


@dataclass(frozen=True)
class CaseEvaluation:
    facts: CaseFacts
    result: Evaluation

    @property
    def zh(self) -> str:
        return self.result.zh

    @property
    def en(self) -> str:
        return self.result.en


def policy_time(shop, requested_at: datetime) -> datetime:
    """Windows are judged as of the request, in the shop's time zone (day counts are local days)."""
    return requested_at.astimezone(ZoneInfo(shop.time_zone))


def policy_result_dict(result: Evaluation) -> dict:
    """What is stored on the case (and shown in a dispute): verdict, version and every check."""
    return {
        "verdict": result.verdict, "version": result.policy_version, "vip": result.vip,
        "return_shipping_payer": result.return_shipping_payer,
        "checks": [{"check": c.check, "verdict": c.verdict, "zh": c.zh, "en": c.en} for c in result.checks],
    }


def evaluate_case(case: Case) -> CaseEvaluation:
    """Evaluate the shop's policy on the case as of its request and store the result on it."""
    policy = shop_policy(case.shop)
    facts = case_facts(case)
    result = evaluate(facts, policy, policy_time(case.shop, case.created_at))
    case.policy_version = result.policy_version
    case.policy_verdict = result.verdict
    case.vip = result.vip
    case.policy_result = policy_result_dict(result)
    Case.objects.filter(pk=case.pk).update(policy_version=case.policy_version, policy_verdict=case.policy_verdict,
                                           vip=case.vip, policy_result=case.policy_result)
    return CaseEvaluation(facts, result)


def score_case(case: Case, due: datetime | None, now: datetime) -> None:
    """Set priority, band and time band on the instance (not saved) from its nearest deadline."""
    time_left = (due - now) if due else None
    p = prio.score(urgent=case.urgent, vip=case.vip, channel=case.channel, time_left=time_left,
                   weights=case.shop.channel_weights or None, boosts=(case.priority_boosts or {}).values())
    case.priority = p.value if case.is_open else 0
    case.priority_band, case.time_band, case.next_due_at = p.band, prio.time_band(time_left), due


def rescore(case: Case, now: datetime) -> None:
    """Recompute the queue priority and the nearest seller deadline of one case."""
    score_case(case, timers.nearest_seller_due(case) if case.is_open else None, now)
    Case.objects.filter(pk=case.pk).update(priority=case.priority, priority_band=case.priority_band,
                                           next_due_at=case.next_due_at, time_band=case.time_band)


def set_boost(case: Case, source: str, points: int, zh: str, en: str, now: datetime) -> None:
    """Add (or replace) one priority term set by `source` ("parcel_stuck", "risk", ...) and re-score."""
    boosts = dict(case.priority_boosts or {})
    if boosts.get(source) == [points, zh, en]:
        return
    boosts[source] = [points, zh, en]
    case.priority_boosts = boosts
    Case.objects.filter(pk=case.pk).update(priority_boosts=boosts)
    rescore(case, now)


def clear_boost(case: Case, source: str, now: datetime) -> None:
    """Remove the term `source` set, if any, and re-score."""
    boosts = dict(case.priority_boosts or {})
    if boosts.pop(source, None) is None:
        return
    case.priority_boosts = boosts
    Case.objects.filter(pk=case.pk).update(priority_boosts=boosts)
    rescore(case, now)


def rescore_many(cases: list[Case], now: datetime) -> None:
    """The same for many cases with two queries (the sweep's batches)."""
    if not cases:
        return
    nearest = dict(Deadline.objects.filter(case__in=cases, status=DeadlineStatus.OPEN, party=Party.SELLER)
                   .values("case_id").annotate(m=Min("due_at")).values_list("case_id", "m"))
    for case in cases:
        score_case(case, nearest.get(case.pk) if case.is_open else None, now)
    Case.objects.bulk_update(cases, ["priority", "priority_band", "next_due_at", "time_band"])
