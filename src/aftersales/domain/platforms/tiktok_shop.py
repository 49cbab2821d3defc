"""TikTok Shop (Partner API 202309+): the after-sales rules as data (PLATFORMS.md section 3).

One status map holds return statuses, replacement statuses, cancellation statuses and the
legacy v1 `reverse_order_status` numbers; they do not collide.  Names differ between the docs
and what the API returns (REQUEST_REJECTED vs REFUND_OR_RETURN_REQUEST_REJECT), and some code
misspells REPLACEMENT, so every spelling seen is accepted.

The deadlines are the US marketplace's where the API overview gives them (verified); where only
a South-East Asian market is documented the number is used but marked unverified.  The
platform's `seller_next_action_response[].deadline` always wins.
"""

from __future__ import annotations

from datetime import timedelta

from aftersales.domain.deadlines import Clock, DeadlineKind, Party, TimeoutOutcome
from aftersales.domain.lifecycle import ArbitrationState, CaseState, CaseType, RefundState
from aftersales.domain.platforms.base import DeadlineRule, PlatformProfile, frozen

S = CaseState
T = CaseType

_REPLACEMENT = {
    "PENDING": S.AWAITING_SELLER_REVIEW,
    "REJECT": S.SELLER_REJECTED,
    "REFUND_SUCCESS": S.COMPLETED,             # seller refunded instead (e.g. no stock)
    "CANCEL": S.CLOSED,
    # a new order is created for the seller to fulfil (PLATFORMS.md 6.1 puts it here)
    "COMPLETE": S.AWAITING_SELLER_SHIPMENT,
}

_STATUS = {
    "RETURN_OR_REFUND_REQUEST_PENDING": S.AWAITING_SELLER_REVIEW,
    "REFUND_OR_RETURN_REQUEST_REJECT": S.SELLER_REJECTED,
    "RETURN_OR_REFUND_REQUEST_REJECT": S.SELLER_REJECTED,
    "REQUEST_REJECTED": S.SELLER_REJECTED,         # the doc table's name
    "AWAITING_BUYER_SHIP": S.AWAITING_BUYER_RETURN,
    "BUYER_SHIPPED_ITEM": S.AWAITING_RECEIPT_REVIEW,
    "REJECT_RECEIVE_PACKAGE": S.RECEIPT_REJECTED,
    "RECEIVE_REJECTED": S.RECEIPT_REJECTED,        # the doc table's name
    "RETURN_OR_REFUND_REQUEST_SUCCESS": S.REFUND_IN_PROGRESS,
    "REQUEST_SUCCESS": S.REFUND_IN_PROGRESS,
    "RETURN_OR_REFUND_REQUEST_COMPLETE": S.COMPLETED,
    "RETURN_OR_REFUND_REQUEST_CANCEL": S.CLOSED,
    "RETURN_OR_REFUND_CANCEL": S.CLOSED,
    "AWAITING_BUYER_RESPONSE": S.AWAITING_BUYER_RESPONSE,   # seller offered a partial refund
    **{f"REPLACEMENT_REQUEST_{k}": v for k, v in _REPLACEMENT.items()},
    **{f"REPLACMENT_REQUEST_{k}": v for k, v in _REPLACEMENT.items()},
    "CANCELLATION_REQUEST_PENDING": S.AWAITING_SELLER_REVIEW,
    "CANCELLATION_REQUEST_SUCCESS": S.REFUND_IN_PROGRESS,
    "CANCELLATION_REQUEST_CANCEL": S.CLOSED,
    "CANCELLATION_REQUEST_COMPLETE": S.COMPLETED,
    # legacy v1 reverse API (old shops, webhook type 2), by number and by name
    "1": S.AWAITING_SELLER_REVIEW, "AFTERSALE_APPLYING": S.AWAITING_SELLER_REVIEW,
    "2": S.SELLER_REJECTED, "AFTERSALE_REJECT_APPLICATION": S.SELLER_REJECTED,
    "3": S.AWAITING_BUYER_RETURN, "AFTERSALE_RETURNING": S.AWAITING_BUYER_RETURN,
    "4": S.AWAITING_RECEIPT_REVIEW, "AFTERSALE_BUYER_SHIPPED": S.AWAITING_RECEIPT_REVIEW,
    "5": S.RECEIPT_REJECTED, "AFTERSALE_SELLER_REJECT_RECEIVE": S.RECEIPT_REJECTED,
    "50": S.REFUND_IN_PROGRESS, "AFTERSALE_SUCCESS": S.REFUND_IN_PROGRESS,
    "51": S.COMPLETED, "CANCEL_SUCCESS": S.COMPLETED,
    "99": S.CLOSED, "CLOSED": S.CLOSED,
    "100": S.COMPLETED, "COMPLETE": S.COMPLETED,
}

_TYPES = {
    "REFUND": T.REFUND_ONLY,
    "RETURN_AND_REFUND": T.RETURN_REFUND,
    "REPLACEMENT": T.EXCHANGE,
    "BUYER_CANCEL": T.CANCEL_PRE_SHIPMENT,
    "CANCEL": T.CANCEL_PRE_SHIPMENT,
    # legacy v1 reverse_type
    "1": T.CANCEL_PRE_SHIPMENT,
    "2": T.REFUND_ONLY, "REFUND_ONLY": T.REFUND_ONLY,
    "3": T.RETURN_REFUND,
    "4": T.CANCEL_PRE_SHIPMENT, "REQUEST_CANCEL": T.CANCEL_PRE_SHIPMENT,
}

# TikTok has no refund field of its own: the money's progress is read off the status
# (REQUEST_SUCCESS = approved and being refunded, COMPLETE = refunded), so this map is keyed
# by the same raw statuses and derived from the status map above.
_REFUND_BY_STATE = {S.REFUND_IN_PROGRESS: RefundState.PROCESSING, S.COMPLETED: RefundState.SUCCEEDED}
_REFUND_STATUS = {raw: _REFUND_BY_STATE.get(state, RefundState.NONE) for raw, state in _STATUS.items()}

_ARBITRATION = {
    "IN_PROGRESS": ArbitrationState.IN_REVIEW,
    "SUPPORT_BUYER": ArbitrationState.FOR_BUYER,
    "SUPPORT_SELLER": ArbitrationState.FOR_SELLER,
    # closed without a ruling for either side (those have their own values)
    "CLOSED": ArbitrationState.CANCELLED,
}

_SHIPPED = "ecom_order_shipped_refund_reason_"
_DELIVERED = "ecom_order_delivered_refund_reason_"
_RETURN = "ecom_order_delivered_refund_and_return_reason_"
_REASONS = {
    f"{_SHIPPED}not_arrive_on_time": "logistics",
    f"{_DELIVERED}not_received": "logistics.not_delivered",
    f"{_DELIVERED}missing_product": "fulfilment.missing_item",
    f"{_DELIVERED}damaged": "quality.damaged",
    f"{_DELIVERED}defective": "quality.malfunction",
    f"{_DELIVERED}missing_broken_parts": "fulfilment.missing_item",
    f"{_DELIVERED}not_match_description": "not_as_described",
    f"{_DELIVERED}wrong_product_1": "fulfilment.wrong_item",
    f"{_DELIVERED}no_need_uk": "no_reason.unwanted",
    f"{_RETURN}damaged": "quality.damaged",
    f"{_RETURN}wrong_item": "fulfilment.wrong_item",
    f"{_RETURN}wrong_product": "fulfilment.wrong_item",
    f"{_RETURN}no_longer_needed_new": "no_reason.unwanted",
    f"{_RETURN}no_need": "no_reason.unwanted",
    "buyer_refund_does_not_suit_me": "no_reason.dislike",
}

_SRC = "PLATFORMS.md §3.4"


def _hours(kind, party, on_timeout, hours, source, verified) -> DeadlineRule:
    return DeadlineRule(kind, party, on_timeout, Clock.NATURAL, hours=hours, source=source, verified=verified)


_DEADLINES = {
    S.AWAITING_SELLER_REVIEW: _hours(
        DeadlineKind.SELLER_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_APPROVE, 48,
        f"{_SRC} request pending: 48 h, auto-approve (API overview)", True),
    (S.AWAITING_SELLER_REVIEW, T.REFUND_ONLY): _hours(
        DeadlineKind.SELLER_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_REFUND, 48,
        f"{_SRC} refund request pending: 48 h, auto-approve (API overview)", True),
    (S.AWAITING_SELLER_REVIEW, T.CANCEL_PRE_SHIPMENT): _hours(
        DeadlineKind.SELLER_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_REFUND, 24,
        f"{_SRC} US buyer cancel before the shipping SLA: 24 h, auto-approve and refund", True),
    (S.AWAITING_SELLER_REVIEW, T.EXCHANGE): _hours(
        DeadlineKind.SELLER_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_APPROVE, 24,
        f"{_SRC} replacement request: 24 h, auto-accept", True),
    S.AWAITING_BUYER_RETURN: _hours(
        DeadlineKind.BUYER_SHIP_RETURN, Party.BUYER, TimeoutOutcome.AUTO_CLOSE, 5 * 24,
        f"{_SRC} AWAITING_BUYER_SHIP: ID 5 calendar days; US not documented", False),
    S.AWAITING_RECEIPT_REVIEW: _hours(
        DeadlineKind.SELLER_RECEIPT_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_CONFIRM_RECEIPT, 48,
        f"{_SRC} return package delivered: 48 h, auto-approve (API overview); counted from "
        "delivery, so from the node's start it errs early", True),
    S.SELLER_REJECTED: _hours(
        DeadlineKind.BUYER_ESCALATE, Party.BUYER, TimeoutOutcome.AUTO_CLOSE, 48,
        f"{_SRC} seller rejected: 'given time' to raise arbitration; SEA 48 h; US not documented", False),
    S.RECEIPT_REJECTED: _hours(
        DeadlineKind.BUYER_ESCALATE, Party.BUYER, TimeoutOutcome.AUTO_CLOSE, 48,
        f"{_SRC}/§3.3 package rejected: arbitration in time or cancel; SEA 48 h assumed", False),
    # the replacement is a new order: TikTok's own shipping SLA applies to it; missing it is
    # counted against the shop, nothing moves the case
    S.AWAITING_SELLER_SHIPMENT: DeadlineRule(
        DeadlineKind.SELLER_RESHIP, Party.SELLER, TimeoutOutcome.BREACH_ONLY, Clock.BUSINESS_DAYS,
        business_days=2, verified=False,
        source="PLATFORMS.md §3.4/§5 US 2-business-day shipping SLA, applied to the replacement order"),
    # No default for AWAITING_BUYER_RESPONSE (partial-refund offer): PLATFORMS.md gives none.
}

PROFILE = PlatformProfile(
    code="tiktok_shop",
    name_en="TikTok Shop",
    name_zh="TikTok Shop",
    executes_timeouts=False,   # TikTok performs its own timeouts; we warn and reconcile
    calendar="US",
    warn_before=timedelta(hours=12),
    status_map=frozen(_STATUS),
    type_map=frozen(_TYPES),
    refund_status_map=frozen(_REFUND_STATUS),
    arbitration_map=frozen(_ARBITRATION),
    reason_map=frozen(_REASONS),
    deadlines=frozen(_DEADLINES),
    refused_actions=frozen({}),
    money_minor_units=False,   # decimal strings plus currency
    sources=(
        "PLATFORMS.md §3 (TikTok Shop)",
        "https://partner.tiktokshop.com/docv2/page/return-refund-and-cancel-api-overview",
        "https://partner.tiktokshop.com/docv2/page/refund-reasons",
        "github.com/hsib19/tiktok-shop-sdk ReturnRefundModule.ts (status and arbitration enums)",
        "https://seller-id.tokopedia.com (ID return windows)",
    ),
)
