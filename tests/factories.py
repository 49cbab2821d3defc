"""Plain factory functions for test data: real rows through the real services."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from aftersales.accounts.models import Organisation
from aftersales.catalog.models import Product, Shop, Sku
from aftersales.orders.services import BuyerIn, LineIn, OrderIn, upsert_order

_seq = itertools.count(1)

SHOP_DEFAULTS = {
    "douyin": {"currency": "CNY", "time_zone": "Asia/Shanghai", "region": "CN"},
    "taobao": {"currency": "CNY", "time_zone": "Asia/Shanghai", "region": "CN"},
    "tiktok_shop": {"currency": "USD", "time_zone": "America/Los_Angeles", "region": "US"},
    "own_store": {"currency": "CNY", "time_zone": "Asia/Shanghai", "region": "CN"},
}


def make_org(name: str = "") -> Organisation:
    n = next(_seq)
    return Organisation.objects.create(name=name or f"Merchant {n}", slug=f"merchant-{n}")


def make_shop(org: Organisation, platform: str = "own_store", **kw) -> Shop:
    n = next(_seq)
    fields = {**SHOP_DEFAULTS[platform], "name": f"{platform} shop {n}", "platform_shop_id": f"S{n}", **kw}
    return Shop.objects.create(organisation=org, platform=platform, **fields)


def make_sku(shop: Shop, code: str = "", *, price="99.00", category="apparel", exclusion="",
             no_reason_eligible=True, warranty_days=0) -> Sku:
    code = code or f"SKU-{next(_seq)}"
    product = Product.objects.create(shop=shop, external_id=f"P-{code}", title=f"Product {code}", category=category,
                                     exclusion=exclusion, no_reason_eligible=no_reason_eligible,
                                     warranty_days=warranty_days)
    return Sku.objects.create(shop=shop, product=product, code=code, title=f"Product {code}", price=Decimal(price))


def make_order(shop: Shop, *, sku: Sku | None = None, quantity: int = 1, price: str | None = None,
               placed_at: datetime, shipped: bool = True, delivered_days_after: int | None = 2,
               buyer: str = "", protections: list[str] | None = None, lines: list[LineIn] | None = None):
    sku = sku or make_sku(shop)
    n = next(_seq)
    shipped_at = placed_at + timedelta(hours=20) if shipped else None
    delivered_at = (placed_at + timedelta(days=delivered_days_after)
                    if shipped and delivered_days_after is not None else None)
    order, _ = upsert_order(shop.organisation, shop, OrderIn(
        external_id=f"O{n}", buyer=BuyerIn(external_id=buyer or f"buyer-{n}", name=f"Buyer {n}",
                                            email=f"buyer{n}@example.com"),
        lines=lines or [LineIn(sku_code=sku.code, quantity=quantity, unit_price=Decimal(price or sku.price),
                               protections=protections or [])],
        placed_at=placed_at, shipped_at=shipped_at, delivered_at=delivered_at))
    return order
