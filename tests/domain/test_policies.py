"""Eligibility checks and automatic decisions (domain.policies): pure Python, frozen time."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from aftersales.domain.lifecycle import CaseType
from aftersales.domain.policies import (
    CHECKS,
    VIP_TEXT,
    CaseFacts,
    CheckResult,
    DecisionRule,
    Evaluation,
    Exclusion,
    LineFacts,
    Protection,
    ShopPolicy,
    Verdict,
    decide,
    evaluate,
)

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
NOW = datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI)
POLICY = ShopPolicy()


def days_ago(days: int, hour: int = 15, minute: int = 0) -> datetime:
    """A sign-for time `days` calendar days before NOW, at hour:minute Shanghai time."""
    return (NOW - timedelta(days=days)).replace(hour=hour, minute=minute)


def line(**kw) -> LineFacts:
    values = dict(sku="SKU-1", category="apparel", unit_price=Decimal("99.00"),
                  quantity_requested=1, quantity_refundable=1)
    return LineFacts(**(values | kw))


def facts(**kw) -> CaseFacts:
    values = dict(case_type=CaseType.RETURN_REFUND, reason_code="no_reason.unwanted",
                  requested_amount=Decimal("99.00"), paid_amount=Decimal("99.00"), shipped=True,
                  delivered_at=days_ago(3), lines=(line(),))
    return CaseFacts(**(values | kw))


def good_buyer(**kw) -> CaseFacts:
    return facts(**({"buyer_order_count": 10, "buyer_refund_count": 1} | kw))


def check(evaluation: Evaluation, name: str) -> CheckResult | None:
    found = [c for c in evaluation.checks if c.check == name]
    assert len(found) <= 1
    return found[0] if found else None


# --- no-reason window -------------------------------------------------------------------------

@pytest.mark.parametrize("case_type, delivered_at, policy, verdict, zh, en", [
    pytest.param(CaseType.RETURN_REFUND, days_ago(0), POLICY, Verdict.ELIGIBLE,
                 "今天签收，在 7 天无理由退货期限内（还剩 7 天）",
                 "delivered today, within the 7-day no-reason window (7 days left)", id="no-reason-day-0-eligible"),
    pytest.param(CaseType.RETURN_REFUND, days_ago(6), POLICY, Verdict.ELIGIBLE,
                 "签收已 6 天，在 7 天无理由退货期限内（还剩 1 天）",
                 "delivered 6 days ago, within the 7-day no-reason window (1 day left)", id="no-reason-day-6-eligible"),
    pytest.param(CaseType.RETURN_REFUND, days_ago(7), POLICY, Verdict.ELIGIBLE,
                 "签收已 7 天，在 7 天无理由退货期限内（今天是最后一天）",
                 "delivered 7 days ago, within the 7-day no-reason window (today is the last day)",
                 id="no-reason-day-7-last-day-eligible"),
    pytest.param(CaseType.RETURN_REFUND, days_ago(8), POLICY, Verdict.NOT_ELIGIBLE,
                 "签收已 8 天，超过 7 天无理由退货期限",
                 "delivered 8 days ago, the no-reason window is 7 days", id="no-reason-day-8-rejected"),
    pytest.param(CaseType.RETURN_REFUND, days_ago(9), POLICY, Verdict.NOT_ELIGIBLE,
                 "签收已 9 天，超过 7 天无理由退货期限",
                 "delivered 9 days ago, the no-reason window is 7 days", id="no-reason-day-9-rejected"),
    pytest.param(CaseType.EXCHANGE, days_ago(8), POLICY, Verdict.NOT_ELIGIBLE,
                 "签收已 8 天，超过 7 天无理由退货期限",
                 "delivered 8 days ago, the no-reason window is 7 days", id="no-reason-exchange-day-8-rejected"),
    pytest.param(CaseType.RETURN_REFUND, days_ago(9), ShopPolicy(no_reason_days=15), Verdict.ELIGIBLE,
                 "签收已 9 天，在 15 天无理由退货期限内（还剩 6 天）",
                 "delivered 9 days ago, within the 15-day no-reason window (6 days left)",
                 id="shop-15-day-no-reason-day-9-eligible"),
])
def test_no_reason_window_counts_days_from_delivery(case_type, delivered_at, policy, verdict, zh, en):
    evaluation = evaluate(facts(case_type=case_type, delivered_at=delivered_at), policy, NOW)

    result = check(evaluation, "no_reason_window")
    assert (result.verdict, result.zh, result.en) == (verdict, zh, en)
    assert evaluation.verdict == verdict
    assert en in evaluation.en and zh in evaluation.zh


@pytest.mark.parametrize("delivered_at, verdict", [
    pytest.param(days_ago(7, hour=23, minute=59), Verdict.ELIGIBLE, id="late-evening-day-7-still-eligible"),
    pytest.param(days_ago(8, hour=0, minute=1), Verdict.NOT_ELIGIBLE, id="just-after-midnight-day-8-rejected"),
    # 2026-03-12 16:30 UTC is 2026-03-13 00:30 in Shanghai: day 7 there, day 8 in UTC.
    pytest.param(datetime(2026, 3, 12, 16, 30, tzinfo=timezone.utc), Verdict.ELIGIBLE,
                 id="utc-delivery-counted-in-shop-time-zone"),
])
def test_no_reason_window_counts_calendar_days_in_the_time_zone_of_now(delivered_at, verdict):
    evaluation = evaluate(facts(delivered_at=delivered_at), POLICY, NOW)

    assert check(evaluation, "no_reason_window").verdict == verdict


def test_no_reason_window_needs_a_look_at_tracking_when_shipped_without_delivery_date():
    evaluation = evaluate(facts(delivered_at=None), POLICY, NOW)

    result = check(evaluation, "no_reason_window")
    assert result.verdict == Verdict.NEEDS_REVIEW
    assert "7-day no-reason window starts the day after delivery" in result.en
    assert "请先查物流" in result.zh


@pytest.mark.parametrize("case_type, shipped", [
    pytest.param(CaseType.REFUND_ONLY, False, id="refund-only-not-shipped"),
    pytest.param(CaseType.CANCEL_PRE_SHIPMENT, False, id="cancel-pre-shipment"),
    pytest.param(CaseType.REFUND_ONLY, True, id="refund-only-in-transit"),
])
def test_no_reason_window_does_not_apply_to_refunds_before_delivery(case_type, shipped):
    evaluation = evaluate(facts(case_type=case_type, shipped=shipped, delivered_at=None), POLICY, NOW)

    assert check(evaluation, "no_reason_window") is None


def test_no_reason_window_does_not_apply_to_quality_problems():
    evaluation = evaluate(facts(reason_code="quality.defect", delivered_at=days_ago(10)), POLICY, NOW)

    assert check(evaluation, "no_reason_window") is None
    assert evaluation.verdict == Verdict.ELIGIBLE


# --- excluded goods ---------------------------------------------------------------------------

@pytest.mark.parametrize("the_line, policy, zh, en", [
    pytest.param(line(sku="CAKE-1", exclusion=Exclusion.CUSTOM_MADE), POLICY, "定作商品", "custom-made",
                 id="custom-made"),
    pytest.param(line(sku="CAKE-1", exclusion=Exclusion.PERISHABLE), POLICY, "鲜活易腐商品", "fresh or perishable",
                 id="perishable"),
    pytest.param(line(sku="CAKE-1", exclusion=Exclusion.DIGITAL), POLICY, "已拆封的数字化商品",
                 "downloaded or unsealed digital goods", id="digital-unsealed"),
    pytest.param(line(sku="CAKE-1", exclusion=Exclusion.PERIODICAL), POLICY, "报纸、期刊", "newspaper or periodical",
                 id="periodical"),
    pytest.param(line(sku="CAKE-1", exclusion=Exclusion.CONFIRMED_AT_PURCHASE), POLICY, "下单时已确认",
                 "confirmed at purchase", id="confirmed-at-purchase"),
    pytest.param(line(sku="CAKE-1", no_reason_eligible=False), POLICY, "商品设置为不支持七天无理由退货",
                 "the product is set as not returnable without a reason", id="product-attribute"),
    pytest.param(line(sku="CAKE-1", category="underwear"), ShopPolicy(excluded_categories=frozenset({"underwear"})),
                 "「underwear」类目", "excludes the category underwear", id="shop-excluded-category"),
])
def test_excluded_goods_cannot_be_returned_without_reason(the_line, policy, zh, en):
    evaluation = evaluate(facts(lines=(the_line,)), policy, NOW)

    result = check(evaluation, "excluded_goods")
    assert result.verdict == Verdict.NOT_ELIGIBLE
    assert evaluation.verdict == Verdict.NOT_ELIGIBLE
    assert result.zh.startswith("CAKE-1：") and zh in result.zh and "不适用七天无理由退货" in result.zh
    assert result.en.startswith("line CAKE-1: ") and en in result.en
    assert "quality problems are still covered" in result.en


@pytest.mark.parametrize("case_type", [
    pytest.param(CaseType.RETURN_REFUND, id="quality-return-of-perishable-eligible"),
    pytest.param(CaseType.EXCHANGE, id="quality-exchange-of-perishable-eligible"),
])
def test_excluded_goods_with_a_quality_problem_stay_eligible(case_type):
    the_line = line(sku="FISH-1", exclusion=Exclusion.PERISHABLE)
    evaluation = evaluate(facts(case_type=case_type, reason_code="quality.expired", lines=(the_line,)), POLICY, NOW)

    result = check(evaluation, "excluded_goods")
    assert result.verdict == Verdict.ELIGIBLE
    assert "quality problem is covered all the same" in result.en
    assert evaluation.verdict == Verdict.ELIGIBLE


def test_excluded_line_not_in_the_request_does_not_block_it():
    lines = (line(sku="SHIRT-1"), line(sku="CAKE-1", exclusion=Exclusion.CUSTOM_MADE, quantity_requested=0))
    evaluation = evaluate(facts(lines=lines), POLICY, NOW)

    assert check(evaluation, "excluded_goods").verdict == Verdict.ELIGIBLE
    assert evaluation.verdict == Verdict.ELIGIBLE


def test_excluded_goods_apply_to_a_no_reason_refund_only_after_delivery():
    the_line = line(sku="CAKE-1", exclusion=Exclusion.PERISHABLE)
    evaluation = evaluate(facts(case_type=CaseType.REFUND_ONLY, lines=(the_line,)), POLICY, NOW)

    assert check(evaluation, "excluded_goods").verdict == Verdict.NOT_ELIGIBLE


# --- quality exchange and warranty ------------------------------------------------------------

@pytest.mark.parametrize("case_type, days, the_line, verdict, en_parts", [
    pytest.param(CaseType.EXCHANGE, 10, line(), Verdict.ELIGIBLE,
                 ["delivered 10 days ago, within the 15-day quality exchange window"], id="quality-exchange-day-10"),
    pytest.param(CaseType.EXCHANGE, 15, line(), Verdict.ELIGIBLE,
                 ["delivered 15 days ago, within the 15-day quality exchange window"], id="quality-exchange-day-15"),
    pytest.param(CaseType.RETURN_REFUND, 12, line(), Verdict.ELIGIBLE,
                 ["within the 15-day quality exchange window"], id="quality-return-day-12"),
    pytest.param(CaseType.EXCHANGE, 16, line(warranty_days=365), Verdict.NEEDS_REVIEW,
                 ["line SKU-1: delivered 16 days ago, past the 15-day quality exchange window",
                  "within the 365-day warranty: offer a repair instead"], id="quality-day-16-in-warranty-repair"),
    pytest.param(CaseType.RETURN_REFUND, 40, line(warranty_days=365), Verdict.NEEDS_REVIEW,
                 ["within the 365-day warranty: offer a repair instead"], id="quality-return-day-40-in-warranty"),
    pytest.param(CaseType.EXCHANGE, 365, line(warranty_days=365), Verdict.NEEDS_REVIEW,
                 ["within the 365-day warranty"], id="quality-last-day-of-warranty-repair"),
    pytest.param(CaseType.EXCHANGE, 400, line(warranty_days=365), Verdict.NOT_ELIGIBLE,
                 ["delivered 400 days ago, past the 15-day quality exchange window, past the 365-day warranty"],
                 id="quality-day-400-past-warranty-rejected"),
    pytest.param(CaseType.EXCHANGE, 16, line(), Verdict.NOT_ELIGIBLE,
                 ["past the 15-day quality exchange window, with no warranty"], id="quality-day-16-no-warranty"),
    pytest.param(CaseType.EXCHANGE, 400,
                 line(warranty_days=365, protections=frozenset({Protection.EXTENDED_WARRANTY})),
                 Verdict.NEEDS_REVIEW, ["extended warranty, which pays the repair", "offer a repair instead"],
                 id="quality-day-400-extended-warranty-repair"),
    pytest.param(CaseType.EXCHANGE, 400,
                 line(warranty_days=365, protections=frozenset({Protection.ACCIDENT_COVER})),
                 Verdict.NEEDS_REVIEW, ["accident cover, which pays the repair"], id="quality-day-400-accident-cover"),
])
def test_quality_window_then_warranty(case_type, days, the_line, verdict, en_parts):
    evaluation = evaluate(facts(case_type=case_type, reason_code="quality.malfunction",
                                delivered_at=days_ago(days), lines=(the_line,)), POLICY, NOW)

    result = check(evaluation, "quality_window")
    assert result.verdict == verdict
    assert evaluation.verdict == verdict
    for part in en_parts:
        assert part in result.en
    assert f"签收已 {days} 天" in result.zh


def test_quality_window_chinese_text_names_both_limits():
    the_line = line(warranty_days=365)
    evaluation = evaluate(facts(case_type=CaseType.EXCHANGE, reason_code="quality.malfunction",
                                delivered_at=days_ago(400), lines=(the_line,)), POLICY, NOW)

    assert check(evaluation, "quality_window").zh == "SKU-1：签收已 400 天，超过 15 天质量问题退换期限，也超过 365 天保修期"


@pytest.mark.parametrize("days, the_line, verdict, en_part", [
    pytest.param(100, line(warranty_days=365), Verdict.ELIGIBLE,
                 "delivered 100 days ago, within the 365-day warranty; the seller pays the repair",
                 id="repair-in-warranty-seller-pays"),
    pytest.param(365, line(warranty_days=365), Verdict.ELIGIBLE,
                 "delivered 365 days ago, within the 365-day warranty", id="repair-last-day-of-warranty"),
    pytest.param(366, line(warranty_days=365), Verdict.NEEDS_REVIEW,
                 "delivered 366 days ago, past the 365-day warranty", id="repair-day-after-warranty"),
    pytest.param(400, line(warranty_days=365), Verdict.NEEDS_REVIEW,
                 "delivered 400 days ago, past the 365-day warranty: a paid repair, agree the cost with the buyer",
                 id="repair-out-of-warranty-paid"),
    pytest.param(400, line(warranty_days=365, protections=frozenset({Protection.EXTENDED_WARRANTY})),
                 Verdict.ELIGIBLE, "extended warranty, which pays the repair; the buyer pays nothing",
                 id="repair-extended-warranty-plan-pays"),
    pytest.param(30, line(warranty_days=0), Verdict.NEEDS_REVIEW, "with no warranty: a paid repair",
                 id="repair-no-warranty"),
])
def test_repair_within_warranty_or_protection(days, the_line, verdict, en_part):
    evaluation = evaluate(facts(case_type=CaseType.REPAIR, reason_code="quality.malfunction",
                                requested_amount=Decimal("0"), delivered_at=days_ago(days), lines=(the_line,)),
                          POLICY, NOW)

    result = check(evaluation, "warranty")
    assert result.verdict == verdict
    assert en_part in result.en
    assert check(evaluation, "quality_window") is None


def test_repair_of_several_lines_takes_the_worst_and_names_each():
    lines = (line(sku="TV-1", warranty_days=365), line(sku="REMOTE-1", warranty_days=90))
    evaluation = evaluate(facts(case_type=CaseType.REPAIR, reason_code="quality.malfunction",
                                delivered_at=days_ago(120), lines=lines), POLICY, NOW)

    result = check(evaluation, "warranty")
    assert result.verdict == Verdict.NEEDS_REVIEW
    assert "line TV-1: delivered 120 days ago, within the 365-day warranty" in result.en
    assert "line REMOTE-1: delivered 120 days ago, past the 90-day warranty" in result.en
    assert "TV-1：" in result.zh and "REMOTE-1：" in result.zh


# --- quantities and amounts -------------------------------------------------------------------

def test_more_requested_than_left_to_refund_is_not_eligible():
    lines = (line(sku="MUG-1", quantity_requested=2, quantity_refundable=1), line(sku="MUG-2"))
    evaluation = evaluate(facts(lines=lines), POLICY, NOW)

    result = check(evaluation, "quantities")
    assert result.verdict == Verdict.NOT_ELIGIBLE
    assert result.en == "line MUG-1: 2 requested, 1 left to refund"
    assert result.zh == "MUG-1：申请 2 件，可退 1 件"
    assert evaluation.verdict == Verdict.NOT_ELIGIBLE


def test_quantities_within_what_is_left_are_eligible():
    evaluation = evaluate(facts(lines=(line(quantity_requested=2, quantity_refundable=3),)), POLICY, NOW)

    assert check(evaluation, "quantities") == CheckResult(
        "quantities", Verdict.ELIGIBLE, "申请 2 件，都在可退数量之内", "2 requested, all within what is left to refund")


@pytest.mark.parametrize("requested, verdict, en", [
    pytest.param("100.00", Verdict.ELIGIBLE, "requested 100.00 of the 100.00 paid", id="amount-equal-to-paid"),
    pytest.param("120", Verdict.NOT_ELIGIBLE, "requested 120.00, more than the 100.00 paid", id="amount-over-paid"),
    pytest.param("-1", Verdict.NOT_ELIGIBLE, "the requested -1.00 is negative", id="amount-negative"),
])
def test_requested_amount_at_most_what_was_paid(requested, verdict, en):
    evaluation = evaluate(facts(requested_amount=Decimal(requested), paid_amount=Decimal("100")), POLICY, NOW)

    result = check(evaluation, "amount")
    assert (result.verdict, result.en) == (verdict, en)


def test_amount_over_paid_in_chinese():
    evaluation = evaluate(facts(requested_amount=Decimal("120"), paid_amount=Decimal("100")), POLICY, NOW)

    assert check(evaluation, "amount").zh == "申请金额 120.00 超过实付金额 100.00"


# --- shipment and refund-only -----------------------------------------------------------------

@pytest.mark.parametrize("case_type", [
    pytest.param(CaseType.REFUND_ONLY, id="refund-only-unshipped-full-refund"),
    pytest.param(CaseType.CANCEL_PRE_SHIPMENT, id="cancel-unshipped-full-refund"),
])
def test_not_shipped_refund_is_eligible_in_full(case_type):
    evaluation = evaluate(facts(case_type=case_type, reason_code="no_reason.unwanted", shipped=False,
                                delivered_at=None), POLICY, NOW)

    result = check(evaluation, "shipment")
    assert result.verdict == Verdict.ELIGIBLE
    assert result.en == "not shipped yet: full refund (99.00 paid)"
    assert evaluation.verdict == Verdict.ELIGIBLE
    assert not evaluation.goods_come_back
    assert "Return shipping" not in evaluation.en and "退货运费" not in evaluation.zh


@pytest.mark.parametrize("case_type, shipped, en_part", [
    pytest.param(CaseType.CANCEL_PRE_SHIPMENT, True, "intercept the parcel", id="cancel-after-shipment-review"),
    pytest.param(CaseType.RETURN_REFUND, False, "nothing to send back", id="return-before-shipment-review"),
])
def test_shipment_state_that_does_not_fit_the_request_needs_review(case_type, shipped, en_part):
    evaluation = evaluate(facts(case_type=case_type, shipped=shipped, delivered_at=None), POLICY, NOW)

    result = check(evaluation, "shipment")
    assert result.verdict == Verdict.NEEDS_REVIEW
    assert en_part in result.en


@pytest.mark.parametrize("reason_code, delivered_at, verdict, en_part", [
    pytest.param("no_reason.dislike", days_ago(2), Verdict.NEEDS_REVIEW,
                 "delivered 2 days ago and the buyer asks for a refund without sending the goods back "
                 "(Does not like it)", id="refund-only-after-delivery-no-reason-review"),
    pytest.param("price", days_ago(2), Verdict.NEEDS_REVIEW, "refund without sending the goods back (Price)",
                 id="refund-only-after-delivery-price-review"),
    pytest.param("unheard.of", days_ago(2), Verdict.NEEDS_REVIEW, "(Other)",
                 id="refund-only-unknown-reason-falls-back-to-other"),
    pytest.param("no_reason.unwanted", None, Verdict.NEEDS_REVIEW, "intercept it or have the buyer refuse delivery",
                 id="refund-only-in-transit-intercept"),
])
def test_refund_only_after_shipment_needs_review(reason_code, delivered_at, verdict, en_part):
    evaluation = evaluate(facts(case_type=CaseType.REFUND_ONLY, reason_code=reason_code,
                                delivered_at=delivered_at), POLICY, NOW)

    result = check(evaluation, "refund_only_shipped")
    assert result.verdict == verdict
    assert en_part in result.en
    assert evaluation.verdict == Verdict.NEEDS_REVIEW


@pytest.mark.parametrize("reason_code", [
    pytest.param("logistics.not_delivered", id="refund-only-parcel-lost"),
    pytest.param("fulfilment.missing_item", id="refund-only-missing-item"),
])
def test_refund_only_for_logistics_or_seller_fault_is_not_flagged(reason_code):
    evaluation = evaluate(facts(case_type=CaseType.REFUND_ONLY, reason_code=reason_code), POLICY, NOW)

    assert check(evaluation, "refund_only_shipped") is None


# --- payer, VIP, the evaluation as a whole ----------------------------------------------------

@pytest.mark.parametrize("reason_code, protections, payer, en", [
    pytest.param("no_reason.size_fit", frozenset({Protection.RETURN_SHIPPING_INSURANCE}), "insurance",
                 "Return shipping: paid by the return-shipping insurance (运费险)", id="payer-insurance"),
    pytest.param("quality.damaged", frozenset({Protection.RETURN_SHIPPING_INSURANCE}), "insurance",
                 "Return shipping: paid by the return-shipping insurance (运费险)", id="payer-insurance-first"),
    pytest.param("quality.damaged", frozenset(), "seller", "Return shipping: paid by the seller",
                 id="payer-seller-fault"),
    pytest.param("no_reason.size_fit", frozenset(), "buyer", "Return shipping: paid by the buyer",
                 id="payer-buyer-no-reason"),
])
def test_return_shipping_payer(reason_code, protections, payer, en):
    evaluation = evaluate(facts(reason_code=reason_code, lines=(line(protections=protections),)), POLICY, NOW)

    assert evaluation.return_shipping_payer == payer
    assert en in evaluation.en


@pytest.mark.parametrize("spend, vip", [
    pytest.param("5000", True, id="vip-at-threshold"),
    pytest.param("4999.99", False, id="not-vip-below-threshold"),
])
def test_vip_green_channel(spend, vip):
    evaluation = evaluate(facts(buyer_lifetime_spend=Decimal(spend)), POLICY, NOW)

    assert evaluation.vip is vip
    assert ("VIP: priority, reship first, return later" in evaluation.en) is vip
    assert (VIP_TEXT[0] in evaluation.zh) is vip


def test_evaluation_takes_the_worst_verdict_and_lists_every_check():
    evaluation = evaluate(facts(delivered_at=days_ago(9), lines=(line(quantity_requested=2),)),
                          ShopPolicy(version="shop-42-v3"), NOW)

    assert evaluation.verdict == Verdict.NOT_ELIGIBLE
    assert [c.check for c in evaluation.checks] == ["amount", "quantities", "no_reason_window", "excluded_goods"]
    assert evaluation.policy_version == "shop-42-v3"
    assert evaluation.en.splitlines() == [
        "Verdict: not eligible (shop policy shop-42-v3)",
        "- Amount: requested 99.00 of the 99.00 paid",
        "- Quantities: line SKU-1: 2 requested, 1 left to refund",
        "- No-reason window: delivered 9 days ago, the no-reason window is 7 days",
        "- Excluded goods: no line is excluded from no-reason returns",
        "Return shipping: paid by the buyer",
    ]
    assert evaluation.zh.splitlines()[0] == "结论：不符合条件（店铺政策 shop-42-v3）"
    assert "- 无理由退货期限：签收已 9 天，超过 7 天无理由退货期限" in evaluation.zh.splitlines()


def test_checks_are_pluggable():
    def fragile_goods(f, policy, now):
        if any(l.category == "glass" for l in f.lines):
            return CheckResult("fragile", Verdict.NEEDS_REVIEW, "易碎品：请看照片", "fragile: look at the photos")
        return None

    glass = facts(lines=(line(category="glass"),))
    evaluation = evaluate(glass, POLICY, NOW, checks=(*CHECKS, fragile_goods))

    assert evaluation.verdict == Verdict.NEEDS_REVIEW
    assert "- fragile: fragile: look at the photos" in evaluation.en
    assert evaluate(facts(), POLICY, NOW, checks=(*CHECKS, fragile_goods)).verdict == Verdict.ELIGIBLE


def test_no_applicable_check_leaves_it_to_a_person():
    assert evaluate(facts(), POLICY, NOW, checks=()).verdict == Verdict.NEEDS_REVIEW


@pytest.mark.parametrize("the_facts, now", [
    pytest.param(facts(), NOW.replace(tzinfo=None), id="naive-now"),
    pytest.param(facts(delivered_at=days_ago(3).replace(tzinfo=None)), NOW, id="naive-delivered-at"),
])
def test_naive_datetimes_are_refused(the_facts, now):
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate(the_facts, POLICY, now)


# --- automatic decisions ----------------------------------------------------------------------

def decision_for(the_facts: CaseFacts, policy: ShopPolicy = POLICY):
    return decide(the_facts, evaluate(the_facts, policy, NOW), policy)


@pytest.mark.parametrize("case_type", [
    pytest.param(CaseType.REFUND_ONLY, id="auto-approve-unshipped-refund-only"),
    pytest.param(CaseType.CANCEL_PRE_SHIPMENT, id="auto-approve-unshipped-cancel"),
])
def test_unshipped_refund_is_approved_automatically(case_type):
    decision = decision_for(facts(case_type=case_type, shipped=False, delivered_at=None))

    assert decision.approve
    assert decision.rule == DecisionRule.UNSHIPPED_REFUND == "unshipped_refund"
    assert decision.en == "not shipped yet: refund approved automatically"


def test_unshipped_refund_waits_for_a_person_when_the_shop_turned_it_off():
    policy = ShopPolicy(version="careful-1", auto_approve_unshipped_refund=False)
    decision = decision_for(facts(case_type=CaseType.REFUND_ONLY, shipped=False, delivered_at=None), policy)

    assert not decision.approve
    assert decision.rule == "unshipped_refund_off"
    assert "careful-1" in decision.en and "a person decides" in decision.en


@pytest.mark.parametrize("requested, orders, refunds, policy, approve, rule, en_part", [
    pytest.param("99", 10, 1, POLICY, True, "small_return",
                 "small return (99.00, limit 100.00) and the buyer has 10 orders and 1 refund (refund rate 10%)",
                 id="small-return-good-buyer-approved"),
    pytest.param("100", 5, 1, POLICY, True, "small_return", "refund rate 20%", id="small-return-at-limits-approved"),
    pytest.param("50", 3, 0, POLICY, True, "small_return", "the buyer has 3 orders", id="small-return-third-order"),
    pytest.param("100.01", 10, 0, POLICY, False, "small_return_over_limit",
                 "requested 100.01 is above the 100.00 limit", id="small-return-over-limit"),
    pytest.param("99", 2, 0, POLICY, False, "small_return_buyer_history",
                 "the buyer has 2 orders and 0 refunds (refund rate 0%); automatic approval needs at least 3 orders",
                 id="small-return-new-buyer"),
    pytest.param("99", 5, 2, POLICY, False, "small_return_buyer_history", "refund rate 40%",
                 id="small-return-buyer-refunds-often"),
    pytest.param("99", 10, 0, ShopPolicy(auto_approve_small_return_max=Decimal("0")), False, "small_return_off",
                 "automatic approval of small returns off", id="small-return-turned-off"),
])
def test_small_return_from_a_good_buyer(requested, orders, refunds, policy, approve, rule, en_part):
    the_facts = facts(requested_amount=Decimal(requested), paid_amount=Decimal("200"),
                      buyer_order_count=orders, buyer_refund_count=refunds)
    decision = decision_for(the_facts, policy)

    assert (decision.approve, decision.rule) == (approve, rule)
    assert en_part in decision.en
    assert decision.zh


@pytest.mark.parametrize("the_facts, rule, en_part", [
    pytest.param(good_buyer(delivered_at=days_ago(9)), "not_eligible",
                 "delivered 9 days ago, the no-reason window is 7 days", id="never-approve-day-9-return"),
    pytest.param(good_buyer(case_type=CaseType.REFUND_ONLY, shipped=False, delivered_at=None,
                            requested_amount=Decimal("150"), paid_amount=Decimal("100")),
                 "not_eligible", "requested 150.00, more than the 100.00 paid", id="never-approve-unshipped-overpaid"),
    pytest.param(good_buyer(case_type=CaseType.REFUND_ONLY), "needs_review",
                 "refund without sending the goods back", id="never-approve-refund-only-after-delivery"),
    pytest.param(good_buyer(delivered_at=None), "needs_review", "check the tracking",
                 id="never-approve-return-without-delivery-date"),
])
def test_never_approves_what_is_not_eligible_or_needs_review(the_facts, rule, en_part):
    decision = decision_for(the_facts)

    assert not decision.approve
    assert decision.rule == rule
    assert en_part in decision.en
    assert "a person decides" in decision.en and "由人工处理" in decision.zh


@pytest.mark.parametrize("verdict", [Verdict.NOT_ELIGIBLE, Verdict.NEEDS_REVIEW])
def test_decide_trusts_the_evaluation_verdict(verdict):
    unshipped = facts(case_type=CaseType.REFUND_ONLY, shipped=False, delivered_at=None)
    evaluation = replace(evaluate(unshipped, POLICY, NOW), verdict=verdict)

    assert not decide(unshipped, evaluation, POLICY).approve


@pytest.mark.parametrize("case_type, zh_part", [
    pytest.param(CaseType.EXCHANGE, "「换货」", id="exchange-left-to-a-person"),
    pytest.param(CaseType.RESHIP, "「补寄」", id="reship-left-to-a-person"),
])
def test_other_eligible_requests_go_to_a_person(case_type, zh_part):
    decision = decision_for(good_buyer(case_type=case_type, requested_amount=Decimal("0")))

    assert not decision.approve
    assert decision.rule == "no_rule"
    assert zh_part in decision.zh
    assert f"no automatic rule approves a {case_type.value.replace('_', ' ')} request" in decision.en


def test_rule_names_are_stable_snake_case():
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", rule.value) for rule in DecisionRule)
