"""Bulk import of orders: orders.services.upsert_order for a batch at a time.

Same rows as upsert_order writes (buyer found or made, order, lines with their SKU, category and
protections, the shipment, the buyer's lifetime spend and order count), with one query per table
per batch.  An order already there is not written again; only its shipping facts move forward,
as upsert_order does.  Called by cases.importer.import_rows inside the batch's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import connection

from aftersales import clock
from aftersales.cases import bulk
from aftersales.catalog.models import Sku
from aftersales.errors import ValidationFailed
from aftersales.orders.models import Buyer, Order, OrderLine, Protection, Shipment
from aftersales.orders.services import OrderIn, validate_order


def import_order_batch(organisation, shops: dict, items: list[tuple[int, int, OrderIn]], report) -> None:
    if not items:
        return
    keys = {(shop_id, d.external_id) for _, shop_id, d in items}
    existing = {(o.shop_id, o.external_id): o for o in Order.objects.filter(
        shop_id__in={s for s, _ in keys}, external_id__in={e for _, e in keys})}
    new: dict[tuple[int, str], tuple[int, OrderIn]] = {}
    moves: dict[int, dict] = {}
    for number, shop_id, data in items:
        try:
            if shop_id not in shops:
                raise ValidationFailed.field("shop_id", f"no shop {shop_id} in your organisation")
            errors = validate_order(data)
            if errors:
                raise ValidationFailed("the order is not valid", fields=errors)
        except ValidationFailed as exc:
            report.reject(number, "order", exc)
            continue
        key = (shop_id, data.external_id)
        current = existing.get(key)
        if current is None and key in new:
            current = new[key][1]   # the same order twice in one batch: the second one updates the first
        if current is not None:
            changed = {k: getattr(data, k) for k in ("shipped_at", "delivered_at")
                       if getattr(data, k) is not None and getattr(current, k) != getattr(data, k)}
            if not changed:
                report.unchanged["order"] += 1
            elif isinstance(current, Order):
                moves.setdefault(current.pk, {}).update(changed)
                for k, v in changed.items():
                    setattr(current, k, v)
                report.updated["order"] += 1
            else:
                for k, v in changed.items():
                    setattr(current, k, v)
                report.updated["order"] += 1
            continue
        new[key] = (number, data)
    for pk, changed in moves.items():
        Order.objects.filter(pk=pk).update(**changed)
    if new:
        _create(organisation, shops, list(new.items()))
    report.imported["order"] += len(new)


def _create(organisation, shops, new: list) -> None:
    now = clock.now()
    buyer_keys = {(shop_id, d.buyer.external_id) for (shop_id, _), (_, d) in new}
    buyers = {(b.shop_id, b.external_id): b for b in Buyer.objects.filter(
        shop_id__in={s for s, _ in buyer_keys}, external_id__in={e for _, e in buyer_keys})}
    missing = {}
    for (shop_id, _), (_, d) in new:
        k = (shop_id, d.buyer.external_id)
        if k not in buyers and k not in missing:
            missing[k] = Buyer(organisation=organisation, shop_id=shop_id, external_id=d.buyer.external_id,
                               name=d.buyer.name, phone=d.buyer.phone, email=d.buyer.email)
    if missing:
        Buyer.objects.bulk_create(list(missing.values()))
        buyers.update(missing)
    sku_codes = {(shop_id, ln.sku_code) for (shop_id, _), (_, d) in new for ln in d.lines}
    skus = {(s.shop_id, s.code): s for s in Sku.objects.filter(
        shop_id__in={s for s, _ in sku_codes}, code__in={c for _, c in sku_codes}).select_related("product")}

    orders, lines, protections, shipments = [], [], [], []
    spend: dict[int, Decimal] = defaultdict(Decimal)
    count: dict[int, int] = defaultdict(int)
    for (shop_id, _), (_, d) in new:
        shop = shops[shop_id]
        buyer = buyers[(shop_id, d.buyer.external_id)]
        line_paid = [ln.paid_amount if ln.paid_amount is not None else ln.unit_price * ln.quantity for ln in d.lines]
        paid = d.paid_amount if d.paid_amount is not None else sum(line_paid, Decimal("0"))
        order = {"organisation_id": organisation.pk, "shop_id": shop_id, "buyer_id": buyer.pk,
                 "external_id": d.external_id, "currency": shop.currency, "paid_amount": paid,
                 "placed_at": d.placed_at, "shipped_at": d.shipped_at, "delivered_at": d.delivered_at,
                 "created_at": now}
        orders.append(order)
        for ln, lp in zip(d.lines, line_paid):
            sku = skus.get((shop_id, ln.sku_code))
            line = {"_order": order, "sku_id": sku.pk if sku else None, "external_id": ln.external_id,
                    "sku_code": ln.sku_code, "title": ln.title or (sku.title if sku else ln.sku_code),
                    "category": ln.category or (sku.product.category if sku else ""), "quantity": ln.quantity,
                    "unit_price": ln.unit_price, "paid_amount": lp}
            lines.append(line)
            protections += [{"_line": line, "kind": p} for p in ln.protections]
        if d.tracking_number:
            shipments.append({"_order": order, "carrier": d.carrier or "unknown", "tracking_number": d.tracking_number,
                              "shipped_at": d.shipped_at, "delivered_at": d.delivered_at})
        spend[buyer.pk] += paid
        count[buyer.pk] += 1
    bulk.insert(Order, orders, returning=True)
    for row in lines + shipments:
        row["order_id"] = row.pop("_order")["id"]
    bulk.insert(OrderLine, lines, returning=bool(protections))
    for row in protections:
        row["order_line_id"] = row.pop("_line")["id"]
    bulk.insert(Protection, protections)
    bulk.insert(Shipment, shipments)
    # The buyers' totals move by what this batch bought: one short statement, many parameter rows.
    qn = connection.ops.quote_name
    table, spent, orders_n = qn(Buyer._meta.db_table), qn("lifetime_spend"), qn("order_count")
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {spent} = {spent} + %s, {orders_n} = {orders_n} + %s "
                           f"WHERE {qn('id')} = %s", [(spend[pk], count[pk], pk) for pk in spend])
