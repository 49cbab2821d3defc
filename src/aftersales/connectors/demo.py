"""The demo's platform connections: every demo shop talks to a recording fake platform.

`seed(org, out)` (called from `aftersales demo`) connects the demo's Douyin, TikTok Shop and Taobao
shops, adds a Shopify store with the demo catalogue, and gives each the demo credentials below, so
that `aftersales simulate --url http://127.0.0.1:8000 --platform all` plays against it with valid
signatures.  These secrets are for the demo only (they are printed in the docs); a real shop's are
set with `aftersales connector set`.  Idempotent and quick.
"""

from __future__ import annotations

from decimal import Decimal

from aftersales.cases.management.commands import _demo_data as D
from aftersales.catalog.models import Product, Shop, Sku
from aftersales.connectors.models import Connection
from aftersales.connectors.services import connect_shop
from aftersales.connectors.simulator import Target

SHOPIFY_SHOP = {"key": "shopify", "platform": "shopify", "name": "Mountain Living (Shopify)",
                "platform_shop_id": "mountain-living.myshopify.com", "region": "US", "time_zone": "America/New_York",
                "currency": "USD", "business_calendar": "US", "vip_spend_threshold": Decimal("800"),
                "auto_approve_small_return_max": Decimal("15"), "return_contact": "Returns desk",
                "return_phone": "+1 646 555 0199", "return_address": "Mountain Living Returns, 400 Broome St, New York, NY 10013"}

# platform -> what the simulator needs: the shop's id on the platform, the app key and its secret
DEMO_TARGETS = {
    "douyin": Target("douyin", "88016", "7301928374650912345", "demo-douyin-app-secret-0f3a"),
    "tiktok_shop": Target("tiktok_shop", "7495112233", "6a1b2c3d4e5f", "demo-tiktok-app-secret-9b2c"),
    "taobao": Target("taobao", "57730021", "34567890", "demo-taobao-app-secret-5d7e"),
    "shopify": Target("shopify", "mountain-living.myshopify.com", "demo-shopify-api-key",
                      "demo-shopify-client-secret-2c4b"),
}


def _shop(org, spec: dict) -> Shop:
    fields = {k: v for k, v in spec.items() if k not in ("key", "platform", "platform_shop_id")}
    shop, _ = Shop.objects.get_or_create(organisation=org, platform=spec["platform"],
                                         platform_shop_id=spec["platform_shop_id"], defaults=fields)
    return shop


def _catalogue(shop: Shop) -> None:
    if Sku.objects.filter(shop=shop).exists():
        return
    for code, zh, en, category, price, exclusion, warranty, eligible in D.PRODUCTS:
        product, _ = Product.objects.get_or_create(shop=shop, external_id=f"P-{code}", defaults={
            "title": en, "category": category, "exclusion": exclusion, "warranty_days": warranty,
            "no_reason_eligible": eligible})
        amount = (Decimal(price) * D.USD_PER_CNY).quantize(Decimal("1")) - Decimal("0.01")
        Sku.objects.get_or_create(shop=shop, code=code, defaults={"product": product, "title": en, "price": amount})


def seed(org, out=None) -> list[Connection]:
    shops = {spec["platform"]: _shop(org, spec) for spec in D.SHOPS if spec["platform"] in DEMO_TARGETS}
    shops["shopify"] = _shop(org, SHOPIFY_SHOP)
    _catalogue(shops["shopify"])
    made = []
    for platform, target in DEMO_TARGETS.items():
        shop = shops[platform]
        conn = Connection.objects.filter(shop=shop).first()
        if conn is None or conn.app_key != target.app_key:
            conn = connect_shop(shop, app_key=target.app_key, secrets={"app_secret": target.app_secret,
                                                                      "access_token": f"demo-token-{platform}"},
                                remote_shop_id=target.shop_key, client_kind="fake")
            made.append(conn)
    if out is not None and made:
        out.write(f"Platform connections: {len(made)} demo shops talk to a recording fake platform "
                  "(aftersales simulate plays their traffic).")
    return made
