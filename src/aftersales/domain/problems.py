"""The twelve problem types an after-sales message is sorted into, with their labels and definitions.

Pure Python, no Django import.  The definitions follow the labelling guide of the measuring set
(shared/data/classify/README.md) so that what we measure is what we mean.  `COARSE` maps each type to
the coarser reply-template kinds of cases/explain.PROBLEM_KINDS (the composer's templates).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemType:
    key: str
    zh: str
    en: str
    definition_zh: str
    definition_en: str


TYPES: tuple[ProblemType, ...] = (
    ProblemType("logistics_delay", "物流延迟", "Delivery delay",
                "未发货、发货慢、物流不更新、催发货、在途包裹在哪里",
                "Not shipped yet, slow delivery, tracking not updating, when will it arrive"),
    ProblemType("not_received", "未收到货", "Not received",
                "显示签收但没收到、包裹丢失、拒收或退回的包裹去向",
                "Tracking says delivered but nothing arrived; parcel lost; refused or returned parcel"),
    ProblemType("damaged", "运输破损", "Damaged in transit",
                "到货破损、压坏、凹陷、漏液，外包装破损",
                "Arrived broken, crushed, dented or leaking; package damaged in transit"),
    ProblemType("quality_defect", "质量问题", "Quality defect",
                "有瑕疵、故障、不能用、坏了、做工差；包括保修维修",
                "Defect, malfunction, stopped working, poor quality, flaw; repair or warranty"),
    ProblemType("not_as_described", "与描述不符", "Not as described",
                "与页面或图片不符（颜色、材质、规格、型号），怀疑假货、翻新、二手",
                "Differs from the listing or photos, or suspected fake, refurbished or used"),
    ProblemType("size_fit", "尺码不合适", "Size or fit",
                "太大、太小、太长、太短、不合身，换尺码",
                "Too big, too small, too long or short, does not fit; exchange for another size"),
    ProblemType("wrong_or_missing", "错发漏发", "Wrong or missing item",
                "发错货、少件、缺配件、赠品或说明书没有",
                "Wrong item sent; an item, part, gift or manual missing; fewer pieces than ordered"),
    ProblemType("changed_mind", "不想要了", "Changed mind",
                "不想要了、买错了、七天无理由退货、重复下单",
                "No longer wanted, ordered by mistake, no-reason return, duplicate order"),
    ProblemType("price_refund", "价格与退款", "Price or refund",
                "价保、退款进度、发票、优惠券、运费、支付问题",
                "Price protection, refund progress, invoice, coupons, shipping fee, payment problems"),
    ProblemType("order_change", "修改订单", "Order change",
                "改地址、改配送时间、改电话、取消未送达的订单、修改售后申请",
                "Change address, delivery time or phone; cancel an undelivered order; change a request"),
    ProblemType("usage_question", "使用咨询", "Usage question",
                "怎么用、安装、设置、产品信息、售后流程怎么走",
                "How to use, install or set up; product information; how a procedure works"),
    ProblemType("other", "其他", "Other",
                "账号、会员、对客服的投诉、与售后无关或无法判断",
                "Account, membership, complaints about the agent, off-topic or too vague"),
)

BY_KEY: dict[str, ProblemType] = {t.key: t for t in TYPES}
KEYS: tuple[str, ...] = tuple(t.key for t in TYPES)

# The reply-template kind (cases.explain.PROBLEM_KINDS) each type is answered with.
COARSE: dict[str, str] = {
    "logistics_delay": "logistics", "not_received": "logistics", "damaged": "quality",
    "quality_defect": "quality", "not_as_described": "not_as_described", "size_fit": "no_reason",
    "wrong_or_missing": "fulfilment", "changed_mind": "no_reason", "price_refund": "price",
    "order_change": "fulfilment", "usage_question": "other", "other": "other",
}


def label(key: str, language: str) -> str:
    t = BY_KEY.get(key)
    if t is None:
        return key
    return t.zh if language.startswith("zh") else t.en


def choices() -> list[tuple[str, str, str]]:
    return [(t.key, t.zh, t.en) for t in TYPES]
