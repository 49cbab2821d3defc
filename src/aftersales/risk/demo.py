"""The risk part of `aftersales demo`: buyers whose histories an agent can read in the risk panel
(a serial returner, a buyer who says signed parcels never came, one whose return came back empty
and now asks again), and risk scores for every demo case.  Idempotent: an order that exists is
not made again."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from aftersales import clock
from aftersales.cases import services
from aftersales.cases.intake import CaseIn, CaseLineIn, submit_case
from aftersales.cases.models import Case
from aftersales.cases.permissions import Who
from aftersales.catalog.models import Shop, Sku
from aftersales.errors import AftersalesError
from aftersales.orders.models import Order
from aftersales.orders.services import BuyerIn, LineIn, OrderIn, upsert_order
from aftersales.risk.models import CaseRisk
from aftersales.risk.services import ensure_scored

# buyer id, name, phone, [(days ago, case type, reason, words, what happened next)]
PEOPLE = (
    ("risk-demo-serial", "王多退", "13900139001", [
        (150, "return_refund", "no_reason.unwanted", "", "cancel"),
        (120, "return_refund", "no_reason.dislike", "", "cancel"),
        (90, "refund_only", "quality.defect", "", "cancel"),
        (60, "return_refund", "no_reason.size_fit", "", "cancel"),
        (30, "refund_only", "no_reason.unwanted", "", "cancel"),
        (1, "return_refund", "quality.defect", "其实就是不想要了", "open")]),
    ("risk-demo-not-received", "赵未收", "13900139002", [
        (80, "refund_only", "logistics.not_delivered", "快递一直没送到", "cancel"),
        (40, "refund_only", "logistics.not_delivered", "没收到货", "cancel"),
        (1, "refund_only", "logistics.not_delivered", "快递根本没送到，我一直在家，没有收到任何包裹", "open")]),
    ("risk-demo-empty-box", "孙空盒", "13900139003", [
        (45, "return_refund", "quality.malfunction", "不能用", "empty_box"),
        (1, "return_refund", "quality.malfunction", "还是坏的，不想要了", "open")]),
)


def _shop(org):
    # The Taobao shop: the Douyin shop's cases are the ones the core demo's screenshots pick.
    return (Shop.objects.filter(organisation=org, platform="taobao").order_by("id").first()
            or Shop.objects.filter(organisation=org).order_by("id").first())


def seed(org, stdout, at=None) -> None:
    """`at`: the demo command's context manager that makes the services see a moment as now."""
    shop = _shop(org)
    sku = Sku.objects.filter(shop=shop).order_by("id").first() if shop else None
    if sku is None:
        return
    now = clock.now()
    at = at or (lambda moment: __import__("contextlib").nullcontext())
    warehouse = Who(actor="seller", role="warehouse")
    shown = []
    for external, name, phone, history in PEOPLE:
        buyer = BuyerIn(external_id=external, name=name, phone=phone)
        for i, (days, case_type, reason, words, then) in enumerate(history):
            number = f"{external.upper()}-{i}"
            if Order.objects.filter(shop=shop, external_id=number).exists():
                continue
            asked = now - timedelta(days=days)
            delivered = asked - timedelta(days=2)
            with at(delivered - timedelta(days=3)):
                order, _ = upsert_order(org, shop, OrderIn(
                    external_id=number, buyer=buyer, placed_at=delivered - timedelta(days=3),
                    shipped_at=delivered - timedelta(days=2), delivered_at=delivered, carrier="ZTO",
                    tracking_number=f"ZT{abs(hash(number)) % 10**10:010d}",
                    lines=[LineIn(sku_code=sku.code, quantity=1, unit_price=Decimal(sku.price))]))
            with at(asked):
                case, _ = submit_case(org, CaseIn(
                    shop_id=shop.pk, order_external_id=number, case_type=case_type, reason_code=reason,
                    reason_text=words, lines=[CaseLineIn(sku_code=sku.code, quantity=1)]), Who.buyer())
            try:
                if then == "cancel":
                    with at(asked + timedelta(hours=3)):
                        services.perform(org, case.pk, "cancel", Who.buyer())
                elif then == "empty_box":
                    with at(asked + timedelta(hours=2)):
                        services.perform(org, case.pk, "approve", Who(actor="seller", role="supervisor"))
                    with at(asked + timedelta(days=1)):
                        services.perform(org, case.pk, "ship_return", Who.buyer(),
                                         services.ActionInput(carrier="SF", tracking_number=f"SF9{case.pk:09d}"))
                    with at(asked + timedelta(days=3)):
                        services.inspect_return(org, case.pk, warehouse, "empty_box", note="退回包裹是空的 / the box was empty")
            except AftersalesError:
                pass
            if then == "open":
                shown.append(case)
    # every demo case carries a score (cases seeded before this part, or imported, once)
    for case in Case.objects.filter(organisation=org).exclude(pk__in=CaseRisk.objects.values("case_id")):
        ensure_scored(case, now)
    if shown:
        stdout.write("")
        stdout.write("Refund risk: buyers whose history the case page's risk panel explains:")
        for case in shown:
            risk = CaseRisk.objects.filter(case=case).first()
            stdout.write(f"  {case.number}  {case.buyer.name:<6} {risk.level if risk else '-'} "
                         f"({risk.score if risk else 0} points)")
