"""Shopify (an own store on a hosted shop system): the after-sales rules as data (PLATFORMS.md 4.1).

Shopify has no platform SLA and no auto-approve, so, as for any own store, every deadline is our
own policy and our sweep performs the timeouts (`executes_timeouts=True`); the durations are the
own-store defaults.  Unlike a plain own store, the seller's decisions go back to Shopify's Admin API
through the connector (`sends_actions=True`): returnApproveRequest, returnDeclineRequest,
returnProcess / refundCreate.

Raw values: Shopify's `ReturnStatus` (upper case in GraphQL, lower case in webhook payloads: the
connector upper-cases them), OPEN qualified with our ReturnState ("OPEN|in_transit") once a reverse
delivery carries tracking, and `ReturnReason` per line.
"""

from __future__ import annotations

from dataclasses import replace

from aftersales.domain.lifecycle import CaseState, CaseType, ReturnState
from aftersales.domain.platforms import own_store
from aftersales.domain.platforms.base import frozen

S = CaseState

_STATUS = {
    "REQUESTED": S.AWAITING_SELLER_REVIEW,
    "OPEN": S.AWAITING_BUYER_RETURN,                           # approved, no reverse-delivery tracking yet
    f"OPEN|{ReturnState.AWAITING_SHIPMENT}": S.AWAITING_BUYER_RETURN,
    f"OPEN|{ReturnState.IN_TRANSIT}": S.AWAITING_RECEIPT_REVIEW,
    f"OPEN|{ReturnState.DELIVERED}": S.AWAITING_RECEIPT_REVIEW,
    f"OPEN|{ReturnState.INSPECTED}": S.AWAITING_RECEIPT_REVIEW,
    "DECLINED": S.SELLER_REJECTED,   # terminal in Shopify; our buyer-escalate timer closes it
    "CLOSED": S.COMPLETED,           # "completed": processed and refunded or exchanged
    "CANCELED": S.CLOSED,
}

# A Shopify return is goods coming back; an exchange when it carries exchange line items.
_TYPES = {"RETURN": CaseType.RETURN_REFUND, "EXCHANGE": CaseType.EXCHANGE}

_REASONS = own_store.SHOPIFY_REASONS

PROFILE = replace(
    own_store.PROFILE,
    code="shopify",
    name_en="Shopify store",
    name_zh="Shopify 独立站",
    status_map=frozen(_STATUS),
    type_map=frozen(_TYPES),
    refund_status_map=frozen({}),
    arbitration_map=frozen({}),
    reason_map=frozen(_REASONS),
    money_minor_units=False,   # MoneyBag / decimal strings plus currency
    sends_actions=True,
    sources=(
        "PLATFORMS.md §4.1 (Shopify returns: no platform SLA, no auto-approve)",
        "https://shopify.dev/docs/api/admin-graphql (Return, ReturnStatus, ReturnReason, returnApproveRequest)",
        "https://shopify.dev/docs/apps/build/webhooks (returns/* topics, X-Shopify-Hmac-Sha256)",
        "own-store deadlines: PLATFORMS.md §1.4 WeChat mini-store defaults (domain/platforms/own_store.py)",
    ),
)
