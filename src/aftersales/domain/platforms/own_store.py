"""Own web stores: no platform above us, so we are the platform (PLATFORMS.md 4.1, 6.2).

Shopify-like stores have no SLA and no auto-approve: every deadline here is our own policy,
and our deadline sweep performs the timeouts (`executes_timeouts=True`).  The durations follow
the WeChat mini-store after-sales timeouts that PLATFORMS.md 1.4 gives as the sanity check for
Chinese platforms, and the legal baseline of 2.7.  A shop can override them in its settings.

Raw values are our own canonical values (the portal and our API speak them) plus Shopify's
ReturnStatus and ReturnReason for imported stores.  Shopify's OPEN covers both "waiting for
the parcel" and "parcel on its way"; the caller qualifies it with the ReturnState value
("OPEN|in_transit").
"""

from __future__ import annotations

from datetime import timedelta

from aftersales.domain.deadlines import Clock, DeadlineKind, Party, TimeoutOutcome
from aftersales.domain.lifecycle import (
    ArbitrationState,
    CaseState,
    CaseType,
    RefundState,
    ReturnState,
)
from aftersales.domain.platforms.base import DeadlineRule, PlatformProfile, frozen
from aftersales.domain.reasons import REASONS

S = CaseState
T = CaseType

_STATUS = {
    **{s.value: s for s in CaseState if s is not S.UNKNOWN},
    # Shopify ReturnStatus
    "REQUESTED": S.AWAITING_SELLER_REVIEW,
    "OPEN": S.AWAITING_BUYER_RETURN,                           # no reverse-delivery tracking yet
    f"OPEN|{ReturnState.AWAITING_SHIPMENT}": S.AWAITING_BUYER_RETURN,
    f"OPEN|{ReturnState.IN_TRANSIT}": S.AWAITING_RECEIPT_REVIEW,
    f"OPEN|{ReturnState.DELIVERED}": S.AWAITING_RECEIPT_REVIEW,
    f"OPEN|{ReturnState.INSPECTED}": S.AWAITING_RECEIPT_REVIEW,
    "DECLINED": S.SELLER_REJECTED,   # terminal in Shopify; our buyer-escalate timer closes it
    "CLOSED": S.COMPLETED,
    "CANCELED": S.CLOSED,
}

_TYPES = {t.value: t for t in CaseType}
_REFUND_STATUS = {r.value: r for r in RefundState}
_ARBITRATION = {a.value: a for a in ArbitrationState}

# Shopify ReturnReason (per line; deprecated in the Customer API for reason definitions)
SHOPIFY_REASONS = {
    "COLOR": "no_reason.dislike",
    "DEFECTIVE": "quality.malfunction",
    "NOT_AS_DESCRIBED": "not_as_described",
    "OTHER": "other",
    "SIZE_TOO_LARGE": "no_reason.size_fit",
    "SIZE_TOO_SMALL": "no_reason.size_fit",
    "STYLE": "no_reason.dislike",
    "UNKNOWN": "other",
    "UNWANTED": "no_reason.unwanted",
    "WRONG_ITEM": "fulfilment.wrong_item",
}
_REASONS = {**{code: code for code in REASONS}, **SHOPIFY_REASONS}

_WECHAT = "own policy, WeChat mini-store default (PLATFORMS.md §1.4)"


def _hours(kind, party, on_timeout, hours, source) -> DeadlineRule:
    # our own policy: nothing to verify on a platform
    return DeadlineRule(kind, party, on_timeout, Clock.NATURAL, hours=hours, source=source, verified=True)


_DEADLINES = {
    S.AWAITING_SELLER_REVIEW: _hours(
        DeadlineKind.SELLER_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_APPROVE, 48,
        f"{_WECHAT}: seller handles a return in 48 h"),
    (S.AWAITING_SELLER_REVIEW, T.REFUND_ONLY): _hours(
        DeadlineKind.SELLER_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_REFUND, 48,
        f"{_WECHAT}: seller handles a refund in 48 h"),
    (S.AWAITING_SELLER_REVIEW, T.CANCEL_PRE_SHIPMENT): _hours(
        DeadlineKind.SELLER_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_REFUND, 48,
        f"{_WECHAT}: seller handles a refund in 48 h"),
    S.AWAITING_BUYER_RETURN: _hours(
        DeadlineKind.BUYER_SHIP_RETURN, Party.BUYER, TimeoutOutcome.AUTO_CLOSE, 7 * 24,
        f"{_WECHAT}: buyer uploads return tracking in 7 days"),
    # 10 days from the buyer shipping covers transit plus inspection.  The law wants the refund
    # within 7 days of *receiving* the goods (§2.7 Art. 14): a shop that gets parcels in under
    # 3 days should shorten this.
    S.AWAITING_RECEIPT_REVIEW: _hours(
        DeadlineKind.SELLER_RECEIPT_REVIEW, Party.SELLER, TimeoutOutcome.AUTO_CONFIRM_RECEIPT, 10 * 24,
        f"{_WECHAT}: seller confirms receipt in 10 days"),
    S.SELLER_REJECTED: _hours(
        DeadlineKind.BUYER_ESCALATE, Party.BUYER, TimeoutOutcome.AUTO_CLOSE, 7 * 24,
        f"{_WECHAT}: buyer asks for intervention in 7 days"),
    S.RECEIPT_REJECTED: _hours(
        DeadlineKind.BUYER_ESCALATE, Party.BUYER, TimeoutOutcome.AUTO_CLOSE, 7 * 24,
        f"{_WECHAT}: buyer asks for intervention in 7 days"),
    S.AWAITING_BUYER_RESPONSE: _hours(
        DeadlineKind.BUYER_RESPOND, Party.BUYER, TimeoutOutcome.AUTO_CLOSE, 7 * 24,
        "own policy: 7 days to answer an offer, like the other buyer steps of §1.4"),
    # nothing can ship itself: a missed promise is counted, the case does not move
    S.AWAITING_SELLER_SHIPMENT: DeadlineRule(
        DeadlineKind.SELLER_RESHIP, Party.SELLER, TimeoutOutcome.BREACH_ONLY, Clock.BUSINESS_DAYS,
        business_days=2, verified=True,
        source="own policy: reship in 2 business days, like the 2-business-day shipping SLA (§5)"),
    S.AWAITING_BUYER_RECEIPT: _hours(
        DeadlineKind.BUYER_CONFIRM_RECEIPT, Party.BUYER, TimeoutOutcome.AUTO_CONFIRM_DELIVERY, 10 * 24,
        "own policy: 10 days, like the receipt window of §1.4"),
    S.REFUND_IN_PROGRESS: _hours(
        DeadlineKind.SELLER_REFUND_ISSUE, Party.SELLER, TimeoutOutcome.BREACH_ONLY, 7 * 24,
        "PLATFORMS.md §2.7: refund within 7 days of receiving the return (消费者权益保护法 Art. 25, "
        "七日无理由退货办法 Art. 14)"),
}

PROFILE = PlatformProfile(
    code="own_store",
    name_en="Own web store",
    name_zh="自营网店",
    executes_timeouts=True,    # no platform above us: our sweep performs the timeouts
    calendar="CN",
    warn_before=timedelta(hours=12),
    status_map=frozen(_STATUS),
    type_map=frozen(_TYPES),
    refund_status_map=frozen(_REFUND_STATUS),
    arbitration_map=frozen(_ARBITRATION),
    reason_map=frozen(_REASONS),
    deadlines=frozen(_DEADLINES),
    refused_actions=frozen({}),
    money_minor_units=False,   # Shopify MoneyBag: decimal strings plus currency
    sources=(
        "PLATFORMS.md §4.1 (Shopify returns), §1.4 (WeChat defaults), §2.7 (legal baseline)",
        "https://shopify.dev/docs/api/admin-graphql (Return, ReturnStatus, ReturnReason)",
        "https://developers.weixin.qq.com/ aftersale/introduction.html",
    ),
)
