"""What the API reads and writes, as pydantic models (and so the OpenAPI schema).

Inputs refuse what the database would refuse later (lengths, digits, ranges, unknown keys),
so bad input is a 422 with the field's path before any service runs.  Money travels as a
string ("199.00"), times as ISO 8601 with an offset; input times must carry their offset.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, ConfigDict, Field, field_validator
from ninja import Schema

from aftersales.cases.explain import REJECT_REASONS
from aftersales.cases.models import Channel, InspectionOutcome, OfferKind
from aftersales.domain import lifecycle as lc
from aftersales.domain.policies import Protection

MAX_ID = 2**63 - 1


def _not_bool(value):
    # pydantic reads true as 1; in a count or an id that is a client's mistake.
    if isinstance(value, bool):
        raise ValueError("expected a whole number, not true or false")
    return value


def whole(ge: int, le: int):
    return Annotated[int, BeforeValidator(_not_bool), Field(ge=ge, le=le)]


Id = whole(1, MAX_ID)
Quantity = whole(1, 1_000_000)
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
EARLIEST, LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC)


def in_range(value: datetime) -> datetime:
    # Year 1 or 9999 with an offset cannot be converted to UTC for the database; no real order is there.
    if value.tzinfo is None:
        raise ValueError("give a time zone (e.g. 2026-11-25T10:00:00+08:00)")
    try:
        ok = EARLIEST <= value.astimezone(UTC) < LATEST
    except (OverflowError, ValueError):
        ok = False
    if not ok:
        raise ValueError("must be between 1970 and 2999")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(in_range)]


def no_nul(value: str) -> str:
    # PostgreSQL cannot store U+0000 in text or jsonb; refuse it here rather than fail there.
    if "\x00" in value:
        raise ValueError("must not contain the NUL character (U+0000)")
    return value


def text(max_length: int, min_length: int = 0):
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(no_nul)]


def _no_nul_anywhere(value):
    if isinstance(value, str):
        no_nul(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            _no_nul_anywhere(k)
            _no_nul_anywhere(v)
    elif isinstance(value, list):
        for v in value:
            _no_nul_anywhere(v)
    return value


class In(Schema):
    # A misspelt key is a mistake the client wants to hear about, not a silently dropped value.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --------------------------------------------------------------------------------------------
# Inputs

class BuyerBody(In):
    external_id: text(100, 1) = Field(description="platform buyer id, or the e-mail for own stores")
    name: text(200) = ""
    phone: text(40) = ""
    email: text(254) = ""


class OrderLineBody(In):
    sku_code: text(100, 1)
    quantity: Quantity
    unit_price: Money
    title: text(300) = ""
    category: text(100) = ""
    external_id: text(100) = ""
    paid_amount: Money | None = Field(None, description="default: quantity × unit price")
    protections: list[Protection] = Field(default_factory=list, max_length=10)


class OrderBody(In):
    shop_id: Id
    external_id: text(100, 1) = Field(description="the platform's order number")
    buyer: BuyerBody
    lines: list[OrderLineBody] = Field(min_length=1, max_length=500)
    placed_at: Moment
    paid_amount: Money | None = Field(None, description="default: the lines' sum")
    shipped_at: Moment | None = None
    delivered_at: Moment | None = None
    carrier: text(50) = ""
    tracking_number: text(60) = ""


class CaseLineBody(In):
    sku_code: text(100) = ""
    line_external_id: text(100) = ""
    quantity: Quantity = 1


class CaseBody(In):
    shop_id: Id
    order_external_id: text(100, 1)
    case_type: lc.CaseType | None = Field(None, description="or give platform_type for the shop's profile to map")
    lines: list[CaseLineBody] = Field(default_factory=list, max_length=500,
                                    description="empty: every line of the order still open, in full")
    reason_code: text(60) = ""
    platform_reason: text(60) = ""
    reason_text: text(2000) = ""
    channel: Channel = Channel.API
    requested_amount: Money | None = None
    urgent: bool = False
    platform_case_id: text(100) = ""
    platform_status: text(60) = ""
    platform_status_qualifier: text(60) = ""
    platform_type: text(60) = ""
    platform_deadline: Moment | None = None
    payload: Annotated[dict[str, Any], AfterValidator(_no_nul_anywhere)] = Field(
        default_factory=dict, description="the platform's raw record, kept with the case")
    created_at: Moment | None = None


API_ACTIONS = [a.value for a in lc.Action] + ["pay_refund", "confirm_refund", "inspect"]


class OfferOptionBody(In):
    kind: OfferKind
    amount: Money | None = Field(None, description="partial_refund: required; refund: default the requested amount")
    note: text(2000) = ""
    coupon_code: text(60) = ""
    repair_by: text(100) = ""


class ActionBody(In):
    action: text(30, 1) = Field(description=f"one of {', '.join(API_ACTIONS)}")
    reason: text(2000) = ""
    reason_code: Literal[tuple(REJECT_REASONS)] | None = Field(  # type: ignore[valid-type]
        None, description="reject / reject_receipt: a common reason (the `reason` text is added as a note)")
    amount: Money | None = None
    carrier: text(50) = ""
    tracking_number: text(60) = ""
    offer_kind: OfferKind | None = None
    offer_note: text(2000) = ""
    coupon_code: text(60) = ""
    repair_by: text(100) = ""
    offer_options: list[OfferOptionBody] = Field(
        default_factory=list, max_length=6,
        description="offer: several options for the buyer to choose from (instead of offer_kind & co.)")
    offer_id: Id | None = Field(None, description="accept_offer: the option chosen (default: the latest proposed)")
    expected_version: whole(1, 2**31 - 1) | None = None
    # inspect
    outcome: InspectionOutcome | None = None
    note: text(2000) = ""
    quantity_ok: whole(0, 1_000_000) | None = None
    quantity_damaged: whole(0, 1_000_000) = 0
    # pay_refund
    external_id: text(100) = Field("", description="pay_refund: the payment's reference")

    @field_validator("action")
    @classmethod
    def known_action(cls, value: str) -> str:
        if value not in API_ACTIONS:
            raise ValueError(f"unknown action {value!r}; one of {', '.join(API_ACTIONS)}")
        return value


class MessageBody(In):
    body: text(5000, 1)
    channel: Channel = Channel.API


class RatingBody(In):
    score: Annotated[int, Field(ge=1, le=5, strict=True)]
    comment: text(2000) = ""


class FollowUpBody(In):
    outcome: text(2000, 1)


# --------------------------------------------------------------------------------------------
# Outputs

class PolicyOut(Schema):
    version: int
    no_reason_days: int
    quality_exchange_days: int
    excluded_categories: list[str]
    vip_spend_threshold: Decimal
    auto_approve_unshipped_refund: bool
    auto_approve_small_return_max: Decimal
    first_reply_hours: int
    review_business_days: int
    refund_within_days: int
    followup_days: int
    channel_weights: dict[str, int]


class ShopOut(Schema):
    id: int
    name: str
    platform: str
    platform_name_en: str
    platform_name_zh: str
    platform_shop_id: str
    platform_executes_timeouts: bool
    region: str
    time_zone: str
    currency: str
    business_calendar: str
    return_contact: str
    return_phone: str
    return_address: str
    policy: PolicyOut


class BuyerOut(Schema):
    id: int
    external_id: str
    name: str


class LedgerOut(Schema):
    qty_requested: int
    qty_received: int
    qty_received_damaged: int
    qty_refunded: int
    qty_exchanged: int
    amount_refunded: Decimal


class OrderLineOut(Schema):
    id: int
    external_id: str
    sku_code: str
    title: str
    category: str
    quantity: int
    unit_price: Decimal
    paid_amount: Decimal
    protections: list[str]
    ledger: LedgerOut


class ShipmentOut(Schema):
    carrier: str
    tracking_number: str
    shipped_at: datetime | None
    delivered_at: datetime | None


class CaseRef(Schema):
    id: int
    number: str
    state: str


class OrderOut(Schema):
    id: int
    shop_id: int
    external_id: str
    buyer: BuyerOut
    currency: str
    paid_amount: Decimal
    placed_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    lines: list[OrderLineOut]
    shipments: list[ShipmentOut]
    cases: list[CaseRef]


class ShopRef(Schema):
    id: int
    name: str


class CaseListItem(Schema):
    id: int
    number: str
    shop: ShopRef
    platform: str
    platform_case_id: str
    order_external_id: str | None
    buyer: BuyerOut
    case_type: str
    route: str
    reason_code: str
    problem_type: str
    channel: str
    state: str
    state_zh: str
    state_en: str
    is_open: bool
    refund_state: str
    return_state: str
    arbitration_state: str
    currency: str
    requested_amount: Decimal
    approved_amount: Decimal | None
    urgent: bool
    vip: bool
    priority: int
    priority_band: str
    next_due_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class CasePage(Schema):
    items: list[CaseListItem]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class CaseLineOut(Schema):
    id: int
    order_line_id: int
    order_external_id: str
    sku_code: str
    title: str
    quantity: int
    amount: Decimal
    released: bool


class DeadlineOut(Schema):
    id: int
    kind: str
    party: str
    step: str
    due_at: datetime
    source: str
    clock: str
    on_timeout: str
    status: str
    note: str
    warned_at: datetime | None
    closed_at: datetime | None
    extended_count: int


class OfferOut(Schema):
    id: int
    kind: str
    amount: Decimal | None
    repair_by: str
    coupon_code: str
    note: str
    status: str
    created_at: datetime
    answered_at: datetime | None


class RefundOut(Schema):
    id: int
    amount: Decimal
    currency: str
    status: str
    method: str
    approved_at: datetime
    paid_at: datetime | None
    succeeded_at: datetime | None
    expected_from: datetime | None
    expected_to: datetime | None
    external_id: str


class ReturnShipmentOut(Schema):
    id: int
    carrier: str
    tracking_number: str
    paid_by: str
    status: str
    shipped_at: datetime
    delivered_at: datetime | None


class InspectionOut(Schema):
    id: int
    outcome: str
    quantity_ok: int
    quantity_damaged: int
    note: str
    created_at: datetime


class EvidenceOut(Schema):
    id: int
    kind: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    note: str
    created_at: datetime
    url: str = Field(description="download through the API (same authentication)")


class MessageOut(Schema):
    id: int
    channel: str
    author: str
    body: str
    external_id: str
    created_at: datetime


class EventOut(Schema):
    id: int
    kind: str
    actor: str
    action: str
    state_before: str
    state_after: str
    message_zh: str
    message_en: str
    data: dict[str, Any]
    visible_to_buyer: bool
    created_at: datetime


class FollowUpOut(Schema):
    id: int
    due_at: datetime
    done_at: datetime | None
    outcome: str


class RatingOut(Schema):
    score: int
    comment: str
    created_at: datetime


class CaseDetail(CaseListItem):
    reason_text: str
    close_reason: str
    platform_status_raw: str
    platform_type_raw: str
    first_replied_at: datetime | None
    closed_at: datetime | None
    policy_version: str
    policy_verdict: str
    policy_result: dict[str, Any]
    allowed_actions: list[str]
    lines: list[CaseLineOut]
    deadlines: list[DeadlineOut]
    offers: list[OfferOut]
    refunds: list[RefundOut]
    return_shipments: list[ReturnShipmentOut]
    inspections: list[InspectionOut]
    evidence: list[EvidenceOut]
    messages: list[MessageOut]
    follow_ups: list[FollowUpOut]
    rating: RatingOut | None
    timeline: list[EventOut]
