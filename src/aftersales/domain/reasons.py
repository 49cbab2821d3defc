"""Canonical after-sales reasons: a two-level tree, as data.

Platform reason codes map onto these (each profile's `reason_map`).  The flags say what a
reason means for the rules: a no-reason return (七天无理由), a fault of the seller (the seller
pays return shipping, the 15-day quality exchange applies), a logistics problem.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    code: str
    zh: str
    en: str
    no_reason: bool = False       # change of mind: the 7-day no-reason rule applies
    seller_fault: bool = False    # quality / wrong goods: seller pays, quality exchange applies
    logistics: bool = False

    @property
    def parent(self) -> str:
        return self.code.split(".", 1)[0]


def _r(code, zh, en, **flags) -> Reason:
    return Reason(code, zh, en, **flags)


REASONS: dict[str, Reason] = {r.code: r for r in (
    _r("no_reason", "七天无理由", "No-reason return", no_reason=True),
    _r("no_reason.unwanted", "不想要了/多拍错拍", "No longer wanted / ordered by mistake", no_reason=True),
    _r("no_reason.dislike", "不喜欢/效果不好", "Does not like it", no_reason=True),
    _r("no_reason.size_fit", "尺码不合适", "Size does not fit", no_reason=True),
    _r("quality", "质量问题", "Quality problem", seller_fault=True),
    _r("quality.defect", "做工粗糙/有瑕疵", "Poor workmanship or flaw", seller_fault=True),
    _r("quality.damaged", "商品破损", "Item damaged", seller_fault=True),
    _r("quality.malfunction", "功能故障", "Does not work", seller_fault=True),
    _r("quality.expired", "变质/过期/腐烂", "Spoiled or expired", seller_fault=True),
    _r("quality.allergy", "使用后过敏", "Allergic reaction after use", seller_fault=True),
    _r("not_as_described", "与描述不符", "Not as described", seller_fault=True),
    _r("not_as_described.size", "大小/尺寸/重量不符", "Size or weight not as described", seller_fault=True),
    _r("not_as_described.material", "材质/外观不符", "Material or look not as described", seller_fault=True),
    _r("not_as_described.spec", "规格/成分/日期不符", "Specification or dates not as described", seller_fault=True),
    _r("counterfeit", "假冒/盗版", "Counterfeit", seller_fault=True),
    _r("fulfilment", "发货问题", "Fulfilment problem", seller_fault=True),
    _r("fulfilment.wrong_item", "发错货", "Wrong item sent", seller_fault=True),
    _r("fulfilment.missing_item", "少件/漏发", "Item missing", seller_fault=True),
    _r("fulfilment.empty_parcel", "空包裹", "Empty parcel", seller_fault=True),
    _r("fulfilment.late_shipment", "未按约定时间发货", "Not shipped on time", seller_fault=True),
    _r("fulfilment.out_of_stock", "缺货", "Out of stock", seller_fault=True),
    _r("logistics", "物流问题", "Delivery problem", logistics=True),
    _r("logistics.not_delivered", "快递一直未送达", "Parcel never arrived", logistics=True),
    _r("logistics.no_tracking", "快递无跟踪记录", "No tracking updates", logistics=True),
    _r("logistics.damaged_in_transit", "运输途中破损", "Damaged in transit", logistics=True),
    _r("price", "价格问题", "Price", ),
    _r("price.protection", "价保/退差价", "Price protection"),
    _r("price.shipping_fee", "退运费", "Shipping fee refund"),
    _r("negotiated", "协商一致", "Agreed with the seller"),
    _r("other", "其他", "Other"),
)}


def reason(code: str) -> Reason:
    """The reason for `code`; unknown codes fall back to their parent, then to "other"."""
    if code in REASONS:
        return REASONS[code]
    return REASONS.get(code.split(".", 1)[0], REASONS["other"])
