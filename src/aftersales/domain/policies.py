"""Eligibility and automatic decisions: pluggable checks that carry their reasons (zh and en).

INTERFACE FIXED; bodies to be completed.  Pure Python, no Django import.  Every function takes
`now` and facts as arguments and returns frozen dataclasses.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from aftersales.domain.lifecycle import CaseType


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


@dataclass(frozen=True)
class Evaluation:
    verdict: Verdict                       # the worst of the checks
    checks: tuple[CheckResult, ...]
    return_shipping_payer: str             # "buyer" | "seller" | "insurance"
    vip: bool
    policy_version: str

    @property
    def zh(self) -> str: ...

    @property
    def en(self) -> str: ...


@dataclass(frozen=True)
class AutoDecision:
    """What automation does with a new request: approve it, or leave it to a person."""
    approve: bool
    rule: str            # stable name of the rule that decided
    zh: str
    en: str


def evaluate(facts: CaseFacts, policy: ShopPolicy, now: datetime) -> Evaluation:
    raise NotImplementedError


def decide(facts: CaseFacts, evaluation: Evaluation, policy: ShopPolicy) -> AutoDecision:
    raise NotImplementedError
