"""The demo's history for logistics and analytics: a few weeks of cases, parcels and messages,
small enough to seed in a few seconds (called once from `aftersales demo`).

What it makes, so that the demo shows something real:
- one trousers SKU whose buyers say "size does not fit" in four weeks running (the SKU alert);
- ZTO losing and damaging parcels last week (the carrier alert), SF and YTO delivering fine;
- one open case whose parcel stopped moving five days ago (stuck: the case is raised in the queue);
- buyer messages at the hours buyers write (the heatmap); the past weeks' cases answered, then refunded
  or withdrawn (the refund trend, response and resolution times), this week's still open.
Cases are made through the real services, each at its own past moment; the scans go through
`record_tracking_event`.  Seeded once: a second run finds its parcels and stops.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from aftersales import clock
from aftersales.analytics import stats
from aftersales.accounts.models import Membership, Role
from aftersales.cases import services
from aftersales.cases.intake import CaseIn, CaseLineIn, submit_case
from aftersales.cases.models import Case, Message, ReturnShipment
from aftersales.cases.permissions import Who
from aftersales.catalog.models import Shop, Sku
from aftersales.domain import review as rules
from aftersales.errors import AftersalesError
from aftersales.logistics.models import Parcel
from aftersales.logistics.services import flag_stuck, record_tracking_event
from aftersales.orders.models import Shipment
from aftersales.orders.services import BuyerIn, LineIn, OrderIn, upsert_order

WEEKS = 5
MARK = "DEMO-"   # the demo's parcel numbers start with it


_at = clock.at


def _sku(shop: Shop, prefix: str) -> Sku | None:
    return Sku.objects.filter(shop=shop, code__startswith=prefix).order_by("id").first()


def seed(org, now: datetime, stdout=None) -> None:
    if Parcel.objects.filter(organisation=org, tracking_number__startswith=MARK).exists():
        return
    rng = random.Random(70)
    shop = Shop.objects.filter(organisation=org, platform="douyin").first() or Shop.objects.filter(
        organisation=org).first()
    if shop is None:
        return
    trousers = _sku(shop, "PNT") or Sku.objects.filter(shop=shop).first()
    others = [s for s in (_sku(shop, "EAR"), _sku(shop, "TEE"), _sku(shop, "LMP")) if s is not None] or [trousers]
    owner = Membership.objects.filter(organisation=org, role=Role.OWNER).first()
    tz = ZoneInfo(settings.TIME_ZONE)
    this_monday = rules.monday_of(now.astimezone(tz).date())
    made = 0
    for weeks_ago in range(WEEKS - 1, -1, -1):
        start = datetime.combine(this_monday - timedelta(weeks=weeks_ago), datetime.min.time(), tzinfo=tz)
        span = (now - start) if weeks_ago == 0 else timedelta(days=7)
        plan = [(trousers, "no_reason.size_fit", "return_refund")] * (2 + weeks_ago % 2)
        plan += [(rng.choice(others), rng.choice(("quality.defect", "no_reason.unwanted", "quality.malfunction",
                                                  "logistics.damaged_in_transit")), rng.choice(("refund_only",
                                                                                              "return_refund")))
                 for _ in range(3)]
        for i, (sku, reason, case_type) in enumerate(plan):
            when = start + span * ((i + 0.5) / len(plan))
            case = _case(org, shop, sku, reason, case_type, when, f"{weeks_ago}-{i}")
            if case is None:
                continue
            made += 1
            _messages(case, when, now, rng)
            if owner and weeks_ago:
                _resolve(org, case, case_type, when, Who.member(owner), i)
    parcels = _parcels(org, this_monday, tz, now, rng)
    stuck = _stuck_parcel(org, now)
    stats.ensure_weeks(org.pk, [this_monday - timedelta(weeks=i) for i in range(12)], now, fresh=this_monday)
    if stdout is not None:
        stdout.write(f"Analytics: {made} cases over {WEEKS} weeks, {parcels} parcels tracked"
                     f"{', one stuck' if stuck else ''} (aftersales review; /analytics/)")


def _case(org, shop, sku, reason, case_type, when, key):
    with _at(when):
        order, _ = upsert_order(org, shop, OrderIn(
            external_id=f"AN-{key}-{sku.code}", buyer=BuyerIn(external_id=f"an-buyer-{key}", name=f"买家 {key}"),
            lines=[LineIn(sku_code=sku.code, quantity=1, unit_price=Decimal(sku.price))],
            placed_at=when - timedelta(days=4), shipped_at=when - timedelta(days=3),
            delivered_at=when - timedelta(days=1)))
        try:
            case, _ = submit_case(org, CaseIn(shop_id=shop.pk, order_external_id=order.external_id,
                                              case_type=case_type, reason_code=reason,
                                              lines=[CaseLineIn(sku_code=sku.code, quantity=1)]),
                                  Who.buyer(), idempotency_key=f"analytics-demo-{key}")
        except AftersalesError:
            return None
    return case


def _resolve(org, case, case_type: str, when: datetime, owner: Who, i: int) -> None:
    """A past week's case is done by now: answered within hours, then refunded (the platform
    confirms the money) or withdrawn by the buyer."""
    steps = [(timedelta(hours=1 + i % 4), lambda: services.add_message(
        org, case.pk, owner, "您好，已收到，正在为您处理。/ We are on it.", channel="api"))]
    if case_type == "refund_only":
        steps += [(timedelta(hours=5), lambda: services.perform(org, case.pk, "approve", owner)),
                  (timedelta(days=1, hours=2), lambda: services.perform(org, case.pk, "refund_succeeded",
                                                                        Who.platform()))]
    else:
        steps += [(timedelta(days=2), lambda: services.perform(org, case.pk, "cancel", Who.buyer()))]
    for after, step in steps:
        with _at(when + after):
            try:
                step()
            except AftersalesError:
                return


# buyers write most at lunchtime and in the evening
_HOURS = [0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.6, 1, 1.4, 1.8, 1.6, 1.2, 1.3, 1.2, 1.1, 1, 1, 1.2, 1.6, 2.2, 2.4,
          1.6, 0.7]


def _messages(case: Case, when: datetime, now: datetime, rng: random.Random) -> None:
    tz = ZoneInfo(settings.TIME_ZONE)
    rows = []
    for n in range(4):
        day = (when + timedelta(days=n)).astimezone(tz)
        hour = rng.choices(range(24), weights=_HOURS)[0]
        at = day.replace(hour=hour, minute=rng.randrange(60))
        if at < now:
            rows.append(Message(case=case, channel="platform", author="buyer", body="还没处理吗？ / Any news?",
                                created_at=at))
    Message.objects.bulk_create(rows)


def _parcels(org, this_monday, tz, now: datetime, rng: random.Random) -> int:
    """SF, YTO and ZTO parcels sent in the last three weeks; ZTO lost and damaged some last week."""
    count = 0
    for weeks_ago in (2, 1, 0):
        start = datetime.combine(this_monday - timedelta(weeks=weeks_ago), datetime.min.time(), tzinfo=tz)
        for code, n in (("sf", 10), ("zto", 12), ("yto", 6)):
            for i in range(n):
                sent = start + timedelta(hours=6 + 13 * i)
                if sent > now - timedelta(days=1):
                    continue
                number = f"{MARK}{code.upper()}{weeks_ago}{i:03d}"
                with _at(sent):
                    record_tracking_event(org, carrier=code, tracking_number=number, status="accepted",
                                          occurred_at=sent, location="杭州", source="demo")
                bad = code == "zto" and weeks_ago == 1 and i in (0, 1, 2)
                status = ("lost" if i < 2 else "damaged") if bad else "delivered"
                later = sent + timedelta(hours=rng.randrange(20, 60 if code != "sf" else 36))
                with _at(later):
                    record_tracking_event(org, carrier=code, tracking_number=number, status=status,
                                          occurred_at=later, source="demo")
                count += 1
    return count


def _stuck_parcel(org, now: datetime) -> bool:
    """The first return on its way back of an open case (else an open case's shipment): its parcel
    stopped moving five days ago."""
    shipment = (ReturnShipment.objects.filter(case__organisation=org, case__is_open=True, delivered_at__isnull=True)
                .exclude(tracking_number="").order_by("id").first()
                or Shipment.objects.filter(order__organisation=org, order__cases__is_open=True)
                .exclude(tracking_number="").order_by("id").first())
    if shipment is None:
        return False
    with _at(now):
        record_tracking_event(org, carrier=shipment.carrier, tracking_number=shipment.tracking_number,
                              status="in_transit", occurred_at=now - timedelta(days=5), location="武汉转运中心",
                              event_id=f"{MARK}stuck", source="demo")
        return flag_stuck(now)["flagged"] > 0
