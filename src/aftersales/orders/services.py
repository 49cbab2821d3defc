"""Taking orders in: from the API, an import file, a connector or the demo."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from aftersales.catalog.models import Shop, Sku
from aftersales.domain.policies import Protection as ProtectionKind
from aftersales.errors import ValidationFailed
from aftersales.orders.models import Buyer, Order, OrderLine, Protection, Shipment


@dataclass
class BuyerIn:
    external_id: str
    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class LineIn:
    sku_code: str
    quantity: int
    unit_price: Decimal
    title: str = ""
    category: str = ""
    external_id: str = ""
    paid_amount: Decimal | None = None          # default: quantity × unit price
    protections: list[str] = field(default_factory=list)


@dataclass
class OrderIn:
    external_id: str
    buyer: BuyerIn
    lines: list[LineIn]
    placed_at: datetime
    paid_amount: Decimal | None = None          # default: the lines' sum
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    carrier: str = ""
    tracking_number: str = ""
    payment_method: str = ""                    # domain/refund_arrival.py: how long a refund takes


def validate_order(data: OrderIn) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def err(name, msg):
        errors.setdefault(name, []).append(msg)

    if not data.external_id.strip():
        err("external_id", "the order number is required")
    if not data.buyer.external_id.strip():
        err("buyer.external_id", "the buyer's id is required")
    if not data.lines:
        err("lines", "an order needs at least one line")
    for i, line in enumerate(data.lines):
        if not line.sku_code.strip():
            err(f"lines[{i}].sku_code", "required")
        if line.quantity < 1:
            err(f"lines[{i}].quantity", "must be at least 1")
        if line.unit_price < 0:
            err(f"lines[{i}].unit_price", "must not be negative")
        if line.paid_amount is not None and line.paid_amount < 0:
            err(f"lines[{i}].paid_amount", "must not be negative")
        for p in line.protections:
            if p not in ProtectionKind.__members__.values():
                err(f"lines[{i}].protections", f"unknown protection {p!r}; one of "
                                               f"{', '.join(x.value for x in ProtectionKind)}")
    for name in ("placed_at", "shipped_at", "delivered_at"):
        value = getattr(data, name)
        if value is not None and value.tzinfo is None:
            err(name, "give a time zone (e.g. 2026-11-25T10:00:00+08:00)")
    if data.shipped_at and data.delivered_at and data.delivered_at < data.shipped_at:
        err("delivered_at", "cannot be before shipped_at")
    return errors


def upsert_order(organisation, shop: Shop, data: OrderIn) -> tuple[Order, bool]:
    """Create the order, or bring an existing one's shipping facts up to date.  Returns (order, created)."""
    errors = validate_order(data)
    if errors:
        raise ValidationFailed("the order is not valid", fields=errors)
    with transaction.atomic():
        existing = Order.objects.filter(shop=shop, external_id=data.external_id).first()
        if existing is not None:
            changed = {k: getattr(data, k) for k in ("shipped_at", "delivered_at")
                       if getattr(data, k) is not None and getattr(existing, k) != getattr(data, k)}
            if changed:
                Order.objects.filter(pk=existing.pk).update(**changed)
                existing.refresh_from_db()
            return existing, False
        buyer, _ = Buyer.objects.get_or_create(
            shop=shop, external_id=data.buyer.external_id,
            defaults={"organisation": organisation, "name": data.buyer.name, "phone": data.buyer.phone,
                      "email": data.buyer.email})
        line_paid = [ln.paid_amount if ln.paid_amount is not None else ln.unit_price * ln.quantity
                     for ln in data.lines]
        paid = data.paid_amount if data.paid_amount is not None else sum(line_paid, Decimal("0"))
        order = Order.objects.create(
            organisation=organisation, shop=shop, buyer=buyer, external_id=data.external_id,
            currency=shop.currency, paid_amount=paid, placed_at=data.placed_at, shipped_at=data.shipped_at,
            delivered_at=data.delivered_at, payment_method=data.payment_method)
        skus = {s.code: s for s in Sku.objects.filter(shop=shop, code__in=[ln.sku_code for ln in data.lines])
                .select_related("product")}
        for ln, lp in zip(data.lines, line_paid):
            sku = skus.get(ln.sku_code)
            line = OrderLine.objects.create(
                order=order, sku=sku, external_id=ln.external_id, sku_code=ln.sku_code,
                title=ln.title or (sku.title if sku else ln.sku_code),
                category=ln.category or (sku.product.category if sku else ""),
                quantity=ln.quantity, unit_price=ln.unit_price, paid_amount=lp)
            Protection.objects.bulk_create([Protection(order_line=line, kind=p) for p in ln.protections])
        if data.tracking_number:
            Shipment.objects.create(order=order, carrier=data.carrier or "unknown", tracking_number=data.tracking_number,
                                    shipped_at=data.shipped_at, delivered_at=data.delivered_at)
        Buyer.objects.filter(pk=buyer.pk).update(lifetime_spend=F("lifetime_spend") + paid,
                                                 order_count=F("order_count") + 1)
    return order, True
