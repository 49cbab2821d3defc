"""A merchant with an own web store whose buyer can use the portal: an order with a T-shirt in
sizes (with stock), a custom-made cap and earbuds, the buyer's phone and e-mail; a second
merchant for tenancy; the SMS test double; pictures made with Pillow."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aftersales import clock
from aftersales.accounts.models import Membership, Role
from aftersales.catalog.models import Shop, Sku
from aftersales.notify.senders import RecordingSender
from aftersales.orders.services import BuyerIn, LineIn, OrderIn, upsert_order
from aftersales.portal.models import ShopPortal
from tests.factories import make_org, make_shop, make_sku
from tests.web.browser import chromium, open_page  # noqa: F401  (fixtures of the browser tests)

PHONE = "13900001111"
_numbers = itertools.count(1)
EMAIL = "mei.buyer@example.com"


@dataclass
class Store:
    org: object
    shop: Shop
    tee: Sku
    sizes: dict
    cap: Sku
    earbuds: Sku
    people: dict

    def order(self, *, number: str = "", skus=None, days_delivered: float | None = 2, shipped: bool = True,
              phone: str = PHONE, email: str = EMAIL, buyer: str = "buyer-mei", method: str = "wechat_pay"):
        now = clock.now()
        skus = skus or [self.tee]
        delivered = now - timedelta(days=days_delivered) if shipped and days_delivered is not None else None
        placed = (delivered or now) - timedelta(days=2)
        n = number or f"W2026{next(_numbers):06d}"
        order, _ = upsert_order(self.org, self.shop, OrderIn(
            external_id=n, buyer=BuyerIn(external_id=buyer, name="梅小姐", phone=phone, email=email),
            placed_at=placed, shipped_at=placed + timedelta(days=1) if shipped else None, delivered_at=delivered,
            payment_method=method, lines=[LineIn(sku_code=s.code, quantity=1, unit_price=s.price,
                                                 external_id=f"{n}-{s.code}") for s in skus]))
        return order


def make_store(name: str = "Mountain") -> Store:
    org = make_org(name)
    shop = make_shop(org, "own_store", name=f"{name} 官网", auto_approve_small_return_max=Decimal("0"),
                     auto_approve_unshipped_refund=False, return_contact="退货组", return_phone="021-5555-0100",
                     return_address="上海市闵行区虹梅南路 2588 号 退货仓")
    tee = make_sku(shop, "TEE-M", price="79.00")
    Sku.objects.filter(pk=tee.pk).update(title="T恤 白色 M", stock=3)
    sizes = {}
    for size, stock in (("S", 0), ("L", 4), ("XL", 1)):
        sizes[size] = Sku.objects.create(shop=shop, product=tee.product, code=f"TEE-{size}", title=f"T恤 白色 {size}",
                                         price=Decimal("79.00"), stock=stock)
    tee.refresh_from_db()
    cap = make_sku(shop, "CAP-CUSTOM", price="129.00", exclusion="custom_made", no_reason_eligible=False)
    earbuds = make_sku(shop, "EAR-1", price="899.00", category="electronics", warranty_days=365)
    ShopPortal.objects.create(shop=shop, pickup_carrier="SF", return_note="Put a note with the request number inside.",
                              delay_compensation="a 10 CNY coupon: SORRY10")
    from django.contrib.auth import get_user_model
    people = {}
    for role in (Role.AGENT, Role.WAREHOUSE, Role.FINANCE, Role.OWNER):
        user = get_user_model().objects.create_user(f"{name.lower()}-{role}", password="pw-for-tests-1")
        people[role] = Membership.objects.create(user=user, organisation=org, role=role)
    return Store(org, shop, tee, sizes, cap, earbuds, people)


@pytest.fixture
def store(db) -> Store:
    return make_store()


@pytest.fixture(autouse=True)
def recorded(settings):
    """SMS and platform messages go to the test double; the cache (throttles) starts empty."""
    settings.SMS_SENDER = "aftersales.notify.senders.RecordingSender"
    settings.PLATFORM_MESSAGE_SENDER = "aftersales.notify.senders.RecordingSender"
    settings.SITE_URL = "https://shop.example.com"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    RecordingSender.reset()
    cache.clear()
    yield RecordingSender
    RecordingSender.reset()
    cache.clear()


def photo(name: str = "defect.jpg", *, size=(64, 48), colour=(200, 30, 30), exif: bool = True, fmt: str = "JPEG"):
    """A real picture; with EXIF that says where it was taken (GPS) and with which phone."""
    img = Image.new("RGB", size, colour)
    out = io.BytesIO()
    kwargs = {}
    if exif and fmt == "JPEG":
        ex = Image.Exif()
        ex[0x010F] = "PhoneMaker"          # Make
        ex[0x0110] = "Phone 15 Pro"        # Model
        ex[0x0112] = 6                     # Orientation: rotate 90 CW
        gps = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
        ex[0x8825] = gps
        kwargs["exif"] = ex.tobytes()
    img.save(out, fmt, **kwargs)
    ctype = {"JPEG": "image/jpeg", "PNG": "image/png"}[fmt]
    return SimpleUploadedFile(name, out.getvalue(), content_type=ctype)
