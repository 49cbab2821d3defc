"""Douyin shop (抖店开放平台): the after-sales rules as data (PLATFORMS.md section 1).

Raw values arrive as integers in the API and as strings in messages; the profile keys them as
strings.  Status 12 (售后成功) means different things depending on `refund_status`, so it is
keyed "12|<refund_status>", with plain "12" for when the refund status is not known yet.

Durations are defaults for when Douyin sends no `status_deadline`; Douyin's own deadline (and
message 209 when it changes) always wins.  Only the consequences of a timeout are confirmed
(message trigger texts, 1.3); the durations are [UNVERIFIED] in PLATFORMS.md.
"""

from __future__ import annotations

from datetime import timedelta

from aftersales.domain.deadlines import Clock, DeadlineKind, Party, TimeoutOutcome
from aftersales.domain.lifecycle import Action, ArbitrationState, CaseState, CaseType, RefundState
from aftersales.domain.platforms.base import DeadlineRule, PlatformProfile, frozen

S = CaseState
T = CaseType

_STATUS = {
    "6": S.AWAITING_SELLER_REVIEW,       # 待商家同意
    "7": S.AWAITING_BUYER_RETURN,        # 待买家退货
    "8": S.AWAITING_SELLER_SHIPMENT,     # 待商家发货 (resend / repaired item)
    "11": S.AWAITING_RECEIPT_REVIEW,     # 待商家二次同意: buyer has shipped the return
    "12": S.REFUND_IN_PROGRESS,          # 售后成功, refund status not given
    "12|1": S.REFUND_IN_PROGRESS,        # 待退款
    "12|2": S.REFUND_IN_PROGRESS,        # 退款中
    "12|3": S.COMPLETED,                 # 退款成功
    "12|4": S.REFUND_IN_PROGRESS,        # 退款失败: still owed; RefundState says FAILED
    "12|5": S.COMPLETED,                 # 追缴成功: refunded (platform advance recovered)
    "3": S.AWAITING_BUYER_RECEIPT,       # the List response's old code for 13
    "13": S.AWAITING_BUYER_RECEIPT,      # 换货/补寄/维修 待买家收货
    "14": S.COMPLETED,                   # 换货/补寄/维修 成功
    "27": S.SELLER_REJECTED,             # 商家一次拒绝
    "28": S.CLOSED,                      # 售后失败 / 售后关闭
    "29": S.RECEIPT_REJECTED,            # 商家二次拒绝
    "51": S.COMPLETED,                   # 订单取消成功
    "53": S.COMPLETED,                   # 逆向交易已完成
}

_TYPES = {
    "0": T.RETURN_REFUND,         # 退货退款
    "1": T.REFUND_ONLY,           # 已发货仅退款
    "2": T.CANCEL_PRE_SHIPMENT,   # 未发货仅退款 (售前退)
    "3": T.EXCHANGE,              # 换货
    "4": T.CANCEL_PRE_SHIPMENT,   # 系统取消 (Detail only): an order cancellation
    "5": T.CANCEL_PRE_SHIPMENT,   # 用户取消 (Detail only): an order cancellation
    "6": T.PRICE_PROTECTION,      # 价保
    "7": T.RESHIP,                # 补寄
    "8": T.REPAIR,                # 维修
}

_REFUND_STATUS = {
    "1": RefundState.APPROVED,     # 待退款
    "2": RefundState.PROCESSING,   # 退款中
    "3": RefundState.SUCCEEDED,    # 退款成功
    "4": RefundState.FAILED,       # 退款失败
    "5": RefundState.CLAWED_BACK,  # 追缴成功
}

# `arbitrate_status` as the List/Detail responses give it (the request filter numbers differ).
_ARBITRATION = {
    "0": ArbitrationState.NONE,                      # 无仲裁记录
    "1": ArbitrationState.IN_REVIEW,                 # 仲裁中
    "2": ArbitrationState.FOR_BUYER,                 # 客服同意 (the buyer's request)
    "3": ArbitrationState.FOR_SELLER,                # 客服拒绝
    "4": ArbitrationState.AWAITING_SELLER_EVIDENCE,  # 待商家举证
    "5": ArbitrationState.NEGOTIATION,               # 协商期
    # 仲裁结束: nothing running any more; the ruling shows in the main status (12/7 or 28)
    # and in `arbitrate_conclusion`, and the canonical enum has no "ended" value.
    "255": ArbitrationState.NONE,
}

# Buyer reason_code list of 2021 (PLATFORMS.md 1.5); several codes repeat a meaning.
_REASONS = {
    "1": "no_reason.unwanted",          # 多拍/错拍/不想要 (is_no_reason)
    "2": "fulfilment.late_shipment",    # 未按约定时间发货
    "3": "logistics.not_delivered",     # 快递一直未送达
    "4": "logistics.no_tracking",       # 快递无跟踪记录
    "5": "fulfilment",                  # 少件/错件/空包裹: one of three, so the parent
    "6": "no_reason.dislike",           # 不喜欢/效果不好 (is_no_reason)
    "7": "quality.defect",              # 做工粗糙/有瑕疵/破损或污渍
    "8": "quality.malfunction",         # 功能故障
    "9": "not_as_described",            # 效果与商品描述不符
    "10": "not_as_described.material",  # 材质/品牌/外观描述不符
    "11": "not_as_described.spec",      # 生产日期/保质期/规格描述不符
    "12": "counterfeit",                # 假冒品牌
    "13": "negotiated",                 # 协商一致退款
    "14": "fulfilment.out_of_stock",    # 缺货
    "15": "other",                      # 其他
    "16": "not_as_described.size",      # 大小/尺寸/重量不符
    "17": "not_as_described.spec",      # 生产日期/保质期不符
    "18": "not_as_described.spec",      # 品种/规格/成分不符
    "19": "quality.expired",            # 腐烂/变质
    "20": "fulfilment.missing_item",    # 少件/漏发
    "21": "quality.damaged",            # 包装/商品破损
    "22": "fulfilment.wrong_item",      # 商家发错货
    "23": "negotiated",                 # 与商家协商一致退款
    "24": "price.shipping_fee",         # 退运费
    "25": "not_as_described.spec",      # 品种/产品/规格/成分不符
    "26": "quality.expired",            # 腐烂/变质/死亡
    "27": "quality.expired",            # 变质/过期
    "28": "not_as_described.spec",      # 规格等描述不符
    "29": "fulfilment",                 # 少件/错件/空包裹
    "30": "counterfeit",                # 盗版
    "31": "quality.defect",             # 做工粗糙/有瑕疵/有污渍
    "32": "quality.damaged",            # 产品破损/损坏
    "33": "not_as_described.material",  # 材质/外观不符
    "34": "quality.allergy",            # 使用后过敏
}

_HOURS_48 = 48
_DAYS_7 = 7 * 24
_SRC = "PLATFORMS.md §1.4"


def _rule(kind, party, on_timeout, hours, source) -> DeadlineRule:
    # every Douyin duration is [UNVERIFIED] in PLATFORMS.md; the consequences are from the SDK texts
    return DeadlineRule(kind, party, on_timeout, Clock.NATURAL, hours=hours, source=source, verified=False)


_DEADLINES = {
    S.AWAITING_SELLER_REVIEW: _rule(
        DeadlineKind.SELLER_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_APPROVE, _HOURS_48,
        f"{_SRC} status 6: 48 h; timeout agrees and issues the default return address (msg 202)"),
    (S.AWAITING_SELLER_REVIEW, T.REFUND_ONLY): _rule(
        DeadlineKind.SELLER_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_REFUND, _HOURS_48,
        f"{_SRC} status 6: 48 h; timeout agrees the refund (msg 201 超时自动同意退款)"),
    (S.AWAITING_SELLER_REVIEW, T.CANCEL_PRE_SHIPMENT): _rule(
        DeadlineKind.SELLER_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_REFUND, _HOURS_48,
        f"{_SRC} status 6: 48 h, may be shorter before shipment; timeout agrees the refund (msg 201)"),
    S.AWAITING_BUYER_RETURN: _rule(
        DeadlineKind.BUYER_SHIP_RETURN, Party.BUYER, TimeoutOutcome.AUTO_CLOSE, _DAYS_7,
        f"{_SRC} status 7: 7 days to submit return tracking; timeout closes (28, msg 207)"),
    S.AWAITING_RECEIPT_REVIEW: _rule(
        DeadlineKind.SELLER_RECEIPT_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_CONFIRM_RECEIPT, _HOURS_48,
        f"{_SRC} status 11: ~48 h after sign-for; timeout confirms receipt and refunds (msg 201)"),
    S.SELLER_REJECTED: _rule(
        DeadlineKind.BUYER_ESCALATE, Party.BUYER, TimeoutOutcome.AUTO_CLOSE, _DAYS_7,
        f"{_SRC} status 27: 'several days' to modify or escalate; 7 days taken from §1.4 WeChat"),
    S.RECEIPT_REJECTED: _rule(
        DeadlineKind.BUYER_ESCALATE, Party.BUYER, TimeoutOutcome.AUTO_CLOSE, _DAYS_7,
        f"{_SRC} status 29: 'several days' to escalate; 7 days taken from §1.4 WeChat"),
    S.AWAITING_BUYER_RECEIPT: _rule(
        DeadlineKind.BUYER_CONFIRM_RECEIPT, Party.BUYER, TimeoutOutcome.AUTO_CONFIRM_DELIVERY, 10 * 24,
        "PLATFORMS.md §1.3 status 13 -> 14 'buyer receives / auto'; no duration given, 10 days assumed"),
    # No default for 8 (seller ships resend/repair) or arbitration 4 (seller evidence): PLATFORMS.md
    # gives none; Douyin's `status_deadline` / `arbitrate_status_deadline` are the only source.
}

_REFUSED = {
    (T.CANCEL_PRE_SHIPMENT, Action.REJECT): (
        "Refuse by shipping the order: Douyin's review API cannot reject a pre-shipment refund "
        "(通过发货拒绝售前退申请)."),
}

PROFILE = PlatformProfile(
    code="douyin",
    name_en="Douyin shop",
    name_zh="抖店",
    executes_timeouts=False,   # Douyin performs its own timeouts; we warn and reconcile
    calendar="CN",
    warn_before=timedelta(hours=12),
    status_map=frozen(_STATUS),
    type_map=frozen(_TYPES),
    refund_status_map=frozen(_REFUND_STATUS),
    arbitration_map=frozen(_ARBITRATION),
    reason_map=frozen(_REASONS),
    deadlines=frozen(_DEADLINES),
    refused_actions=frozen(_REFUSED),
    money_minor_units=True,    # amounts are integer fen
    sources=(
        "PLATFORMS.md §1 (Douyin shop)",
        "https://op.jinritemai.com/docs/message-docs/31/226 (msg 209, status_deadline changes)",
        "github.com/zsmhub/doudian-sdk api/afterSale_* (status, type, refund and arbitration enums)",
        "github.com/bububa/jinritemai-go message/refund (timeout texts, reason codes)",
        "https://developers.weixin.qq.com/ aftersale/introduction.html (sanity defaults, §1.4)",
    ),
)
