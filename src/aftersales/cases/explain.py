"""Words for people: labels and the sentences written into the timeline, in Chinese and English."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import get_language

from aftersales.domain import lifecycle as lc
from aftersales.domain.deadlines import Clock, DeadlineKind, DeadlineSource, Party, TimeoutOutcome
from aftersales.domain.reasons import reason as canonical_reason

STATE_LABELS: dict[str, tuple[str, str]] = {
    lc.CaseState.AWAITING_SELLER_REVIEW: ("待商家处理", "Awaiting seller review"),
    lc.CaseState.SELLER_REJECTED: ("商家已拒绝", "Rejected by seller"),
    lc.CaseState.AWAITING_BUYER_RESPONSE: ("待买家确认方案", "Awaiting buyer's answer to an offer"),
    lc.CaseState.AWAITING_BUYER_RETURN: ("待买家退货", "Awaiting buyer's return"),
    lc.CaseState.AWAITING_RECEIPT_REVIEW: ("待商家收货", "Return on its way / awaiting inspection"),
    lc.CaseState.RECEIPT_REJECTED: ("商家拒绝收货", "Return refused by seller"),
    lc.CaseState.AWAITING_SELLER_SHIPMENT: ("待商家发货", "Awaiting seller shipment"),
    lc.CaseState.AWAITING_BUYER_RECEIPT: ("待买家收货", "Awaiting buyer receipt"),
    lc.CaseState.REFUND_IN_PROGRESS: ("退款中", "Refund in progress"),
    lc.CaseState.COMPLETED: ("售后完成", "Completed"),
    lc.CaseState.CLOSED: ("售后关闭", "Closed"),
    lc.CaseState.UNKNOWN: ("平台状态未知", "Unknown platform status"),
}

CASE_TYPE_LABELS: dict[str, tuple[str, str]] = {
    lc.CaseType.CANCEL_PRE_SHIPMENT: ("未发货退款", "Refund before shipment"),
    lc.CaseType.REFUND_ONLY: ("仅退款", "Refund only"),
    lc.CaseType.RETURN_REFUND: ("退货退款", "Return and refund"),
    lc.CaseType.EXCHANGE: ("换货", "Exchange"),
    lc.CaseType.REPAIR: ("维修", "Repair"),
    lc.CaseType.RESHIP: ("补寄", "Reship"),
    lc.CaseType.PRICE_PROTECTION: ("价保", "Price protection"),
    lc.CaseType.COMPLAINT: ("投诉", "Complaint"),
    lc.CaseType.OTHER: ("其他", "Other"),
}

ACTION_LABELS: dict[str, tuple[str, str]] = {
    lc.Action.APPROVE: ("同意申请", "Approve"),
    lc.Action.REJECT: ("拒绝申请", "Reject"),
    lc.Action.OFFER: ("提出方案", "Make an offer"),
    lc.Action.ACCEPT_OFFER: ("接受方案", "Accept the offer"),
    lc.Action.DECLINE_OFFER: ("拒绝方案", "Decline the offer"),
    lc.Action.MODIFY: ("修改申请", "Modify the request"),
    lc.Action.SHIP_RETURN: ("寄回商品", "Ship the return"),
    lc.Action.CONVERT_TO_REFUND: ("直接退款（无需退货）", "Refund without return"),
    lc.Action.CONFIRM_RECEIPT: ("确认收货", "Confirm receipt"),
    lc.Action.REJECT_RECEIPT: ("拒绝收货", "Refuse the return"),
    lc.Action.SHIP_TO_BUYER: ("商家发货", "Ship to buyer"),
    lc.Action.CONFIRM_DELIVERY: ("买家确认收货", "Confirm delivery"),
    lc.Action.REFUND_SUCCEEDED: ("退款成功", "Refund paid"),
    lc.Action.RULED_FOR_BUYER: ("平台判定支持买家", "Platform ruled for the buyer"),
    lc.Action.RULED_FOR_SELLER: ("平台判定支持商家", "Platform ruled for the seller"),
    lc.Action.CANCEL: ("买家撤销申请", "Buyer withdrew the request"),
    lc.Action.CLOSE: ("关闭售后", "Close"),
}

ACTOR_LABELS = {
    lc.Actor.BUYER: ("买家", "the buyer"),
    lc.Actor.SELLER: ("商家", "the seller"),
    lc.Actor.SYSTEM: ("系统", "the system"),
    lc.Actor.PLATFORM: ("平台", "the platform"),
}

ACTOR_NAMES = {
    lc.Actor.BUYER: ("买家", "Buyer"),
    lc.Actor.SELLER: ("商家", "Seller"),
    lc.Actor.SYSTEM: ("系统", "System"),
    lc.Actor.PLATFORM: ("平台", "Platform"),
}

DEADLINE_LABELS: dict[str, tuple[str, str]] = {
    DeadlineKind.SELLER_REVIEW: ("商家审核", "seller review"),
    DeadlineKind.SELLER_RECEIPT_REVIEW: ("商家确认收货", "seller receipt review"),
    DeadlineKind.SELLER_RESHIP: ("商家发货", "seller shipment"),
    DeadlineKind.SELLER_EVIDENCE: ("商家举证", "seller evidence"),
    DeadlineKind.SELLER_REFUND_ISSUE: ("商家退款", "refund payment"),
    DeadlineKind.BUYER_SHIP_RETURN: ("买家寄回", "buyer return shipment"),
    DeadlineKind.BUYER_ESCALATE: ("买家申诉/修改", "buyer escalation or modification"),
    DeadlineKind.BUYER_RESPOND: ("买家答复", "buyer response"),
    DeadlineKind.BUYER_CONFIRM_RECEIPT: ("买家确认收货", "buyer receipt confirmation"),
    DeadlineKind.FIRST_REPLY: ("首次回复", "first reply"),
}

OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    TimeoutOutcome.AUTO_APPROVE: ("自动同意", "auto-approve"),
    TimeoutOutcome.AUTO_REFUND: ("自动退款", "auto-refund"),
    TimeoutOutcome.AUTO_CONFIRM_RECEIPT: ("自动确认收货并退款", "auto-confirm receipt"),
    TimeoutOutcome.AUTO_CONFIRM_DELIVERY: ("自动确认买家收货", "auto-confirm delivery"),
    TimeoutOutcome.AUTO_CLOSE: ("自动关闭", "auto-close"),
    TimeoutOutcome.PLATFORM_DECIDES: ("由平台裁定", "the platform decides"),
    TimeoutOutcome.BREACH_ONLY: ("记为超时", "counted as a breach"),
}


def state_label(state: str) -> tuple[str, str]:
    return STATE_LABELS.get(state, (state, state))


def transition_text(move: lc.Move, reason: str | tuple[str, str] = "") -> tuple[str, str]:
    """The timeline's sentence for a move; `reason` is one text for both languages, or (zh, en)."""
    act_zh, act_en = ACTION_LABELS[move.action]
    who_zh, who_en = ACTOR_LABELS[move.actor]
    to_zh, to_en = state_label(move.target)
    zh = f"{who_zh}：{act_zh}，状态变为「{to_zh}」。"
    en = f"{who_en.capitalize()}: {act_en.lower()}; now {to_en.lower()}."
    reason_zh, reason_en = reason if isinstance(reason, tuple) else (reason, reason)
    if reason_zh:
        zh += f" 原因：{reason_zh}"
    if reason_en:
        en += f" Reason: {reason_en}"
    return zh, en


def created_text(case_type: str, amount, currency: str, evaluation) -> tuple[str, str]:
    """The "request received" sentence of a new case, with the policy's verdict and reasons."""
    zh_type, en_type = CASE_TYPE_LABELS[case_type]
    return (f"收到售后申请（{zh_type}，金额 {amount} {currency}）。{evaluation.zh}",
            f"After-sales request received ({en_type.lower()}, {amount} {currency}). {evaluation.en}")


REFUND_STATE_LABELS = {
    lc.RefundState.NONE: ("无退款", "No refund"),
    lc.RefundState.APPROVED: ("已同意，待打款", "Approved, not yet paid"),
    lc.RefundState.PROCESSING: ("退款中", "On its way"),
    lc.RefundState.SUCCEEDED: ("退款成功", "Refunded"),
    lc.RefundState.FAILED: ("退款失败", "Failed"),
    lc.RefundState.CLAWED_BACK: ("已追缴", "Clawed back"),
}
RETURN_STATE_LABELS = {
    lc.ReturnState.NONE: ("无需退货", "No return"),
    lc.ReturnState.AWAITING_SHIPMENT: ("待买家寄出", "Awaiting shipment"),
    lc.ReturnState.IN_TRANSIT: ("退货运输中", "In transit"),
    lc.ReturnState.DELIVERED: ("已签收", "Delivered"),
    lc.ReturnState.INSPECTED: ("已验货", "Inspected"),
    lc.ReturnState.LOST: ("包裹丢失", "Lost"),
}
ARBITRATION_LABELS = {
    lc.ArbitrationState.NONE: ("未介入", "None"),
    lc.ArbitrationState.REQUESTED: ("已申请平台介入", "Requested"),
    lc.ArbitrationState.NEGOTIATION: ("协商期", "Negotiation"),
    lc.ArbitrationState.AWAITING_SELLER_EVIDENCE: ("待商家举证", "Awaiting seller evidence"),
    lc.ArbitrationState.IN_REVIEW: ("平台审核中", "In review"),
    lc.ArbitrationState.FOR_BUYER: ("判定支持买家", "Ruled for the buyer"),
    lc.ArbitrationState.FOR_SELLER: ("判定支持商家", "Ruled for the seller"),
    lc.ArbitrationState.CANCELLED: ("已撤销", "Cancelled"),
}
ROUTE_LABELS = {
    lc.Route.REFUND: ("退款", "Refund"),
    lc.Route.RETURN_THEN_REFUND: ("退货后退款", "Return, then refund"),
    lc.Route.RETURN_THEN_SHIP: ("退回后发出（换货/维修）", "Return, then ship (exchange or repair)"),
    lc.Route.SHIP: ("发货（补寄）", "Ship (reship)"),
    lc.Route.NONE: ("无需退款或发货", "Nothing to pay or ship"),
}
CLOSE_REASON_LABELS = {
    lc.CloseReason.NONE: ("未关闭", "Not closed"),
    lc.CloseReason.BUYER_CANCELLED: ("买家撤销", "Buyer withdrew"),
    lc.CloseReason.BUYER_TIMEOUT: ("买家超时", "Buyer timed out"),
    lc.CloseReason.SELLER_WON: ("平台支持商家", "Platform ruled for the seller"),
    lc.CloseReason.CONVERTED: ("已转为其他售后", "Converted"),
    lc.CloseReason.SYSTEM: ("系统关闭", "Closed by the system or platform"),
}
PARTY_LABELS = {Party.SELLER: ("商家", "Seller"), Party.BUYER: ("买家", "Buyer"), Party.PLATFORM: ("平台", "Platform")}
SOURCE_LABELS = {
    DeadlineSource.PLATFORM: ("平台时限", "Platform"),
    DeadlineSource.COMPUTED: ("推算（备用）", "Computed fallback"),
    DeadlineSource.POLICY: ("店铺规则", "Shop rule"),
    DeadlineSource.MANUAL: ("人工调整", "Moved by hand"),
}
CLOCK_LABELS = {Clock.NATURAL: ("自然时间", "Natural time"), Clock.BUSINESS_DAYS: ("工作日", "Business days")}


# Common reasons to refuse a request (the agent picks one and may add a note; the buyer sees both).
REJECT_REASONS: dict[str, tuple[str, str]] = {
    "no_defect": ("经核实商品无质量问题", "We checked and found no defect"),
    "used": ("商品已使用，影响二次销售", "The item has been used and cannot be resold"),
    "outside_window": ("已超出退换货期限", "The request is outside the return period"),
    "excluded": ("该商品不支持七天无理由退货", "This item cannot be returned without a reason"),
    "no_evidence": ("未提供能说明问题的照片或视频", "No photo or video shows the problem"),
    "not_received": ("尚未收到退回的商品", "We have not received the returned item"),
    "resolved": ("已与买家协商解决", "Already settled with the buyer"),
    "duplicate": ("重复申请", "A request for this order is already open"),
    "amount": ("申请金额与实付金额不符", "The amount asked for does not match what was paid"),
    "other": ("其他原因", "Another reason"),
}

# What the agent may ask the buyer to send (cases.requests.request_evidence).
EVIDENCE_REQUESTS: dict[str, tuple[str, str]] = {
    "defect_photo": ("问题部位的照片", "a photo of the defect"),
    "label_photo": ("商品标签/吊牌的照片", "a photo of the label"),
    "package_photo": ("外包装及快递面单的照片", "a photo of the package and its shipping label"),
    "video": ("开箱或使用过程的视频", "a video showing the problem"),
}

# The problem types of the reply templates: the tops of domain.reasons' tree, a few folded together.
PROBLEM_KINDS: dict[str, tuple[str, str]] = {
    "no_reason": ("七天无理由", "No-reason return"),
    "quality": ("质量问题", "Quality problem"),
    "not_as_described": ("与描述不符", "Not as described"),
    "fulfilment": ("发货问题", "Fulfilment problem"),
    "logistics": ("物流问题", "Delivery problem"),
    "price": ("价格问题", "Price"),
    "other": ("其他", "Other"),
}
_PROBLEM_OF_TOP = {"counterfeit": "not_as_described", "negotiated": "other"}


def problem_kind(reason_code: str) -> str:
    """The problem type (a key of PROBLEM_KINDS) of a canonical reason code."""
    top = canonical_reason(reason_code or "other").parent
    top = _PROBLEM_OF_TOP.get(top, top)
    return top if top in PROBLEM_KINDS else "other"


def in_language(zh: str, en: str) -> str:
    """The one of a (zh, en) pair that fits the active language."""
    return zh if (get_language() or "").lower().startswith("zh") else en


bilingual = lazy(in_language, str)


def label_choices(table: dict) -> list[tuple[str, str]]:
    """Model choices whose labels follow the active language, from one of the tables above."""
    return [(key.value if hasattr(key, "value") else key, bilingual(zh, en)) for key, (zh, en) in table.items()]
