"""Taobao / Tmall (淘宝开放平台 TOP): the after-sales rules as data (PLATFORMS.md section 2).

Statuses come in two vocabularies that do not collide, so one map holds both:
`Refund.status` strings (taobao.refund.get, refunds.receive.get) and the numeric Tmall
`Dispute.status` (tmall.dispute.receive.get, tmall.exchange.receive.get).  SELLER_REFUSE_BUYER
is keyed "SELLER_REFUSE_BUYER|<good_status>": with the goods already returned it is a refused
*receipt* (Tmall rp.returngoods.refuse), otherwise a refused request.

Types are keyed by the TMC `bill_type`; a refund bill is keyed "refund_bill|<refund_phase>"
by the caller where the phase is known, because only the phase tells a refund before shipment
(onsale) from one after it.

Every duration is [UNVERIFIED] in PLATFORMS.md 2.4; `refund_remind_timeout.timeout` (Tmall
`time_out`) always wins.
"""

from __future__ import annotations

from datetime import timedelta

from aftersales.domain.deadlines import Clock, DeadlineKind, Party, TimeoutOutcome
from aftersales.domain.lifecycle import Action, ArbitrationState, CaseState, CaseType
from aftersales.domain.platforms.base import DeadlineRule, PlatformProfile, frozen

S = CaseState
T = CaseType

_STATUS = {
    "WAIT_SELLER_AGREE": S.AWAITING_SELLER_REVIEW,
    "WAIT_BUYER_RETURN_GOODS": S.AWAITING_BUYER_RETURN,
    "WAIT_SELLER_CONFIRM_GOODS": S.AWAITING_RECEIPT_REVIEW,
    "SELLER_REFUSE_BUYER": S.SELLER_REJECTED,
    "SELLER_REFUSE_BUYER|BUYER_NOT_RECEIVED": S.SELLER_REJECTED,
    "SELLER_REFUSE_BUYER|BUYER_RECEIVED": S.SELLER_REJECTED,
    "SELLER_REFUSE_BUYER|BUYER_RETURNED_GOODS": S.RECEIPT_REJECTED,
    "CLOSED": S.CLOSED,
    "SUCCESS": S.COMPLETED,
    "WAIT_SELLER_CONSIGN_GOODS": S.AWAITING_SELLER_SHIPMENT,          # exchange: seller reships
    "WAIT_BUYER_CONFIRM_EXCHANGE_SELLER_SEND_GOODS": S.AWAITING_BUYER_RECEIPT,
    "EXCHANGE_TRANSFORM_TO_REFUND": S.CLOSED,   # converted: the refund is a new case
    # Tmall Dispute.status; where refund and exchange share a number they share the meaning
    "1": S.AWAITING_SELLER_REVIEW,     # 待卖家同意 / 换货待处理
    "2": S.AWAITING_BUYER_RETURN,      # 待买家退货
    "3": S.AWAITING_RECEIPT_REVIEW,    # 待卖家确认收货 / 买家已退货待收货
    "4": S.CLOSED,                     # 退款关闭 / 换货关闭
    "5": S.COMPLETED,                  # 退款成功 / 换货成功
    "6": S.SELLER_REJECTED,            # 卖家拒绝退款 / 待买家修改
    "7": S.AWAITING_BUYER_RECEIPT,     # 等待买家确认重新邮寄的货物
    "8": S.AWAITING_SELLER_REVIEW,     # 等待卖家确认退货地址
    "12": S.AWAITING_SELLER_SHIPMENT,  # 待发出换货商品
    "13": S.AWAITING_BUYER_RECEIPT,    # 待买家收货
    "14": S.CLOSED,                    # 请退款 / 换货关闭转退货退款: converted, a new case
    # 11 换货结束 appears only in an older PHP SDK; left unmapped so it warns.
}

_TYPES = {
    "refund_bill": T.REFUND_ONLY,
    "refund_bill|onsale": T.CANCEL_PRE_SHIPMENT,   # not shipped yet
    "refund_bill|aftersale": T.REFUND_ONLY,
    "return_bill": T.RETURN_REFUND,
    "replace_bill": T.EXCHANGE,
}

# TOP has no refund-money status of its own: SUCCESS is final (PLATFORMS.md 6.1).
_REFUND_STATUS: dict = {}

# `cs_status` (客服介入) and the TMC intervention topics.
_ARBITRATION = {
    "1": ArbitrationState.NONE,        # 不需客服介入
    "2": ArbitrationState.REQUESTED,   # 需要客服介入
    "3": ArbitrationState.IN_REVIEW,   # 客服已经介入
    "4": ArbitrationState.IN_REVIEW,   # 客服初审完成
    "5": ArbitrationState.IN_REVIEW,   # 客服主管复审失败: review goes on
    # 客服处理完成: nothing running any more; the ruling shows in the refund status
    "6": ArbitrationState.NONE,
    "taobao_refund_TaobaoInterApplied": ArbitrationState.REQUESTED,
    "taobao_refund_TaobaoIntervened": ArbitrationState.IN_REVIEW,
    "tmall_refund_RefundTaobaoInvolved": ArbitrationState.IN_REVIEW,
}

# Taobao sends the reason as text; PLATFORMS.md names only the no-reason one (2.5).  Other
# texts map to "other" with a warning until they are added here.
_REASONS = {
    "7天无理由退换货": "no_reason",
    "七天无理由退换货": "no_reason",
}

_SRC = "PLATFORMS.md §2.4"


def _hours(kind, party, on_timeout, hours, source) -> DeadlineRule:
    return DeadlineRule(kind, party, on_timeout, Clock.NATURAL, hours=hours, source=source, verified=False)


_DEADLINES = {
    S.AWAITING_SELLER_REVIEW: _hours(
        DeadlineKind.SELLER_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_APPROVE, 48,
        f"{_SRC} WAIT_SELLER_AGREE shipped: 48-72 h cited (older rule 5 days); the lower bound, "
        "so the warning comes early; timeout agrees with the default return address"),
    (S.AWAITING_SELLER_REVIEW, T.REFUND_ONLY): _hours(
        DeadlineKind.SELLER_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_REFUND, 48,
        f"{_SRC} WAIT_SELLER_AGREE shipped: 48-72 h cited; lower bound; timeout refunds"),
    (S.AWAITING_SELLER_REVIEW, T.CANCEL_PRE_SHIPMENT): _hours(
        DeadlineKind.SELLER_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_REFUND, 48,
        f"{_SRC} WAIT_SELLER_AGREE onsale: 48 h; timeout refunds"),
    S.AWAITING_BUYER_RETURN: _hours(
        DeadlineKind.BUYER_SHIP_RETURN, Party.BUYER, TimeoutOutcome.AUTO_CLOSE, 7 * 24,
        f"{_SRC} WAIT_BUYER_RETURN_GOODS: 7 days; timeout closes"),
    S.AWAITING_RECEIPT_REVIEW: _hours(
        DeadlineKind.SELLER_RECEIPT_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_CONFIRM_RECEIPT, 10 * 24,
        f"{_SRC} WAIT_SELLER_CONFIRM_GOODS: 10 days after the buyer ships by express "
        "(30 days by surface mail); timeout refunds"),
    S.SELLER_REJECTED: _hours(
        DeadlineKind.BUYER_ESCALATE, Party.BUYER, TimeoutOutcome.AUTO_CLOSE, 7 * 24,
        f"{_SRC} SELLER_REFUSE_BUYER: ~7 days to modify or ask 淘宝介入; timeout closes"),
    S.RECEIPT_REJECTED: _hours(
        DeadlineKind.BUYER_ESCALATE, Party.BUYER, TimeoutOutcome.AUTO_CLOSE, 7 * 24,
        f"{_SRC} SELLER_REFUSE_BUYER (goods returned): ~7 days to escalate; timeout closes"),
    S.AWAITING_BUYER_RECEIPT: _hours(
        DeadlineKind.BUYER_CONFIRM_RECEIPT, Party.BUYER, TimeoutOutcome.AUTO_CONFIRM_DELIVERY, 10 * 24,
        "PLATFORMS.md §2.3 exchange reshipped -> SUCCESS; no duration given, 10 days assumed"),
    # No default for WAIT_SELLER_CONSIGN_GOODS (seller reships the exchange): none in PLATFORMS.md.
}

_REFUSED = {
    (T.CANCEL_PRE_SHIPMENT, Action.REJECT): (
        "Taobao does not accept a refusal before shipment (taobao.refund.refuse: 不能拒绝 when "
        "not shipped): agree, or ship the order."),
}

PROFILE = PlatformProfile(
    code="taobao",
    name_en="Taobao / Tmall",
    name_zh="淘宝 / 天猫",
    executes_timeouts=False,   # Taobao performs its own timeouts; we warn and reconcile
    calendar="CN",
    warn_before=timedelta(hours=12),
    status_map=frozen(_STATUS),
    type_map=frozen(_TYPES),
    refund_status_map=frozen(_REFUND_STATUS),
    arbitration_map=frozen(_ARBITRATION),
    reason_map=frozen(_REASONS),
    deadlines=frozen(_DEADLINES),
    refused_actions=frozen(_REFUSED),
    money_minor_units=False,   # yuan strings with 2 decimals ("200.07")
    sources=(
        "PLATFORMS.md §2 (Taobao / Tmall)",
        "github.com/bububa/opentaobao model/refund (Refund.status, good_status, cs_status, Dispute.status)",
        "github.com/TheNorthMemory/tmc.js types/taobao.d.ts, types/tmall.d.ts (TMC topics)",
        "https://open.taobao.com/tmc.htm (TMC message docs)",
    ),
)
