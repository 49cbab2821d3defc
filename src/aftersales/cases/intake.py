"""Taking an after-sales request in, from any face (API, import file, portal, connector).

Finds the shop, order and lines the request names, checks it field by field (nothing is written
when anything is wrong), and makes repeats harmless: the same idempotency key, or the same
platform case id in the same shop, returns the case made the first time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from aftersales import clock
from aftersales.cases.models import Case, Channel, IdempotencyRecord
from aftersales.cases.permissions import Who
from aftersales.cases.services import NewCase, create_case
from aftersales.catalog.models import Shop
from aftersales.domain import lifecycle as lc
from aftersales.domain.reasons import REASONS
from aftersales.errors import IdempotencyMismatch, ValidationFailed
from aftersales.orders.models import Order


@dataclass
class CaseLineIn:
    sku_code: str = ""
    line_external_id: str = ""
    quantity: int = 1


@dataclass
class CaseIn:
    shop_id: int
    order_external_id: str
    case_type: str
    lines: list[CaseLineIn] = field(default_factory=list)   # empty: every line of the order, in full
    reason_code: str = ""            # canonical (see domain.reasons) ...
    platform_reason: str = ""        # ... or the platform's own code, mapped by the shop's profile
    reason_text: str = ""
    channel: str = Channel.API
    requested_amount: Decimal | None = None
    urgent: bool = False
    platform_case_id: str = ""
    platform_status: str = ""        # raw platform status; mapped by the profile
    platform_status_qualifier: str = ""
    platform_type: str = ""
    platform_deadline: datetime | None = None
    payload: dict = field(default_factory=dict)
    created_at: datetime | None = None


def _canonical(value):
    """The same request written two ways ("10" and "10.00") hashes the same."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def request_hash(data: CaseIn) -> str:
    return hashlib.sha256(json.dumps(asdict(data), sort_keys=True, default=_canonical).encode()).hexdigest()


def submit_case(organisation, data: CaseIn, who: Who, idempotency_key: str = "") -> tuple[Case, bool]:
    """Returns (case, created).  Raises ValidationFailed with field messages, writing nothing."""
    if idempotency_key:
        rec = IdempotencyRecord.objects.filter(organisation=organisation, scope="case.create",
                                               key=idempotency_key).first()
        if rec is not None:
            if rec.request_hash != request_hash(data):
                raise IdempotencyMismatch("this Idempotency-Key was used with a different request",
                                          message_zh="该幂等键已用于另一个不同的请求")
            return Case.objects.get(pk=rec.result["case"]), False
    if data.platform_case_id:
        # A re-delivered platform case is the one we have, whatever its lines now hold.
        existing = Case.objects.filter(organisation=organisation, shop_id=data.shop_id,
                                       platform_case_id=data.platform_case_id).first()
        if existing is not None:
            return existing, False
    shop, order, lines, fields = _resolve(organisation, data)
    profile = shop.profile
    state = lc.CaseState.AWAITING_SELLER_REVIEW
    warnings = []
    if data.platform_status:
        mapped = profile.map_status(data.platform_status, data.platform_status_qualifier or None)
        state = mapped.value
        warnings += [mapped.warning] if mapped.warning else []
    reason_code = fields["reason_code"]
    new = NewCase(
        shop=shop, buyer=order.buyer, order=order, case_type=fields["case_type"], lines=lines,
        reason_code=reason_code, reason_text=data.reason_text, channel=data.channel,
        requested_amount=data.requested_amount, urgent=data.urgent, platform_case_id=data.platform_case_id,
        platform_status_raw=data.platform_status, platform_type_raw=data.platform_type,
        platform_payload=data.payload, platform_due_at=data.platform_deadline, state=state,
        created_at=data.created_at)
    try:
        with transaction.atomic():
            case = create_case(organisation, new, who)
            if warnings:
                from aftersales.cases.services import record
                record(case, "platform.warning", Who.platform(), clock.now(), zh="；".join(warnings),
                       en="; ".join(warnings), buyer_visible=False)
            if idempotency_key:
                IdempotencyRecord.objects.create(organisation=organisation, scope="case.create", key=idempotency_key,
                                                 request_hash=request_hash(data), result={"case": case.pk},
                                                 created_at=clock.now())
    except IntegrityError:
        # Two deliveries of the same request raced: the other one won; return its case.
        if data.platform_case_id:
            existing = Case.objects.filter(shop=shop, platform_case_id=data.platform_case_id).first()
            if existing:
                return existing, False
        if idempotency_key:
            rec = IdempotencyRecord.objects.get(organisation=organisation, scope="case.create", key=idempotency_key)
            return Case.objects.get(pk=rec.result["case"]), False
        raise
    return case, True


def _resolve(organisation, data: CaseIn):
    errors: dict[str, list[str]] = {}

    def err(name, msg):
        errors.setdefault(name, []).append(msg)

    shop = Shop.objects.filter(organisation=organisation, pk=data.shop_id).first()
    if shop is None:
        raise ValidationFailed.field("shop_id", f"no shop {data.shop_id} in your organisation")
    case_type = data.case_type
    if not case_type and data.platform_type:
        mapped = shop.profile.map_type(data.platform_type)
        case_type = mapped.value
    if case_type not in lc.CaseType.__members__.values():
        err("case_type", f"one of {', '.join(t.value for t in lc.CaseType)}")
    reason_code = data.reason_code
    if not reason_code and data.platform_reason:
        reason_code = shop.profile.map_reason(data.platform_reason).value
    reason_code = reason_code or "other"
    if reason_code not in REASONS:
        err("reason_code", f"unknown reason {reason_code!r}")
    if data.channel not in Channel.values:
        err("channel", f"one of {', '.join(Channel.values)}")
    if data.requested_amount is not None and data.requested_amount < 0:
        err("requested_amount", "must not be negative")
    order = (Order.objects.filter(shop=shop, external_id=data.order_external_id).select_related("buyer").first()
             if data.order_external_id else None)
    if order is None:
        err("order_external_id", f"no order {data.order_external_id!r} in shop {shop.name}; import the order first")
        raise ValidationFailed("the request is not valid", fields=errors)
    lines = pick_lines(order.external_id, list(order.lines.all()), data.lines, err)
    if errors:
        raise ValidationFailed("the request is not valid", fields=errors)
    if data.requested_amount is not None:
        from aftersales.cases.ledger import line_share
        paid = sum((line_share(ol, q) for ol, q in lines), Decimal("0"))
        if data.requested_amount > paid:
            raise ValidationFailed.field("requested_amount", f"{data.requested_amount} is more than the "
                                                             f"{paid} paid for these lines")
    return shop, order, lines, {"case_type": case_type, "reason_code": reason_code}


def pick_lines(order_external_id: str, order_lines: list, wanted: list[CaseLineIn], err) -> list[tuple[object, int]]:
    """The (order line, quantity) pairs a request names; none named: every line, all that is left.
    Problems go to `err(field, message)`.  Shared by intake and the bulk importer, whose lines are
    plain rows with the same attributes."""
    if not wanted:
        picked = [(ol, ol.quantity - ol.qty_refunded - ol.qty_requested) for ol in order_lines]
        picked = [(ol, q) for ol, q in picked if q > 0]
        if not picked:
            err("lines", "every line of this order is already refunded or in an open case")
        return picked
    picked = []
    for i, want in enumerate(wanted):
        match = [ol for ol in order_lines
                 if (want.line_external_id and ol.external_id == want.line_external_id)
                 or (not want.line_external_id and ol.sku_code == want.sku_code)]
        if not match:
            err(f"lines[{i}]", f"order {order_external_id} has no line {want.line_external_id or want.sku_code!r}")
        elif want.quantity < 1:
            err(f"lines[{i}].quantity", "must be at least 1")
        elif want.quantity > match[0].quantity:
            err(f"lines[{i}].quantity", f"{want.quantity} asked, {match[0].quantity} bought")
        else:
            picked.append((match[0], want.quantity))
    return picked
