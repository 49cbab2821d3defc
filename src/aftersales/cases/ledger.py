"""The per-line quantity ledger (ANCHORS.md 8.2).

Every move is a conditional UPDATE that checks the line still has the quantity, so two cases
(or a webhook and an agent) can never request or refund the same unit twice.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F

from aftersales.errors import ValidationFailed
from aftersales.orders.models import OrderLine

CENT = Decimal("0.01")


def line_share(line: OrderLine, quantity: int) -> Decimal:
    """What the buyer paid for `quantity` units of the line (discounts spread evenly)."""
    if line.quantity == 0:
        return Decimal("0")
    return (line.paid_amount * quantity / line.quantity).quantize(CENT, ROUND_HALF_UP)


def reserve(case) -> None:
    for cl in case.lines.select_related("order_line"):
        if cl.quantity <= 0:
            raise ValidationFailed.field("lines", f"line {cl.order_line.sku_code}: quantity must be at least 1")
        got = OrderLine.objects.filter(
            pk=cl.order_line_id,
            quantity__gte=F("qty_refunded") + F("qty_requested") + cl.quantity,
        ).update(qty_requested=F("qty_requested") + cl.quantity)
        if got != 1:
            line = OrderLine.objects.get(pk=cl.order_line_id)
            left = line.quantity - line.qty_refunded - line.qty_requested
            raise ValidationFailed.field(
                "lines", f"line {line.sku_code}: {cl.quantity} requested, {max(left, 0)} left "
                         f"(bought {line.quantity}, refunded {line.qty_refunded}, in other open cases "
                         f"{line.qty_requested})")


def release(case) -> None:
    """Give back what an open case held (on close, or on completion of a non-refund route)."""
    for cl in case.lines.filter(released=False):
        OrderLine.objects.filter(pk=cl.order_line_id, qty_requested__gte=cl.quantity).update(
            qty_requested=F("qty_requested") - cl.quantity)
    case.lines.filter(released=False).update(released=True)


def settle_refund(case) -> None:
    """The money arrived: requested units become refunded units, amounts within what was paid."""
    approved = case.approved_amount if case.approved_amount is not None else case.requested_amount
    lines = list(case.lines.filter(released=False).select_related("order_line"))
    total = sum((cl.amount for cl in lines), Decimal("0")) or Decimal("1")
    for cl in lines:
        amount = (approved * cl.amount / total).quantize(CENT, ROUND_HALF_UP)
        OrderLine.objects.filter(pk=cl.order_line_id, qty_requested__gte=cl.quantity).update(
            qty_requested=F("qty_requested") - cl.quantity,
            qty_refunded=F("qty_refunded") + cl.quantity,
            amount_refunded=F("amount_refunded") + amount,
        )
    case.lines.filter(released=False).update(released=True)


def settle_exchange(case) -> None:
    for cl in case.lines.filter(released=False):
        OrderLine.objects.filter(pk=cl.order_line_id).update(qty_exchanged=F("qty_exchanged") + cl.quantity)


def consume_exchange_stock(case) -> None:
    """The exchange shipped: the units held for it are gone for good."""
    from aftersales.cases.models import Offer

    Offer.objects.filter(case=case, stock_held__gt=0).update(stock_held=0)


def return_exchange_stock(case) -> int:
    """The case ended (or became a refund) without the exchange shipping: put the held units back.
    Each offer's units go back once, whoever calls twice (a conditional UPDATE per offer)."""
    from aftersales.catalog.models import Sku
    from aftersales.cases.models import Offer

    returned = 0
    for offer_id, sku_id, held in Offer.objects.filter(case=case, stock_held__gt=0).values_list(
            "pk", "exchange_sku_id", "stock_held"):
        if Offer.objects.filter(pk=offer_id, stock_held=held).update(stock_held=0) and sku_id:
            Sku.objects.filter(pk=sku_id, stock__isnull=False).update(stock=F("stock") + held)
            returned += held
    return returned


def record_receipt(case, quantity_ok: int, quantity_damaged: int) -> None:
    lines = list(case.lines.all())
    if not lines:
        return
    first = lines[0]  # one figure per case: put it on the first line, the usual single-line return
    OrderLine.objects.filter(pk=first.order_line_id).update(
        qty_received=F("qty_received") + quantity_ok + quantity_damaged,
        qty_received_damaged=F("qty_received_damaged") + quantity_damaged)
