"""What the shop's policy allows, in the buyer's words, before and after a request is made.

`preview` judges a request that is not saved yet (the request form asks it on every change):
the same facts and the same checks as a saved case (cases.scoring, domain.policies), as of now
in the shop's time zone.  Beside the verdict it names the windows with their end dates ("7-day
no-reason return: until 26 Nov") and the goods that are excluded, and says who pays the postage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from aftersales.cases import ledger
from aftersales.cases.scoring import line_facts, policy_time, request_facts, shop_policy
from aftersales.domain import policies
from aftersales.domain.lifecycle import CaseType
from aftersales.domain.reasons import reason
from aftersales.portal.words import is_zh, say, when

VERDICT_HEADLINE = {
    policies.Verdict.ELIGIBLE: ("店铺政策支持这个申请。", "The shop's policy allows this request."),
    policies.Verdict.NEEDS_REVIEW: ("这个申请需要商家人工审核。", "Someone at the shop will look at this request."),
    policies.Verdict.NOT_ELIGIBLE: ("按店铺政策，这个申请目前不符合条件。",
                                    "Under the shop's policy this request does not qualify as it is."),
}
# Reasons for which the buyer must send a photo of the problem with the request.
PHOTO_REASONS = ("quality", "not_as_described", "counterfeit", "fulfilment.wrong_item", "fulfilment.empty_parcel",
                 "logistics.damaged_in_transit")


def photo_required(reason_code: str) -> bool:
    code = reason_code or ""
    return any(code == r or code.startswith(r + ".") for r in PHOTO_REASONS)


@dataclass(frozen=True)
class PolicyView:
    verdict: str
    headline: str
    allows: list[str] = field(default_factory=list)    # the windows and exclusions, with dates
    why: list[str] = field(default_factory=list)       # each check's sentence
    shipping: str = ""                                 # who pays the return postage
    amount: Decimal = Decimal("0")
    photo_required: bool = False


def windows(order, lines, shop, now: datetime, lang: str) -> list[str]:
    """The shop's windows for this order, with the day each ends, and the lines excluded."""
    out = []
    if order.shipped_at is None:
        return [say(("订单还没发货：可以直接申请全额退款。", "Not shipped yet: you can cancel for a full refund."), lang)]
    if order.delivered_at is None:
        return [say(("包裹还在路上：退换货期限从签收后开始计算。",
                     "Your parcel is still on its way: the return windows start once you sign for it."), lang)]
    tz = shop.time_zone
    signed = order.delivered_at
    today = policy_time(shop, now).date()

    def until(days: int) -> tuple[str, bool]:
        end = policy_time(shop, signed).date() + timedelta(days=days)
        return when(datetime.combine(end, time(12), tzinfo=ZoneInfo(tz)), tz, lang, time=False), end < today

    day, over = until(shop.no_reason_days)
    n = shop.no_reason_days
    out.append(say(("{n} 天无理由退货：截至 {day}（已过期）", "{n}-day no-reason return: ended on {day}") if over else
                   ("{n} 天无理由退货：截至 {day}", "{n}-day no-reason return: until {day}"), lang, n=n, day=day))
    day, over = until(shop.quality_exchange_days)
    n = shop.quality_exchange_days
    out.append(say(("质量问题 {n} 天内可退换：截至 {day}（已过期）", "Quality problems: return or exchange within {n} days, "
                    "ended on {day}") if over else ("质量问题 {n} 天内可退换：截至 {day}",
                                                 "Quality problems: return or exchange within {n} days, until {day}"),
                   lang, n=n, day=day))
    for ol in lines:
        product = ol.sku.product if ol.sku_id else None
        if product is None:
            continue
        if product.exclusion or not product.no_reason_eligible or ol.category in (shop.excluded_categories or ()):
            what = policies.exclusion_label(product.exclusion)[0 if is_zh(lang) else 1] if product.exclusion else ""
            out.append(say(("「{title}」{what}不支持七天无理由退货；有质量问题仍可申请。",
                            "{title}{what} cannot be returned without a reason; quality problems are still covered."),
                           lang, title=ol.title, what=(f"属于{what}，" if is_zh(lang) else f" is {what} and")
                           if what else ""))
        if product.warranty_days:
            end, _over = until(product.warranty_days)
            out.append(say(("「{title}」保修 {n} 天：截至 {day}", "{title}: {n}-day warranty, until {day}"), lang,
                           title=ol.title, n=product.warranty_days, day=end))
    return out


def _view(evaluation: policies.Evaluation, allows: list[str], amount, reason_code: str, lang: str) -> PolicyView:
    zh = is_zh(lang)
    payer = policies.payer_text(evaluation.return_shipping_payer)[0 if zh else 1]
    shipping = (say(("退货运费：{payer}", "Return postage: {payer}"), lang, payer=payer)
                if evaluation.goods_come_back else "")
    return PolicyView(
        verdict=evaluation.verdict, headline=say(VERDICT_HEADLINE[evaluation.verdict], lang), allows=allows,
        why=[c.zh if zh else c.en for c in evaluation.checks], shipping=shipping, amount=amount,
        photo_required=photo_required(reason_code))


def preview(order, picks: list[tuple[object, int]], case_type: str, reason_code: str, now: datetime,
            lang: str) -> PolicyView:
    """The policy's answer to a request not made yet: `picks` are (order line, quantity)."""
    shop = order.shop
    facts_lines = [line_facts(ol, qty) for ol, qty in picks]
    amount = sum((ledger.line_share(ol, qty) for ol, qty in picks), Decimal("0"))
    facts = request_facts(case_type=CaseType(case_type), reason_code=reason(reason_code).code, requested_amount=amount,
                          paid=amount, order=order, buyer=order.buyer, lines=facts_lines)
    evaluation = policies.evaluate(facts, shop_policy(shop), policy_time(shop, now))
    return _view(evaluation, windows(order, [ol for ol, _ in picks], shop, now, lang), amount, reason_code, lang)


def for_case(case, now: datetime, lang: str) -> PolicyView:
    """What was judged when the case was made (its stored result), with the order's windows."""
    stored = case.policy_result or {}
    verdict = stored.get("verdict") or policies.Verdict.NEEDS_REVIEW
    zh = is_zh(lang)
    checks = stored.get("checks") or []
    payer = stored.get("return_shipping_payer", "buyer")
    goods_back = lc_goods_back(case.case_type)
    lines = [cl.order_line for cl in case.lines.select_related("order_line__sku__product")]
    allows = windows(case.order, lines, case.shop, case.created_at, lang) if case.order_id else []
    return PolicyView(
        verdict=verdict, headline=say(VERDICT_HEADLINE.get(verdict, VERDICT_HEADLINE["needs_review"]), lang),
        allows=allows, why=[c.get("zh" if zh else "en", "") for c in checks],
        shipping=say(("退货运费：{payer}", "Return postage: {payer}"), lang,
                     payer=policies.payer_text(payer)[0 if zh else 1]) if goods_back else "",
        amount=case.requested_amount, photo_required=photo_required(case.reason_code))


def lc_goods_back(case_type: str) -> bool:
    return case_type in (CaseType.RETURN_REFUND, CaseType.EXCHANGE, CaseType.REPAIR)
