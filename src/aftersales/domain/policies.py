"""Eligibility and automatic decisions: pluggable checks that carry their reasons (zh and en).

Pure Python, no Django import.  Every function takes `now` and facts as arguments and returns
frozen dataclasses.

`evaluate` runs each check of `CHECKS` over the facts of one request.  A check is a plain function
`(facts, policy, now) -> CheckResult | None`: None when it does not apply to this request,
otherwise a verdict with a sentence in Chinese and in English that a shop owner and a buyer can
read, with the numbers in it ("签收已 9 天，超过 7 天无理由退货期限").  The evaluation's verdict
is the worst one.  `decide` then says whether automation approves the request or leaves it to a
person, and why.

Days are calendar days in the time zone of `now` (pass it in the shop's zone): the day of
sign-for is day 0, and the 7-day no-reason window ends at the end of day 7, because the law
counts from the day after sign-for (网络购买商品七日无理由退货暂行办法 第十条; PLATFORMS.md 2.7).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from aftersales.domain.lifecycle import CaseType
from aftersales.domain.reasons import reason


class Verdict(enum.StrEnum):
    ELIGIBLE = "eligible"
    NEEDS_REVIEW = "needs_review"
    NOT_ELIGIBLE = "not_eligible"


class Exclusion(enum.StrEnum):
    """Goods excluded from 7-day no-reason returns (消费者权益保护法 第二十五条 and the
    网络购买商品七日无理由退货暂行办法)."""
    NONE = ""
    CUSTOM_MADE = "custom_made"
    PERISHABLE = "perishable"             # fresh and perishable
    DIGITAL = "digital"                   # downloaded or unsealed audio/video, software, digital goods
    PERIODICAL = "periodical"             # newspapers and periodicals
    CONFIRMED_AT_PURCHASE = "confirmed_at_purchase"  # buyer confirmed at purchase


class Protection(enum.StrEnum):
    EXTENDED_WARRANTY = "extended_warranty"
    ACCIDENT_COVER = "accident_cover"
    RETURN_SHIPPING_INSURANCE = "return_shipping_insurance"  # 运费险


@dataclass(frozen=True)
class LineFacts:
    sku: str
    category: str
    unit_price: Decimal
    quantity_requested: int
    quantity_refundable: int            # ordered minus already refunded / in another open case
    no_reason_eligible: bool = True     # product attribute
    exclusion: Exclusion = Exclusion.NONE
    warranty_days: int = 0
    protections: frozenset[Protection] = frozenset()


@dataclass(frozen=True)
class CaseFacts:
    case_type: CaseType
    reason_code: str                     # canonical code, see domain.reasons
    requested_amount: Decimal
    paid_amount: Decimal                 # what the buyer paid for the lines in question
    shipped: bool
    delivered_at: datetime | None        # None: not delivered (or unknown)
    lines: tuple[LineFacts, ...]
    buyer_lifetime_spend: Decimal = Decimal("0")
    buyer_case_count: int = 0            # earlier after-sales cases of this buyer in the shop
    buyer_refund_count: int = 0          # of which refunded
    buyer_order_count: int = 0


@dataclass(frozen=True)
class ShopPolicy:
    version: str = "default-1"
    no_reason_days: int = 7
    quality_exchange_days: int = 15
    excluded_categories: frozenset[str] = frozenset()   # shop-level: categories never returnable without reason
    vip_spend_threshold: Decimal = Decimal("5000")
    auto_approve_unshipped_refund: bool = True
    auto_approve_small_return_max: Decimal = Decimal("100")  # 0 disables
    good_buyer_max_refund_rate: Decimal = Decimal("0.2")
    good_buyer_min_orders: int = 3


@dataclass(frozen=True)
class CheckResult:
    check: str          # stable name, e.g. "no_reason_window"
    verdict: Verdict
    zh: str
    en: str


# Words of the explanation as (zh, en); a plugged-in check without a title shows its name.
_VERDICT_TEXT = {Verdict.ELIGIBLE: ("符合条件", "eligible"), Verdict.NEEDS_REVIEW: ("需人工审核", "needs review"),
                 Verdict.NOT_ELIGIBLE: ("不符合条件", "not eligible")}
_SEVERITY = {Verdict.ELIGIBLE: 0, Verdict.NEEDS_REVIEW: 1, Verdict.NOT_ELIGIBLE: 2}
_PAYER_TEXT = {"buyer": ("买家承担", "paid by the buyer"), "seller": ("商家承担", "paid by the seller"),
               "insurance": ("运费险理赔", "paid by the return-shipping insurance (运费险)")}
_TITLES = {
    "shipment": ("发货状态", "Shipment"), "amount": ("金额", "Amount"), "quantities": ("数量", "Quantities"),
    "no_reason_window": ("无理由退货期限", "No-reason window"),
    "excluded_goods": ("不适用无理由退货的商品", "Excluded goods"),
    "quality_window": ("质量问题退换", "Quality exchange"), "warranty": ("保修", "Warranty"),
    "refund_only_shipped": ("仅退款", "Refund only"),
}
VIP_TEXT = ("VIP：优先处理，先补发后退回", "VIP: priority, reship first, return later")


def check_title(check: str) -> tuple[str, str]:
    """(zh, en) title of a check, for pages that list a case's stored checks."""
    return _TITLES.get(check, (check, check))


def verdict_text(verdict: str) -> tuple[str, str]:
    return _VERDICT_TEXT.get(verdict, (verdict, verdict))


def payer_text(payer: str) -> tuple[str, str]:
    """Who pays the return postage, as (zh, en)."""
    return _PAYER_TEXT.get(payer, (payer, payer))


@dataclass(frozen=True)
class Evaluation:
    verdict: Verdict                       # the worst of the checks
    checks: tuple[CheckResult, ...]
    return_shipping_payer: str             # "buyer" | "seller" | "insurance"
    vip: bool
    policy_version: str
    goods_come_back: bool = True           # False for refunds and cancellations: no return postage to speak of

    @property
    def zh(self) -> str:
        return self._explain(0)

    @property
    def en(self) -> str:
        return self._explain(1)

    def _explain(self, lang: int) -> str:
        """lang 0: Chinese, 1: English."""
        sep, version = ("：", ": ")[lang], self.policy_version
        verdict = _VERDICT_TEXT[self.verdict][lang]
        out = [(f"结论：{verdict}（店铺政策 {version}）", f"Verdict: {verdict} (shop policy {version})")[lang]]
        for c in self.checks:
            out.append(f"- {_TITLES.get(c.check, (c.check, c.check))[lang]}{sep}{(c.zh, c.en)[lang]}")
        if self.goods_come_back:
            payer = _PAYER_TEXT.get(self.return_shipping_payer, (self.return_shipping_payer,) * 2)[lang]
            out.append(f"{('退货运费', 'Return shipping')[lang]}{sep}{payer}")
        if self.vip:
            out.append(VIP_TEXT[lang])
        return "\n".join(out)

    def failing(self) -> tuple[CheckResult, ...]:
        """The checks that gave the evaluation its verdict (empty when eligible)."""
        if self.verdict is Verdict.ELIGIBLE:
            return ()
        return tuple(c for c in self.checks if c.verdict == self.verdict)


@dataclass(frozen=True)
class AutoDecision:
    """What automation does with a new request: approve it, or leave it to a person."""
    approve: bool
    rule: str            # stable name of the rule that decided
    zh: str
    en: str


class DecisionRule(enum.StrEnum):
    """The stable names `decide` puts in `AutoDecision.rule` (stored on the case, counted in reports)."""
    NOT_ELIGIBLE = "not_eligible"
    NEEDS_REVIEW = "needs_review"
    UNSHIPPED_REFUND = "unshipped_refund"
    UNSHIPPED_REFUND_OFF = "unshipped_refund_off"
    SMALL_RETURN = "small_return"
    SMALL_RETURN_OFF = "small_return_off"
    SMALL_RETURN_OVER_LIMIT = "small_return_over_limit"
    SMALL_RETURN_BUYER_HISTORY = "small_return_buyer_history"
    NO_RULE = "no_rule"


Check = Callable[[CaseFacts, ShopPolicy, datetime], CheckResult | None]

_REFUND_TYPES = frozenset({CaseType.CANCEL_PRE_SHIPMENT, CaseType.REFUND_ONLY})
_RETURN_TYPES = frozenset({CaseType.RETURN_REFUND, CaseType.EXCHANGE})
_GOODS_BACK = _RETURN_TYPES | {CaseType.REPAIR}


# --- small helpers ---------------------------------------------------------------------------

def days_since_delivery(facts: CaseFacts, now: datetime) -> int | None:
    """Calendar days from sign-for to `now`, in now's time zone: 0 on the day itself.  None when
    there is no delivery date.  A delivery date after `now` (clocks apart) counts as today."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if facts.delivered_at is None:
        return None
    if facts.delivered_at.tzinfo is None:
        raise ValueError("delivered_at must be timezone-aware")
    return max(0, (now.date() - facts.delivered_at.astimezone(now.tzinfo).date()).days)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _delivered(days: int) -> tuple[str, str]:
    if days == 0:
        return ("今天签收", "delivered today")
    return (f"签收已 {days} 天", f"delivered {_count(days, 'day')} ago")


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _requested_lines(facts: CaseFacts) -> tuple[LineFacts, ...]:
    """The lines the request is about; all lines when no line names a quantity (amount-only)."""
    return tuple(line for line in facts.lines if line.quantity_requested > 0) or facts.lines


def _worst(verdicts: Sequence[Verdict]) -> Verdict:
    return max(verdicts, key=_SEVERITY.__getitem__)


def _combine(check: str, parts: Sequence[tuple[Verdict, str, str]]) -> CheckResult:
    """One result from per-line parts: the worst verdict, the sentences joined."""
    return CheckResult(check, _worst([p[0] for p in parts]),
                       "；".join(p[1] for p in parts), "; ".join(p[2] for p in parts))


def _plan(line: LineFacts) -> tuple[str, str] | None:
    """Who pays a repair past the warranty, when a protection plan covers the line."""
    if Protection.EXTENDED_WARRANTY in line.protections:
        return ("有延保服务，维修费用由延保服务承担，买家不用付",
                "the line has an extended warranty, which pays the repair; the buyer pays nothing")
    if Protection.ACCIDENT_COVER in line.protections:
        return ("有意外保障，维修费用由保障服务承担，买家不用付",
                "the line has accident cover, which pays the repair; the buyer pays nothing")
    return None


def _past_warranty(w: int) -> tuple[str, str]:
    return (f"超过 {w} 天保修期", f"past the {w}-day warranty") if w > 0 else ("没有保修", "with no warranty")


_EXCLUSION_LABELS = {
    Exclusion.CUSTOM_MADE: ("定作商品", "custom-made"),
    Exclusion.PERISHABLE: ("鲜活易腐商品", "fresh or perishable"),
    Exclusion.DIGITAL: ("在线下载或已拆封的数字化商品", "downloaded or unsealed digital goods"),
    Exclusion.PERIODICAL: ("已交付的报纸、期刊", "a newspaper or periodical already delivered"),
    Exclusion.CONFIRMED_AT_PURCHASE: ("买家下单时已确认不适用七天无理由退货",
                                      "the buyer confirmed at purchase that no-reason returns do not apply"),
}


def exclusion_label(exclusion: str) -> tuple[str, str]:
    """(zh, en) words for why goods of this kind cannot be returned without a reason."""
    return _EXCLUSION_LABELS.get(Exclusion(exclusion), (exclusion, exclusion)) if exclusion else ("", "")


def _exclusions(line: LineFacts, policy: ShopPolicy) -> list[tuple[str, str]]:
    """Why `line` cannot be returned without a reason, as (zh, en) labels; empty when it can."""
    out = []
    if line.exclusion:
        out.append(_EXCLUSION_LABELS[Exclusion(line.exclusion)])
    if not line.no_reason_eligible:
        out.append(("商品设置为不支持七天无理由退货", "the product is set as not returnable without a reason"))
    if line.category in policy.excluded_categories:
        out.append((f"店铺规定「{line.category}」类目不支持无理由退货",
                    f"the shop excludes the category {line.category} from no-reason returns"))
    return out


# --- the checks ------------------------------------------------------------------------------

def check_shipment(facts: CaseFacts, policy: ShopPolicy, now: datetime) -> CheckResult | None:
    """Before shipment a refund is simply due in full; a return of goods never sent is not."""
    name = "shipment"
    if facts.case_type in _REFUND_TYPES and not facts.shipped:
        return CheckResult(name, Verdict.ELIGIBLE, f"订单尚未发货：全额退款（实付 {_money(facts.paid_amount)}）",
                           f"not shipped yet: full refund ({_money(facts.paid_amount)} paid)")
    if facts.case_type == CaseType.CANCEL_PRE_SHIPMENT:
        return CheckResult(name, Verdict.NEEDS_REVIEW, "订单已发货，不能再按未发货取消：请拦截包裹或转为退货退款",
                           "already shipped, so it can no longer be cancelled before shipment: "
                           "intercept the parcel or turn the request into a return")
    if facts.case_type in _GOODS_BACK and not facts.shipped:
        return CheckResult(name, Verdict.NEEDS_REVIEW, "订单尚未发货，没有可退回的商品：应改为未发货退款",
                           "not shipped yet, so there is nothing to send back: cancel before shipment instead")
    return None


def check_amount(facts: CaseFacts, policy: ShopPolicy, now: datetime) -> CheckResult:
    name = "amount"
    req, paid = _money(facts.requested_amount), _money(facts.paid_amount)
    if facts.requested_amount < 0:
        return CheckResult(name, Verdict.NOT_ELIGIBLE, f"申请金额 {req} 不能为负数", f"the requested {req} is negative")
    if facts.requested_amount > facts.paid_amount:
        return CheckResult(name, Verdict.NOT_ELIGIBLE, f"申请金额 {req} 超过实付金额 {paid}",
                           f"requested {req}, more than the {paid} paid")
    return CheckResult(name, Verdict.ELIGIBLE, f"申请金额 {req}，不超过实付金额 {paid}",
                       f"requested {req} of the {paid} paid")


def check_quantities(facts: CaseFacts, policy: ShopPolicy, now: datetime) -> CheckResult | None:
    """No line may be refunded twice (ANCHORS.md 8.2: the line-level quantity ledger)."""
    name = "quantities"
    if not facts.lines:
        return None
    over = [line for line in facts.lines if line.quantity_requested > line.quantity_refundable]
    if over:
        return CheckResult(
            name, Verdict.NOT_ELIGIBLE,
            "；".join(f"{x.sku}：申请 {x.quantity_requested} 件，可退 {x.quantity_refundable} 件" for x in over),
            "; ".join(f"line {x.sku}: {x.quantity_requested} requested, {x.quantity_refundable} left to refund"
                      for x in over))
    total = sum(line.quantity_requested for line in facts.lines)
    return CheckResult(name, Verdict.ELIGIBLE, f"申请 {total} 件，都在可退数量之内",
                       f"{total} requested, all within what is left to refund")


def _no_delivery_date(name: str, facts: CaseFacts, zh: str, en: str) -> CheckResult | None:
    """Shipped but no sign-for date on record: nothing to count from, so a person checks the tracking.
    Not shipped at all: check_shipment speaks."""
    if not facts.shipped:
        return None
    return CheckResult(name, Verdict.NEEDS_REVIEW, f"已发货但没有签收时间，{zh}：请先查物流",
                       f"shipped but no delivery date on record, {en}: check the tracking")


def check_no_reason_window(facts: CaseFacts, policy: ShopPolicy, now: datetime) -> CheckResult | None:
    name, n = "no_reason_window", policy.no_reason_days
    if not reason(facts.reason_code).no_reason or facts.case_type not in _RETURN_TYPES:
        return None
    days = days_since_delivery(facts, now)
    if days is None:
        return _no_delivery_date(name, facts, f"{n} 天无理由退货期限从签收次日起算",
                                 f"and the {n}-day no-reason window starts the day after delivery")
    dz, de = _delivered(days)
    if days > n:
        return CheckResult(name, Verdict.NOT_ELIGIBLE, f"{dz}，超过 {n} 天无理由退货期限",
                           f"{de}, the no-reason window is {_count(n, 'day')}")
    left = n - days
    left_zh, left_en = ("今天是最后一天", "today is the last day") if left == 0 else (
        f"还剩 {left} 天", f"{_count(left, 'day')} left")
    return CheckResult(name, Verdict.ELIGIBLE, f"{dz}，在 {n} 天无理由退货期限内（{left_zh}）",
                       f"{de}, within the {n}-day no-reason window ({left_en})")


def check_excluded_goods(facts: CaseFacts, policy: ShopPolicy, now: datetime) -> CheckResult | None:
    """Goods the law (or the product, or the shop) excludes from no-reason returns.  A quality
    problem is covered all the same, and the explanation says so."""
    name = "excluded_goods"
    r = reason(facts.reason_code)
    applies = facts.case_type in _RETURN_TYPES or (
        facts.case_type == CaseType.REFUND_ONLY and facts.delivered_at is not None)
    if not applies or not (r.no_reason or r.seller_fault):
        return None
    found = [(line, labels) for line in _requested_lines(facts) if (labels := _exclusions(line, policy))]
    if r.seller_fault:
        return _combine(name, [(Verdict.ELIGIBLE,
                                f"{line.sku}：{'、'.join(z for z, _ in labels)}，但质量问题不受无理由退货限制",
                                f"line {line.sku}: {', '.join(e for _, e in labels)}, "
                                "but a quality problem is covered all the same")
                               for line, labels in found]) if found else None
    if not found:
        return CheckResult(name, Verdict.ELIGIBLE, "没有不适用无理由退货的商品",
                           "no line is excluded from no-reason returns")
    return _combine(name, [(Verdict.NOT_ELIGIBLE,
                            f"{line.sku}：{'、'.join(z for z, _ in labels)}，不适用七天无理由退货；有质量问题仍可申请售后",
                            f"line {line.sku}: {', '.join(e for _, e in labels)}, so it cannot be returned "
                            "without a reason; quality problems are still covered")
                           for line, labels in found])


def check_quality_window(facts: CaseFacts, policy: ShopPolicy, now: datetime) -> CheckResult | None:
    """Seller's fault: return or exchange within the quality window, then repair under warranty."""
    name, n = "quality_window", policy.quality_exchange_days
    if not reason(facts.reason_code).seller_fault or facts.case_type not in _RETURN_TYPES:
        return None
    days = days_since_delivery(facts, now)
    if days is None:
        return _no_delivery_date(name, facts, f"{n} 天质量问题退换期限从签收起算",
                                 f"and the {n}-day quality exchange window counts from delivery")
    dz, de = _delivered(days)
    if days <= n:
        return CheckResult(name, Verdict.ELIGIBLE, f"{dz}，在 {n} 天质量问题退换期限内",
                           f"{de}, within the {n}-day quality exchange window")
    parts = []
    for line in _requested_lines(facts):
        w, plan, (wz, we) = line.warranty_days, _plan(line), _past_warranty(line.warranty_days)
        head_zh = f"{line.sku}：{dz}，超过 {n} 天质量问题退换期限"
        head_en = f"line {line.sku}: {de}, past the {n}-day quality exchange window"
        if days <= w:
            parts.append((Verdict.NEEDS_REVIEW, f"{head_zh}，但在 {w} 天保修期内：建议转为维修",
                          f"{head_en} but within the {w}-day warranty: offer a repair instead"))
        elif plan:
            parts.append((Verdict.NEEDS_REVIEW, f"{head_zh}，也{wz}，但{plan[0]}：可转为维修",
                          f"{head_en}, {we}, but {plan[1]}: offer a repair instead"))
        else:
            parts.append((Verdict.NOT_ELIGIBLE, f"{head_zh}，也{wz}", f"{head_en}, {we}"))
    return _combine(name, parts)


def check_warranty(facts: CaseFacts, policy: ShopPolicy, now: datetime) -> CheckResult | None:
    name = "warranty"
    if facts.case_type != CaseType.REPAIR:
        return None
    days = days_since_delivery(facts, now)
    if days is None:
        return _no_delivery_date(name, facts, "无法确认是否在保修期内", "so the warranty cannot be checked")
    dz, de = _delivered(days)
    parts = []
    for line in _requested_lines(facts):
        w, plan, (wz, we) = line.warranty_days, _plan(line), _past_warranty(line.warranty_days)
        if days <= w:
            parts.append((Verdict.ELIGIBLE, f"{line.sku}：{dz}，在 {w} 天保修期内，维修费用由商家承担",
                          f"line {line.sku}: {de}, within the {w}-day warranty; the seller pays the repair"))
        elif plan:
            parts.append((Verdict.ELIGIBLE, f"{line.sku}：{dz}，{wz}，但{plan[0]}",
                          f"line {line.sku}: {de}, {we}, but {plan[1]}"))
        else:
            parts.append((Verdict.NEEDS_REVIEW, f"{line.sku}：{dz}，{wz}：属付费维修，费用需与买家商定",
                          f"line {line.sku}: {de}, {we}: a paid repair, agree the cost with the buyer"))
    return _combine(name, parts)


def check_refund_only_shipped(facts: CaseFacts, policy: ShopPolicy, now: datetime) -> CheckResult | None:
    """Money back while the goods stay with the buyer, for a reason that is nobody's fault."""
    name = "refund_only_shipped"
    r = reason(facts.reason_code)
    if facts.case_type != CaseType.REFUND_ONLY or not facts.shipped or r.logistics or r.seller_fault:
        return None
    days = days_since_delivery(facts, now)
    if days is None:
        return CheckResult(name, Verdict.NEEDS_REVIEW,
                           f"包裹在途，买家以「{r.zh}」为由申请仅退款：请先拦截包裹或让买家拒收",
                           f"the parcel is on its way and the buyer asks for a refund only ({r.en}): "
                           "intercept it or have the buyer refuse delivery first")
    dz, de = _delivered(days)
    return CheckResult(name, Verdict.NEEDS_REVIEW, f"{dz}，买家以「{r.zh}」为由申请仅退款、不退货：请人工核实",
                       f"{de} and the buyer asks for a refund without sending the goods back ({r.en}): "
                       "a person should check")


CHECKS: tuple[Check, ...] = (
    check_shipment, check_amount, check_quantities, check_no_reason_window,
    check_excluded_goods, check_quality_window, check_warranty, check_refund_only_shipped,
)


def evaluate(facts: CaseFacts, policy: ShopPolicy, now: datetime, *,
             checks: Sequence[Check] = CHECKS) -> Evaluation:
    """Run `checks` (by default all of `CHECKS`) over one request."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    results = tuple(res for check in checks if (res := check(facts, policy, now)) is not None)
    # No check spoke at all: nothing vouches for the request, so a person looks at it.
    verdict = _worst([c.verdict for c in results]) if results else Verdict.NEEDS_REVIEW
    r = reason(facts.reason_code)
    if any(Protection.RETURN_SHIPPING_INSURANCE in line.protections for line in _requested_lines(facts)):
        payer = "insurance"
    elif r.seller_fault:
        payer = "seller"     # 消费者权益保护法 第二十四条: the business bears the transport costs
    else:
        payer = "buyer"      # 暂行办法 第十七条: the consumer pays unless agreed otherwise
    return Evaluation(
        verdict=verdict, checks=results, return_shipping_payer=payer,
        vip=facts.buyer_lifetime_spend >= policy.vip_spend_threshold,
        policy_version=policy.version, goods_come_back=facts.case_type in _GOODS_BACK,
    )


_TYPE_ZH = {"cancel_pre_shipment": "未发货退款", "refund_only": "仅退款", "return_refund": "退货退款",
            "exchange": "换货", "repair": "维修", "reship": "补寄", "price_protection": "价保",
            "complaint": "投诉", "other": "其他"}


def decide(facts: CaseFacts, evaluation: Evaluation, policy: ShopPolicy) -> AutoDecision:
    """Approve automatically only what is clearly safe; everything else goes to a person, with why."""
    def person(rule: DecisionRule, zh: str, en: str) -> AutoDecision:
        return AutoDecision(False, rule, f"{zh}：由人工处理", f"{en}: a person decides")

    if evaluation.verdict is not Verdict.ELIGIBLE:
        failing = evaluation.failing()
        zh_why, en_why = "；".join(c.zh for c in failing), "; ".join(c.en for c in failing)
        if evaluation.verdict is Verdict.NOT_ELIGIBLE:
            return person(DecisionRule.NOT_ELIGIBLE, f"不符合条件（{zh_why}），不自动同意",
                          f"not eligible ({en_why}), so not approved automatically")
        return person(DecisionRule.NEEDS_REVIEW, f"有检查需要人工核实（{zh_why}），不自动同意",
                      f"a check needs a person ({en_why}), so not approved automatically")

    case_type, version = CaseType(facts.case_type), policy.version
    if case_type in _REFUND_TYPES and not facts.shipped:
        if policy.auto_approve_unshipped_refund:
            return AutoDecision(True, DecisionRule.UNSHIPPED_REFUND, "订单尚未发货：自动同意退款",
                                "not shipped yet: refund approved automatically")
        return person(DecisionRule.UNSHIPPED_REFUND_OFF, f"店铺政策 {version} 关闭了未发货退款的自动同意",
                      f"shop policy {version} has automatic approval of unshipped refunds off")

    if case_type != CaseType.RETURN_REFUND:
        return person(DecisionRule.NO_RULE, f"「{_TYPE_ZH[case_type]}」申请没有自动同意的规则",
                      f"no automatic rule approves a {case_type.value.replace('_', ' ')} request")
    limit, amount = policy.auto_approve_small_return_max, _money(facts.requested_amount)
    if limit <= 0:
        return person(DecisionRule.SMALL_RETURN_OFF, f"店铺政策 {version} 关闭了小额退货的自动同意",
                      f"shop policy {version} has automatic approval of small returns off")
    if facts.requested_amount > limit:
        return person(DecisionRule.SMALL_RETURN_OVER_LIMIT, f"申请金额 {amount} 超过自动同意上限 {_money(limit)}",
                      f"requested {amount} is above the {_money(limit)} limit for automatic approval")
    orders, refunds = facts.buyer_order_count, facts.buyer_refund_count
    rate = Decimal(refunds) / Decimal(orders) if orders else Decimal(0)
    history = (f"买家 {orders} 单，退款 {refunds} 次（退款率 {rate:.0%}）",
               f"the buyer has {_count(orders, 'order')} and {_count(refunds, 'refund')} "
               f"(refund rate {rate:.0%})")
    min_orders, max_rate = policy.good_buyer_min_orders, policy.good_buyer_max_refund_rate
    if orders < min_orders or rate > max_rate:
        return person(DecisionRule.SMALL_RETURN_BUYER_HISTORY,
                      f"{history[0]}；自动同意需要至少 {min_orders} 单、退款率不超过 {max_rate:.0%}",
                      f"{history[1]}; automatic approval needs at least {min_orders} orders "
                      f"and a refund rate of at most {max_rate:.0%}")
    return AutoDecision(True, DecisionRule.SMALL_RETURN,
                        f"小额退货（{amount}，上限 {_money(limit)}），{history[0]}：自动同意",
                        f"small return ({amount}, limit {_money(limit)}) and {history[1]}: "
                        "approved automatically")
