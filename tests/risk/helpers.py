"""Buyers with histories, through the real services."""

from __future__ import annotations

import io
import itertools
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.cases.intake import CaseIn, CaseLineIn, submit_case
from aftersales.cases.permissions import Who
from aftersales.orders.services import BuyerIn, LineIn, OrderIn, upsert_order
from tests.factories import make_sku

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
SUPERVISOR = Who(actor="seller", role="supervisor")
OWNER = Who(actor="seller", role="owner")
AGENT = Who(actor="seller", role="agent")
WAREHOUSE = Who(actor="seller", role="warehouse")
FINANCE = Who(actor="seller", role="finance")
_seq = itertools.count(1)


def order_for(shop, buyer: str, *, at: datetime, sku=None, price=None, delivered=True, phone="", protections=None):
    sku = sku or make_sku(shop, price=price or "99.00")
    n = next(_seq)
    placed = at - timedelta(days=4)
    with time_machine.travel(placed, tick=False):
        order, _ = upsert_order(shop.organisation, shop, OrderIn(
            external_id=f"RO{n}", buyer=BuyerIn(external_id=buyer, name=f"Buyer {buyer}", phone=phone),
            lines=[LineIn(sku_code=sku.code, quantity=1, unit_price=Decimal(price or sku.price),
                          protections=protections or [])],
            placed_at=placed, shipped_at=placed + timedelta(hours=20),
            delivered_at=placed + timedelta(days=2) if delivered else None))
    return order


def request(shop, order, *, at: datetime, case_type="return_refund", reason="no_reason.unwanted", text=""):
    line = order.lines.first()
    with time_machine.travel(at, tick=False):
        case, _ = submit_case(shop.organisation, CaseIn(
            shop_id=shop.pk, order_external_id=order.external_id, case_type=case_type,
            lines=[CaseLineIn(sku_code=line.sku_code, quantity=1)], reason_code=reason, reason_text=text),
            Who.buyer())
    return case


def photo(seed: int = 1, name: str = "p.png") -> SimpleUploadedFile:
    """A small picture with structure (a perceptual hash of a flat colour says little)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (96, 96), "white")
    draw = ImageDraw.Draw(img)
    for i in range(6):
        x = (seed * 37 + i * 53) % 80
        y = (seed * 17 + i * 29) % 80
        draw.rectangle([x, y, x + 14 + (seed + i) % 9, y + 10], fill=((seed * 40 + i * 30) % 256, 40, 90))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")
