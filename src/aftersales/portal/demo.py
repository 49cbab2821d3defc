"""The buyer portal's part of `aftersales demo`: the own store's portal settings, sizes of the
T-shirt with stock for exchanges, and one buyer with orders and requests at each step, so that the
whole buyer flow can be walked in a browser.  Idempotent: what exists is left alone.  Prints the
order number and phone to try, and the status links of the requests already under way.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo
from decimal import Decimal

from aftersales import clock
from aftersales.cases import services
from aftersales.cases.intake import CaseIn, CaseLineIn, submit_case
from aftersales.cases.models import Case, IdempotencyRecord
from aftersales.cases.offers import OfferOption
from aftersales.cases.permissions import Who
from aftersales.catalog.models import Shop, Sku
from aftersales.accounts.models import Membership
from aftersales.orders.models import Order
from aftersales.orders.services import BuyerIn, LineIn, OrderIn, upsert_order
from aftersales.portal import links
from aftersales.portal.models import ShopPortal

PHONE = "13800138000"
EMAIL = "portal-demo@example.com"
# The order to make a new request for, then orders whose requests are already at a step.
FRESH = "MLW2026P0001"
SIZES = (("TEE-CTN-S", "纯棉圆领T恤 白色 S", 0), ("TEE-CTN-L", "纯棉圆领T恤 白色 L", 6), ("TEE-CTN-XL", "纯棉圆领T恤 白色 XL", 2))
# order number, sku, days since delivery, payment method, the steps its request has been through
WALKS = (
    ("MLW2026P0002", "TEE-CTN", 3, "wechat_pay", "offer"),          # the shop offers an exchange or a partial refund
    ("MLW2026P0003", "BAG-DAY", 4, "alipay", "approve"),            # approved: send it back (tracking or pickup)
    ("MLW2026P0004", "JKT-DWN", 6, "credit_card", "refund"),        # back, checked, refund sent: when it arrives
    ("MLW2026P0005", "MUG-TTN", 5, "wechat_pay", "done"),           # done: follow-up in 3 days, rating
)


def _member(org, role: str) -> Who:
    m = Membership.objects.filter(organisation=org, role=role, active=True).select_related("user").first()
    return Who.member(m) if m else Who.system()


def _at(moment):
    """The services see `moment` as now, as the core demo walks its cases (imported here: that
    command imports this module)."""
    from aftersales.cases.management.commands.demo import at

    return at(moment)


def _walk(org, case, steps: str, agent: Who, warehouse: Who, finance: Who, start) -> None:
    P, t = services.ActionInput, (lambda hours: _at(start + timedelta(hours=hours)))
    if steps == "offer":
        with t(2):
            services.perform(org, case.pk, "offer", agent, P(offer_options=[
                OfferOption("exchange", note="换一个尺码，免费寄出"),
                OfferOption("partial_refund", Decimal("20.00"), note="商品不用寄回"), OfferOption("refund")]))
        return
    with t(2):
        services.perform(org, case.pk, "approve", agent, P())
    if steps == "approve":
        return
    with t(20):
        services.perform(org, case.pk, "ship_return", Who.buyer(), P(carrier="SF", tracking_number="SF1420000000042"))
    with t(50):
        services.inspect_return(org, case.pk, warehouse, "ok")
    with t(52):
        services.pay_refund(org, case.pk, finance, external_id=f"DEMO-PAY-{case.pk}")
    if steps == "refund":
        return
    with t(60):
        services.confirm_refund(org, case.pk, Who.system())


def seed(org, stdout) -> None:
    shop = Shop.objects.filter(organisation=org, platform="own_store").order_by("id").first()
    if shop is None:
        return
    ShopPortal.objects.get_or_create(shop=shop, defaults={
        "pickup_carrier": "SF", "return_note": "请附上写有售后单号的纸条。",
        "delay_compensation": "一张 10 元无门槛优惠券：SORRY10"})
    tee = Sku.objects.filter(shop=shop, code="TEE-CTN").select_related("product").first()
    if tee is not None:
        if tee.stock is None:
            Sku.objects.filter(pk=tee.pk).update(stock=4, title="纯棉圆领T恤 白色 M")
        for code, title, stock in SIZES:
            Sku.objects.get_or_create(shop=shop, code=code, defaults={
                "product": tee.product, "title": title, "price": tee.price, "stock": stock})
    now = clock.now()
    prices = dict(Sku.objects.filter(shop=shop).values_list("code", "price"))
    buyer = BuyerIn(external_id="own-portal-demo", name="陈小雨", phone=PHONE, email=EMAIL)

    def order(number, codes, days, method):
        if Order.objects.filter(shop=shop, external_id=number).exists():
            return Order.objects.get(shop=shop, external_id=number)
        delivered = now - timedelta(days=days)
        o, _ = upsert_order(org, shop, OrderIn(
            external_id=number, buyer=buyer, placed_at=delivered - timedelta(days=2),
            shipped_at=delivered - timedelta(days=1), delivered_at=delivered, carrier="SF",
            tracking_number=f"SF14{number[-6:]}0000001", payment_method=method,
            lines=[LineIn(sku_code=c, quantity=1, unit_price=prices[c], external_id=f"{number}-{c}")
                   for c in codes if c in prices]))
        return o

    order(FRESH, ("TEE-CTN", "CAP-EMB", "EAR-BT5"), 2, "wechat_pay")
    agent, warehouse, finance = _member(org, "agent"), _member(org, "warehouse"), _member(org, "finance")
    made = []
    for number, code, days, method, steps in WALKS:
        o = order(number, (code,), days, method)
        key = f"portal-demo-{number}"
        rec = IdempotencyRecord.objects.filter(organisation=org, scope="case.create", key=key).first()
        if rec is not None:
            made.append(Case.objects.get(pk=rec.result["case"]))
            continue
        start = o.delivered_at + timedelta(hours=6)
        with _at(start):
            case, _ = submit_case(org, CaseIn(
                shop_id=shop.pk, order_external_id=o.external_id,
                case_type="exchange" if steps == "offer" else "return_refund",
                lines=[CaseLineIn(line_external_id=f"{number}-{code}", quantity=1)],
                reason_code="no_reason.size_fit" if steps == "offer" else "no_reason.dislike",
                reason_text="尺码偏小" if steps == "offer" else "颜色和图片不一样", channel="portal"),
                Who.buyer(), idempotency_key=key)
        _walk(org, case, steps, agent, warehouse, finance, start)
        made.append(case)
    w = stdout.write
    w("")
    w("Buyer portal at /portal/ (no account): order number and phone to make a new request:")
    w(f"  order {FRESH}   phone {PHONE}   (or e-mail {EMAIL})")
    w("  requests of this buyer already under way (their status pages):")
    for case in made:
        case.refresh_from_db()
        w(f"  {case.number}  {case.get_state_display():<24} {links.url(case)}")
    w("  notifications: AFTERSALES_HOME/mail (e-mail) and AFTERSALES_HOME/sms once the worker has run;")
    done = next((c for c in made if c.state == "completed"), None)
    fu = done.follow_ups.order_by("-id").first() if done else None
    if fu is not None and fu.answered_at is None:
        # a morning after it falls due, in the shop's zone: SMS keep the quiet hours
        local = fu.due_at.astimezone(ZoneInfo(shop.time_zone))
        morning = local.replace(hour=10, minute=0, second=0, microsecond=0)
        morning += timedelta(days=1) if morning < local else timedelta(0)
        w(f"  the follow-up of {done.number}, three days after it was done: "
          f"aftersales sweep --now {morning.isoformat(timespec='minutes')} --deliver")


