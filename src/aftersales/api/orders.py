"""Orders in: create, or bring up to date, by the shop's order number."""

from __future__ import annotations

from django.db.models import Prefetch
from ninja import Path, Router, Status

from aftersales.api.auth import caller
from aftersales.api.schemas import MAX_ID, OrderBody, OrderOut
from aftersales.cases.models import Case
from aftersales.catalog.models import Shop
from aftersales.errors import NotFound, ValidationFailed
from aftersales.orders import services
from aftersales.orders.models import Order, OrderLine

router = Router(tags=["orders"])


def order_out(order: Order) -> dict:
    return {
        "id": order.pk, "shop_id": order.shop_id, "external_id": order.external_id,
        "buyer": {"id": order.buyer.pk, "external_id": order.buyer.external_id, "name": order.buyer.name},
        "currency": order.currency, "paid_amount": order.paid_amount, "placed_at": order.placed_at,
        "shipped_at": order.shipped_at, "delivered_at": order.delivered_at,
        "lines": [{
            "id": ln.pk, "external_id": ln.external_id, "sku_code": ln.sku_code, "title": ln.title,
            "category": ln.category, "quantity": ln.quantity, "unit_price": ln.unit_price,
            "paid_amount": ln.paid_amount, "protections": [p.kind for p in ln.protections.all()],
            "ledger": {"qty_requested": ln.qty_requested, "qty_received": ln.qty_received,
                       "qty_received_damaged": ln.qty_received_damaged, "qty_refunded": ln.qty_refunded,
                       "qty_exchanged": ln.qty_exchanged, "amount_refunded": ln.amount_refunded},
        } for ln in order.lines.all()],
        "shipments": [{"carrier": s.carrier, "tracking_number": s.tracking_number, "shipped_at": s.shipped_at,
                       "delivered_at": s.delivered_at} for s in order.shipments.all()],
        "cases": [{"id": c.pk, "number": c.number, "state": c.state} for c in order.cases.all()],
    }


def load_order(organisation, order_id: int) -> Order:
    order = (Order.objects.filter(organisation=organisation, pk=order_id).select_related("buyer")
             .prefetch_related(Prefetch("lines", OrderLine.objects.order_by("id").prefetch_related("protections")),
                               "shipments", Prefetch("cases", Case.objects.order_by("id").only("id", "state", "order_id")))
             .first())
    if order is None:
        raise NotFound(f"order {order_id} not found", message_zh=f"未找到订单 {order_id}")
    return order


@router.post("", response={200: OrderOut, 201: OrderOut},
             summary="Create an order, or update its shipping facts if the shop already has that order number")
def upsert_order(request, payload: OrderBody):
    organisation = caller(request).organisation
    shop = Shop.objects.filter(organisation=organisation, pk=payload.shop_id).first()
    if shop is None:
        raise ValidationFailed.field("shop_id", f"no shop {payload.shop_id} in your organisation")
    data = services.OrderIn(
        external_id=payload.external_id,
        buyer=services.BuyerIn(**payload.buyer.model_dump()),
        lines=[services.LineIn(**ln.model_dump()) for ln in payload.lines],
        placed_at=payload.placed_at, paid_amount=payload.paid_amount, shipped_at=payload.shipped_at,
        delivered_at=payload.delivered_at, carrier=payload.carrier, tracking_number=payload.tracking_number)
    order, created = services.upsert_order(organisation, shop, data)
    return Status(201 if created else 200, order_out(load_order(organisation, order.pk)))


@router.get("/{order_id}", response=OrderOut, summary="One order with its lines, shipments and cases")
def get_order(request, order_id: int = Path(..., ge=1, le=MAX_ID)):
    return order_out(load_order(caller(request).organisation, order_id))
