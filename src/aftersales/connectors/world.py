"""The simulated platforms' world: orders that exist because their id says so.

The simulator (simulate.py) invents orders and plays their after-sales through the real webhook
endpoints; the recording fake client (clients.RecordingClient) must then answer the order-detail
call the connector makes for an order it has not seen.  Neither can reach the other, so the world
is a pure function of the order id: the id carries the time the order was placed (epoch seconds
after a platform-style prefix) and seeds everything else (buyer, lines, prices, parcel).  The
simulator and the fake platform compute the same order from the same id.

Goods are the demo merchant's catalogue (cases/management/commands/_demo_data.py), so that the
simulated cases meet the demo's policies.  Nothing here is used against a real platform.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from aftersales.cases.management.commands import _demo_data as D

# platform -> (id prefix, digits after the 10-digit epoch)
ID_FORMAT = {"douyin": ("6", 8), "tiktok_shop": ("57", 6), "taobao": ("3", 8), "shopify": ("", 3)}
CURRENCY = {"douyin": "CNY", "taobao": "CNY", "tiktok_shop": "USD", "shopify": "USD"}
CARRIERS = {"douyin": ("SF", "ZTO", "YTO", "JD"), "taobao": ("ZTO", "YTO", "STO", "YUNDA"),
            "tiktok_shop": ("USPS", "UPS", "FedEx"), "shopify": ("UPS", "USPS", "FedEx")}
# the goods a simulated buyer may take back (the excluded ones stay in the mix, rarely)
GOODS = [p for p in D.PRODUCTS if not p[5]] * 4 + [p for p in D.PRODUCTS if p[5]]


@dataclass(frozen=True)
class WorldLine:
    line_id: str
    sku_code: str
    title: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class WorldOrder:
    platform: str
    order_id: str
    buyer_id: str
    buyer_name: str
    buyer_email: str
    currency: str
    placed_at: datetime
    shipped_at: datetime
    delivered_at: datetime
    carrier: str
    tracking_number: str
    lines: tuple[WorldLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((ln.unit_price * ln.quantity for ln in self.lines), Decimal("0"))

    def shipped(self, now: datetime) -> bool:
        return self.shipped_at <= now

    def delivered(self, now: datetime) -> bool:
        return self.delivered_at <= now


def order_id_for(platform: str, placed_at: datetime, seq: int) -> str:
    prefix, digits = ID_FORMAT[platform]
    return f"{prefix}{int(placed_at.timestamp()):010d}{seq % 10 ** digits:0{digits}d}"


def placed_at_of(platform: str, order_id: str) -> datetime | None:
    prefix, digits = ID_FORMAT[platform]
    body = order_id[len(prefix):]
    if not order_id.startswith(prefix) or not body.isdigit() or len(body) != 10 + digits:
        return None
    return datetime.fromtimestamp(int(body[:10]), tz=timezone.utc)


def order(platform: str, order_id: str) -> WorldOrder | None:
    placed = placed_at_of(platform, order_id)
    if placed is None:
        return None
    rng = random.Random(f"{platform}:{order_id}")
    usd = CURRENCY[platform] == "USD"
    lines = []
    for i, (code, zh, en, _cat, price, _excl, _w, _ok) in enumerate(rng.sample(GOODS, rng.choices((1, 2), (80, 20))[0])):
        amount = Decimal(price)
        if usd:
            amount = (amount * D.USD_PER_CNY).quantize(Decimal("1")) - Decimal("0.01")
        line_id = order_id if i == 0 else f"{order_id}{i}"
        if any(ln.sku_code == code for ln in lines):
            continue
        lines.append(WorldLine(line_id, code, en if usd else zh, rng.choices((1, 2), (88, 12))[0], amount))
    j = rng.randrange(100_000)
    if usd:
        name = f"{rng.choice(D.FIRST)} {rng.choice(D.LAST)}"
        email = f"{name.split()[0].lower()}.{j}@example.com"
    else:
        name, email = rng.choice(D.SURNAMES) + rng.choice(D.GIVEN), ""
    buyer_id = {"douyin": f"dy_open_{j:06d}", "tiktok_shop": f"7494{j:012d}", "taobao": f"AAH{j:08d}tbuid",
                "shopify": str(6_100_000_000 + j)}[platform]
    carrier = rng.choice(CARRIERS[platform])
    shipped = placed + timedelta(hours=rng.uniform(6, 30))
    return WorldOrder(platform, order_id, buyer_id, name, email, CURRENCY[platform], placed, shipped,
                      shipped + timedelta(hours=rng.uniform(30, 70)), carrier,
                      f"{carrier}{rng.randrange(10 ** 11, 10 ** 12)}", tuple(lines))
