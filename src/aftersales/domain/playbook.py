"""The shop's playbook: which solution to suggest for a problem type and the facts of the case.

Pure Python, no Django import.  Rules are data (`Rule`), so that a shop edits them
(assist.models.PlaybookRule overrides DEFAULT_RULES per shop); `suggest` returns the matching
suggestions, best first, each with the reason an agent reads.

An offer kind is one of cases.models.OfferKind ("refund", "reship", "exchange", "coupon", "gift",
"repair", "partial_refund"); an empty offer list means "no offer: act otherwise" (a carrier claim,
an answer), and the suggestion then carries no one-click button.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Facts:
    """What the playbook may look at."""
    tracking_delivered: bool = False      # the outbound parcel is signed for
    shipped: bool = False
    quality_confirmed: bool = False       # evidence or inspection backs the defect
    refunded: bool = False


@dataclass(frozen=True)
class Rule:
    key: str
    problem_type: str
    offers: tuple[str, ...]               # offer kinds made together, in one click
    zh: str                               # the suggestion, as an agent reads it
    en: str
    reason_zh: str
    reason_en: str
    when: tuple[str, ...] = ()            # Facts fields that must be true
    unless: tuple[str, ...] = ()          # Facts fields that must be false
    coupon_amount: str = ""               # for a coupon/gift offer, the amount ("10")
    position: int = 0


@dataclass(frozen=True)
class Suggestion:
    rule: str
    offers: tuple[str, ...]
    zh: str
    en: str
    reason_zh: str
    reason_en: str
    coupon_amount: str = ""
    facts: dict = field(default_factory=dict)


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("delay-reship", "logistics_delay", ("reship",), "由店铺承担运费重新发货", "Reship at the shop's cost",
         "物流延误不是买家的责任，重新发货最快让买家拿到商品。", "The delay is not the buyer's fault; a reship "
         "gets the goods to them fastest.", position=1),
    Rule("delay-refund-coupon", "logistics_delay", ("refund", "coupon"), "全额退款并送一张优惠券",
         "Full refund plus a coupon", "买家不想再等时，全额退款加优惠券留住买家。",
         "When the buyer no longer wants to wait, a full refund and a coupon keep them as a customer.",
         coupon_amount="10", position=2),
    Rule("not-received-claim", "not_received", (), "向承运商发起理赔，退款前先与买家核实",
         "Open a carrier claim and check with the buyer before refunding",
         "物流显示已签收：先核实代收点、家人或快递柜，再向承运商索赔，避免重复退款。",
         "Tracking says delivered: check lockers, neighbours and family first and claim from the carrier, so "
         "that the shop does not refund twice.", when=("tracking_delivered",), position=1),
    Rule("not-received-reship", "not_received", ("reship",), "重新发货", "Reship",
         "包裹未签收或已丢失，重新发货并向承运商追责。", "The parcel was not signed for or is lost: reship and "
         "hold the carrier responsible.", unless=("tracking_delivered",), position=2),
    Rule("damaged-reship", "damaged", ("reship",), "24 小时内补发新品", "Reship within 24 hours",
         "运输破损由店铺和承运商负责，补发新品最快解决。", "Transit damage is the shop's and the carrier's "
         "responsibility; a new one is the fastest fix.", position=1),
    Rule("damaged-refund", "damaged", ("refund",), "全额退款（1-3 个工作日到账）", "Full refund (1-3 business days)",
         "买家不想要补发时直接退款。", "Refund at once when the buyer does not want a replacement.", position=2),
    Rule("quality-reship", "quality_defect", ("reship",), "质量问题已确认：24 小时内补发",
         "Quality problem confirmed: reship within 24 hours",
         "质量问题已有照片或验货证实，补发新品是买家最常选的方案。",
         "The defect is backed by photos or the inspection; a replacement is what buyers choose most.",
         when=("quality_confirmed",), position=1),
    Rule("quality-refund", "quality_defect", ("refund",), "退款（1-3 个工作日到账）",
         "Refund (1-3 business days)", "质量问题由店铺承担，退款无需买家承担运费。",
         "A defect is the shop's responsibility; the refund costs the buyer nothing.", position=2),
    Rule("described-partial", "not_as_described", ("partial_refund",), "部分退款，商品留用",
         "Partial refund, the buyer keeps the item", "与描述不符但可以使用时，部分退款省去退货来回。",
         "When the item is usable, a partial refund saves the return trip.", position=1),
    Rule("described-refund", "not_as_described", ("refund",), "退货退款，运费由店铺承担",
         "Return for a full refund, shipping on the shop", "与描述不符是店铺的责任。",
         "A listing mismatch is the shop's responsibility.", position=2),
    Rule("size-exchange-gift", "size_fit", ("exchange", "gift"), "换尺码并送一份小礼物",
         "Exchange for another size plus a small gift", "尺码或颜色不合适时换货最能留住买家，小礼物弥补等待。",
         "A size or colour exchange keeps the sale; a small gift makes up for the wait.", coupon_amount="5",
         position=1),
    Rule("wrong-reship", "wrong_or_missing", ("reship",), "补发缺少或发错的商品", "Send the missing or right item",
         "错发漏发是店铺的失误，补发最快。", "A wrong or missing item is the shop's mistake; sending it is fastest.",
         position=1),
    Rule("mind-refund", "changed_mind", ("refund",), "七天无理由退货退款", "No-reason return and refund",
         "符合七天无理由条件时按规则退货退款。", "Within the no-reason window, the return follows the rules.",
         position=1),
    Rule("price-coupon", "price_refund", ("coupon",), "核实价保或退款进度，必要时补一张优惠券",
         "Check price protection or the refund, with a coupon if due",
         "价格和退款问题先查清事实；价保差额可用优惠券补偿。",
         "Money questions need the facts first; a price-protection difference can be paid as a coupon.",
         coupon_amount="10", position=1),
    Rule("order-change-answer", "order_change", (), "在发货前修改订单或取消订单", "Change or cancel before shipping",
         "订单尚未发出，直接按买家的要求修改。", "The order has not left yet; change it as the buyer asks.",
         unless=("shipped",), position=1),
    Rule("usage-answer", "usage_question", (), "发送使用说明或视频", "Send the instructions or a video",
         "使用问题多数一条说明就能解决，不需要退换。", "Most usage questions are settled by one instruction, "
         "without a return.", position=1),
)


def suggest(problem_type: str, facts: Facts, rules: tuple[Rule, ...] | list[Rule] = DEFAULT_RULES,
            limit: int = 2) -> list[Suggestion]:
    """The rules of this problem type whose conditions hold, by position."""
    out = []
    for r in sorted((r for r in rules if r.problem_type == problem_type), key=lambda r: (r.position, r.key)):
        if any(not getattr(facts, f, False) for f in r.when) or any(getattr(facts, f, False) for f in r.unless):
            continue
        out.append(Suggestion(r.key, r.offers, r.zh, r.en, r.reason_zh, r.reason_en, r.coupon_amount,
                              {f: getattr(facts, f) for f in (*r.when, *r.unless)}))
        if len(out) >= limit:
            break
    return out
