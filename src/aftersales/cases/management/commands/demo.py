"""aftersales demo: a merchant with four shops, orders of the last 60 days and cases in every state.

Everything goes through the real services: orders through the bulk import, cases through
submit_case and then the actions a buyer, an agent, the warehouse, finance or the platform would
take, each at a time of its own (clock.now is moved for the walk), so the timelines, deadlines and
priorities are what they would be.  Random choices come from random.Random(seed): the same seed
gives the same merchant.  Running it again adds only what is missing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F

from aftersales import clock
from aftersales.accounts.models import ApiToken, Membership, Organisation
from aftersales.cases import services
from aftersales.cases.importer import ImportReport
from aftersales.cases.intake import CaseIn, CaseLineIn, submit_case
from aftersales.cases.management.commands import _demo_data as D
from aftersales.cases.management.commands._common import require_database
from aftersales.cases.models import Case, IdempotencyRecord
from aftersales.cases.permissions import Who
from aftersales.cases.scoring import rescore
from aftersales.connectors.demo import seed as seed_connectors
from aftersales.catalog.models import Product, Shop, Sku
from aftersales.domain import lifecycle as lc
from aftersales.errors import AftersalesError
from aftersales.orders.importer import import_order_batch
from aftersales.orders.models import Buyer, Order
from aftersales.orders.services import BuyerIn, LineIn, OrderIn
from aftersales.portal import demo as portal_demo
from aftersales.assist import demo as assist_demo

S, A = lc.CaseState, lc.Action
CENT = Decimal("0.01")

# Share of the cases per target state (every state but UNKNOWN), and the case types that can get
# there without automation stepping in first.
TARGETS = {
    S.AWAITING_SELLER_REVIEW: (16, ("refund_only", "exchange", "repair", "reship", "price_protection", "complaint",
                                    "other")),
    S.SELLER_REJECTED: (5, ("refund_only", "exchange", "complaint", "return_refund")),
    S.AWAITING_BUYER_RESPONSE: (5, ("refund_only", "exchange", "complaint", "price_protection")),
    S.AWAITING_BUYER_RETURN: (9, ("return_refund", "exchange", "repair")),
    S.AWAITING_RECEIPT_REVIEW: (8, ("return_refund", "exchange", "repair")),
    S.RECEIPT_REJECTED: (4, ("return_refund", "exchange")),
    S.AWAITING_SELLER_SHIPMENT: (6, ("reship", "exchange", "repair")),
    S.AWAITING_BUYER_RECEIPT: (5, ("reship", "exchange", "repair")),
    S.REFUND_IN_PROGRESS: (9, ("refund_only", "cancel_pre_shipment", "price_protection", "return_refund")),
    S.COMPLETED: (22, ("refund_only", "cancel_pre_shipment", "return_refund", "exchange", "reship", "complaint",
                       "price_protection", "other")),
    S.CLOSED: (11, ("refund_only", "return_refund", "exchange", "complaint")),
}
# The first case of each state takes a type that automation never approves, so every state is there.
SAFE_TYPE = {S.AWAITING_SELLER_REVIEW: "complaint", S.SELLER_REJECTED: "exchange", S.AWAITING_BUYER_RESPONSE:
             "complaint", S.AWAITING_BUYER_RETURN: "exchange", S.AWAITING_RECEIPT_REVIEW: "exchange",
             S.RECEIPT_REJECTED: "exchange", S.AWAITING_SELLER_SHIPMENT: "reship", S.AWAITING_BUYER_RECEIPT: "reship",
             S.REFUND_IN_PROGRESS: "refund_only", S.COMPLETED: "complaint", S.CLOSED: "complaint"}


at = clock.at   # the services see the moment as now (clock.now is the one place time comes from)


class Command(BaseCommand):
    help = "Seed a demo merchant: Douyin, TikTok Shop, Taobao and own-store shops, orders, cases in every state."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=2000, help="orders to have (default 2000)")
        parser.add_argument("--cases", type=int, default=300, help="cases to have (default 300)")
        parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")

    def handle(self, *args, **opts):
        require_database(migrate=True, stdout=self.stdout)
        n_orders, n_cases, seed = opts["orders"], opts["cases"], opts["seed"]
        if n_orders < 1 or n_cases < 0:
            raise CommandError("--orders must be at least 1 and --cases at least 0")
        if n_cases > n_orders // 2:
            raise CommandError(f"--cases {n_cases} needs at least {2 * n_cases} orders (--orders)")
        self.now = clock.now()
        self.seed = seed
        org, created = Organisation.objects.get_or_create(slug=D.ORG_SLUG, defaults={"name": D.ORG_NAME})
        seed_connectors(org, self.stdout)   # the shops' platform connections (connectors/demo.py)
        have_orders = Order.objects.filter(organisation=org).count()
        have_cases = IdempotencyRecord.objects.filter(organisation=org, scope="case.create",
                                                      key__startswith="demo-").count()
        if not created and have_orders >= n_orders and have_cases >= n_cases:
            self.stdout.write(f"Demo data already seeded: {have_orders:,} orders, {have_cases:,} demo cases "
                              f"in {org.name} ({org.slug}).")
            self._credentials(org, quiet=True)
            return
        self.org = org
        self.members = self._users(org)
        self.shops = self._shops(org)
        self.skus = self._catalog()
        made_orders = self._orders(n_orders)
        self.stdout.write(f"Orders: {made_orders:,} added ({have_orders + made_orders:,} in all)")
        made, missed = self._cases(n_cases)
        self.stdout.write(f"Cases: {made:,} added ({have_cases + made:,} demo cases in all)")
        if missed:
            self.stdout.write(f"  ({len(missed)} ended short of the planned state: automation or a rule stepped in)")
        with at(self.now):
            assist_demo.seed(org, self.stdout)   # new buyer messages arrive typed, with suggestions (assist/demo.py)
            for case in Case.objects.filter(organisation=org, is_open=True).select_related("shop"):
                rescore(case, self.now)
        states = dict.fromkeys((s.value for s in S if s is not S.UNKNOWN), 0)
        for state in Case.objects.filter(organisation=org).values_list("state", flat=True):
            states[state] = states.get(state, 0) + 1
        self.stdout.write("  by state: " + ", ".join(f"{k} {v}" for k, v in states.items()))
        from aftersales.analytics.demo import seed as seed_analytics   # weeks of history, parcels, alerts
        seed_analytics(org, self.now, self.stdout)
        self._credentials(org)

    # -----------------------------------------------------------------------------------------
    # The merchant, its people and shops

    def _users(self, org) -> dict[str, Who]:
        User = get_user_model()
        out = {}
        for username, role, limit in D.USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, email=f"{username}@demo.example", is_staff=role == "owner",
                            is_superuser=role == "owner")
                user.set_password(D.PASSWORD)
                user.save()
            membership, _ = Membership.objects.get_or_create(
                user=user, organisation=org, defaults={"role": role, "refund_approval_limit": limit})
            out[role] = Who.member(membership)
        return out

    def _shops(self, org) -> dict[str, Shop]:
        out = {}
        for spec in D.SHOPS:
            fields = {k: v for k, v in spec.items() if k not in ("key", "platform", "platform_shop_id")}
            shop, _ = Shop.objects.get_or_create(organisation=org, platform=spec["platform"],
                                                 platform_shop_id=spec["platform_shop_id"], defaults=fields)
            out[spec["key"]] = shop
        return out

    def _catalog(self) -> dict[str, list[Sku]]:
        out = {}
        for key, shop in self.shops.items():
            usd = shop.currency == "USD"
            skus = []
            for code, zh, en, category, price, exclusion, warranty, eligible in D.PRODUCTS:
                title = en if usd else zh
                product, _ = Product.objects.get_or_create(shop=shop, external_id=f"P-{code}", defaults={
                    "title": title, "category": category, "exclusion": exclusion, "warranty_days": warranty,
                    "no_reason_eligible": eligible})
                amount = Decimal(price)
                if usd:
                    amount = (amount * D.USD_PER_CNY).quantize(Decimal("1")) - Decimal("0.01")
                sku, _ = Sku.objects.get_or_create(shop=shop, code=code, defaults={
                    "product": product, "title": title, "price": amount})
                skus.append(sku)
            out[key] = skus
        return out

    # -----------------------------------------------------------------------------------------
    # Orders: made as specs, written through the bulk import

    def _orders(self, n: int) -> int:
        specs = [self._order_spec(i) for i in range(n)]
        existing = set(Order.objects.filter(organisation=self.org).values_list("shop_id", "external_id"))
        todo = [(key, data) for key, data in specs if (self.shops[key].pk, data.external_id) not in existing]
        shops = {s.pk: s for s in self.shops.values()}
        report = ImportReport()
        for i in range(0, len(todo), 1000):
            with transaction.atomic():
                import_order_batch(self.org, shops, [(j, self.shops[k].pk, d) for j, (k, d) in
                                                     enumerate(todo[i:i + 1000])], report)
        if report.rejected:
            raise CommandError(f"demo orders rejected: {report.rejected[0].message} {report.rejected[0].fields}")
        # A few buyers per shop are long-standing customers: their spend before these orders
        # makes them VIPs (the shop's threshold) for the green channel.
        for key, shop in self.shops.items():
            vips = [f"{key}-b{j:05d}" for j in range(0, 400, 29)]
            Buyer.objects.filter(shop=shop, external_id__in=vips, lifetime_spend__lt=shop.vip_spend_threshold).update(
                lifetime_spend=F("lifetime_spend") + shop.vip_spend_threshold * 2, order_count=F("order_count") + 12)
        return report.imported["order"]

    def _order_spec(self, i: int) -> tuple[str, OrderIn]:
        rng = random.Random(f"{self.seed}-order-{i}")
        key = rng.choices(list(D.SHOP_WEIGHTS), weights=list(D.SHOP_WEIGHTS.values()))[0]
        shop, skus = self.shops[key], self.skus[key]
        us = shop.currency == "USD"
        age = timedelta(days=60) * (rng.random() ** 1.3)        # more orders lately
        placed = self.now - age - timedelta(minutes=5)
        lines = []
        for sku in rng.sample(skus, rng.choices((1, 2, 3), weights=(70, 22, 8))[0]):
            protections = []
            if shop.platform in ("douyin", "taobao") and rng.random() < 0.35:
                protections.append("return_shipping_insurance")
            if sku.product.warranty_days and rng.random() < 0.2:
                protections.append("extended_warranty")
            lines.append(LineIn(sku_code=sku.code, quantity=rng.choices((1, 2, 3), weights=(80, 15, 5))[0],
                                unit_price=sku.price, protections=protections,
                                external_id=f"{i:06d}-{sku.code}"))
        shipped = placed + timedelta(hours=rng.uniform(3, 40))
        if shipped > self.now - timedelta(minutes=30) or (age < timedelta(hours=36) and rng.random() < 0.5):
            shipped = None
        delivered = shipped + timedelta(hours=rng.uniform(20, 96)) if shipped else None
        if delivered and delivered > self.now:
            delivered = None
        pool = max(50, int(2000 * D.SHOP_WEIGHTS[key] * 0.6))
        j = int(pool * rng.random() ** 1.6)                      # some buyers come back often
        if us:
            name = f"{random.Random(f'{key}{j}').choice(D.FIRST)} {random.Random(f'{key}{j}x').choice(D.LAST)}"
        else:
            r = random.Random(f"{key}{j}")
            name = r.choice(D.SURNAMES) + r.choice(D.GIVEN)
        email = f"{name.split()[0].lower()}.{j}@example.com" if us or key == "own" else ""
        phone = f"13{random.Random(f'p{key}{j}').randrange(10**8, 10**9)}" if key == "own" else ""
        number = {"douyin": f"69{4_000_000_000_000_000 + i * 7919:017d}",
                  "taobao": f"{3_800_000_000_000_000_000 + i * 104_729}",
                  "tiktok": f"5769{10**13 + i * 6151:014d}", "own": f"MLW2026{i:06d}"}[key]
        carrier = rng.choice(D.CARRIERS_US if us else D.CARRIERS_CN)
        return key, OrderIn(
            external_id=number, buyer=BuyerIn(external_id=f"{key}-b{j:05d}", name=name, email=email, phone=phone),
            lines=lines, placed_at=placed, shipped_at=shipped, delivered_at=delivered,
            carrier=carrier if shipped else "",
            tracking_number=f"{carrier}{rng.randrange(10**11, 10**12)}" if shipped else "")

    # -----------------------------------------------------------------------------------------
    # Cases: planned, then walked through the services to their state

    def _plan(self, n: int) -> list[tuple[S, str]]:
        rng = random.Random(f"{self.seed}-plan")
        states = list(TARGETS)
        plan = [(s, SAFE_TYPE[s]) for s in states][:n]
        types_left = [t.value for t in lc.CaseType]
        weights = [w for w, _ in TARGETS.values()]
        while len(plan) < n:
            state = rng.choices(states, weights=weights)[0]
            allowed = TARGETS[state][1]
            fresh = [t for t in allowed if t in types_left]   # every type at least once, early on
            case_type = rng.choice(fresh or allowed)
            plan.append((state, case_type))
        for _, t in plan:
            if t in types_left:
                types_left.remove(t)
        return plan

    def _cases(self, n: int) -> tuple[int, list]:
        orders = list(Order.objects.filter(organisation=self.org).select_related("shop", "buyer")
                      .prefetch_related("lines__sku__product").order_by("id"))
        used = set(Case.objects.filter(organisation=self.org).values_list("order_id", flat=True))
        done = set(IdempotencyRecord.objects.filter(organisation=self.org, scope="case.create",
                                                    key__startswith="demo-").values_list("key", flat=True))
        made, missed = 0, []
        for i, (target, case_type) in enumerate(self._plan(n)):
            key = f"demo-case-{i:05d}"
            if key in done:
                continue
            rng = random.Random(f"{self.seed}-case-{i}")
            walk = Walk(self, rng, i, target, case_type)
            order = walk.pick_order(orders, used)
            if order is None:
                continue
            used.add(order.pk)
            try:
                case = walk.run(order, key)
            except AftersalesError as exc:
                raise CommandError(f"demo case {i} ({case_type} to {target}): {exc.message} {exc.fields}") from exc
            made += 1
            if case.state != target:
                missed.append((i, target, case.state))
        return made, missed

    def _credentials(self, org, quiet: bool = False) -> None:
        portal_demo.seed(org, self.stdout)   # the buyer portal's orders and requests, and what to try
        __import__("aftersales.risk.demo", fromlist=["seed"]).seed(org, self.stdout, at)   # issue 6: risky buyers
        w = self.stdout.write
        w("")
        w(f"Sign in to the workbench at / (the admin is at /admin/; password for all: {D.PASSWORD}):")
        for username, role, _ in D.USERS:
            w(f"  {username:<16} {role}")
        token_file = settings.HOME / "demo-token.txt"
        raw = token_file.read_text().strip() if token_file.exists() else ""
        if raw and ApiToken.objects.filter(organisation=org, key_hash=ApiToken.hash(raw), revoked_at=None).exists():
            w(f"API token: in {token_file}")
            return
        _, raw = ApiToken.issue(org, "demo")
        token_file.write_text(raw + "\n")
        token_file.chmod(0o600)
        w(f"API token (shown once; also kept in {token_file}):")
        w(f"  {raw}")


class Walk:
    """One case: pick an order that fits, submit the request, then act until the target state."""

    def __init__(self, cmd: Command, rng: random.Random, i: int, target: S, case_type: str):
        self.cmd, self.rng, self.i, self.target, self.case_type = cmd, rng, i, target, case_type
        self.org, self.m = cmd.org, cmd.members

    def pick_order(self, orders: list[Order], used: set):
        now = self.cmd.now
        open_target = not self.target.is_terminal
        if self.case_type == "cancel_pre_shipment":
            ok = [o for o in orders if o.shipped_at is None and o.placed_at < now - timedelta(hours=1)]
        elif self.case_type == "price_protection":
            ok = [o for o in orders if o.shipped_at is not None]
        else:
            horizon = now - timedelta(hours=40 if open_target else 24 * 8)
            ok = [o for o in orders if o.delivered_at is not None and o.delivered_at < horizon]
        if self.case_type == "repair":
            ok = [o for o in ok if any(ln.sku and ln.sku.product.warranty_days for ln in o.lines.all())]
        ok = [o for o in ok if o.pk not in used]
        return self.rng.choice(ok) if ok else None

    def run(self, order: Order, key: str) -> Case:
        rng, now, shop = self.rng, self.cmd.now, order.shop
        self.marketplace = not shop.profile.executes_timeouts
        self.buyer_side = Who.platform() if self.marketplace else Who.buyer()
        lines = list(order.lines.all())
        if self.case_type == "repair":
            lines = [ln for ln in lines if ln.sku and ln.sku.product.warranty_days] or lines
        line = rng.choice(lines)
        steps = self.steps()
        # When: open cases began within the last day and a half, finished ones any time after delivery.
        if self.case_type == "cancel_pre_shipment":
            start = order.placed_at + timedelta(minutes=rng.uniform(10, 50))
        elif not self.target.is_terminal:
            start = now - timedelta(hours=rng.uniform(2, 34))
        else:
            base = order.delivered_at or order.shipped_at
            start = base + timedelta(hours=rng.uniform(8, 24 * 6))
        end = now - timedelta(minutes=5)
        if start >= end:
            start = end - timedelta(hours=1)
        gap = (end - start) / (len(steps) + 2)
        if self.target.is_terminal:
            gap = min(gap, timedelta(hours=rng.uniform(4, 40)))
        if self.case_type == "cancel_pre_shipment" and self.target.is_terminal:
            gap = min(gap, timedelta(hours=rng.uniform(0.3, 3)))
        channel = rng.choices(("platform", "chat", "hotline"), weights=(60, 30, 10))[0] if self.marketplace else \
            rng.choices(("chat", "email", "hotline", "portal"), weights=(40, 25, 15, 20))[0]
        reason = rng.choice(D.REASONS_BY_TYPE[self.case_type])
        amount = None
        if self.case_type == "price_protection":
            amount = (line.unit_price * Decimal(rng.choice(("0.1", "0.15", "0.2")))).quantize(CENT, ROUND_HALF_UP)
        data = CaseIn(
            shop_id=shop.pk, order_external_id=order.external_id, case_type=self.case_type,
            lines=[CaseLineIn(line_external_id=line.external_id, quantity=1)], reason_code=reason,
            reason_text=self._reason_text(shop), channel=channel, requested_amount=amount,
            urgent=rng.random() < 0.08,
            platform_case_id=f"AS{shop.platform_shop_id}-{self.i:06d}" if self.marketplace else "")
        submitter = Who.platform() if channel == "platform" else self.m["agent"] if channel in ("hotline", "chat") \
            else self.buyer_side
        t = start
        with at(t):
            case, _ = submit_case(self.org, data, submitter, idempotency_key=key)
        if rng.random() < 0.15:
            self._conversation(case, t, gap)
        for step in steps:
            t += gap * rng.uniform(0.6, 1.0)
            with at(t):
                case = self.do(case, step) or case
        if case.state == S.COMPLETED and rng.random() < 0.4:
            with at(min(t + gap, end)):
                services.rate_case(self.org, case.pk, rng.choices((5, 4, 3, 2, 1), weights=(55, 25, 10, 5, 5))[0],
                                   rng.choice(("", "处理很快，满意", "Quick and friendly", "还行")))
        return case

    def steps(self) -> list[str]:
        route, target, rng = lc.route_for(self.case_type), self.target, self.rng
        if target == S.AWAITING_SELLER_REVIEW:
            return []
        if target == S.SELLER_REJECTED:
            return ["reject"]
        if target == S.AWAITING_BUYER_RESPONSE:
            return ["offer_coupon" if route == lc.Route.NONE else "offer_partial"]
        if target == S.CLOSED:
            if rng.random() < 0.4:
                return ["cancel"]
            return ["reject", rng.choice(("close", "ruled_for_seller")) if self.marketplace else "close"]
        back = ["approve", "ship_return"]
        if route == lc.Route.REFUND:
            # now and then the platform's arbitration decides for the buyer
            to_money = ["reject", "ruled_for_buyer"] if self.marketplace and rng.random() < 0.15 else ["approve"]
        elif route == lc.Route.RETURN_THEN_REFUND:
            to_money = back + ["inspect_ok"]
        else:
            to_money = []
        if target == S.AWAITING_BUYER_RETURN:
            return ["approve"]
        if target == S.AWAITING_RECEIPT_REVIEW:
            return back
        if target == S.RECEIPT_REJECTED:
            return back + ["inspect_bad"]
        shipping = ["approve"] if route == lc.Route.SHIP else back + ["inspect_ok"]
        if target == S.AWAITING_SELLER_SHIPMENT:
            return shipping
        if target == S.AWAITING_BUYER_RECEIPT:
            return shipping + ["ship_to_buyer"]
        if target == S.REFUND_IN_PROGRESS:
            return to_money + (["pay"] if rng.random() < 0.5 else [])
        # COMPLETED
        if route == lc.Route.NONE:
            return ["approve"] if rng.random() < 0.5 else ["offer_coupon", "accept_offer"]
        if route in (lc.Route.REFUND, lc.Route.RETURN_THEN_REFUND):
            return to_money + ["pay", "confirm_refund"]
        return shipping + ["ship_to_buyer", "confirm_delivery"]

    def do(self, case: Case, step: str) -> Case | None:
        org, m, rng = self.org, self.m, self.rng
        state = lc.CaseState(case.state)
        route = case.route

        def legal(action, actor) -> bool:
            try:
                lc.transition(state, action, actor, route)
            except lc.IllegalTransition:
                return False
            return not (case.profile.refusal(lc.CaseType(case.case_type), action) and actor != lc.Actor.PLATFORM)

        def act(action, who, **inputs) -> Case | None:
            if not legal(action, who.actor):
                return None   # automation got there first, or this path does not apply
            return services.perform(org, case.pk, action, who, services.ActionInput(**inputs))

        us = case.currency == "USD"
        carrier = rng.choice(D.CARRIERS_US if us else D.CARRIERS_CN)
        tracking = f"{carrier}{rng.randrange(10**11, 10**12)}"
        agent = m["agent"] if (case.requested_amount or 0) <= 2000 else m["owner"]
        if step == "approve":
            return act(A.APPROVE, agent)
        if step == "reject":
            why = "Photos show normal wear, not a defect" if us else "经核实商品无质量问题，且已超出无理由退货期限"
            return act(A.REJECT, agent, reason=why)
        if step == "offer_partial":
            return act(A.OFFER, agent, offer_kind="partial_refund", amount=(case.requested_amount / 2).quantize(CENT),
                       offer_note="Partial refund, keep the item" if us else "补偿部分款项，商品无需退回")
        if step == "offer_coupon":
            return act(A.OFFER, agent, offer_kind="coupon", coupon_code=f"SORRY{rng.randrange(1000, 9999)}",
                       offer_note="A coupon for the trouble" if us else "赠送无门槛优惠券，表示歉意")
        if step == "accept_offer":
            return act(A.ACCEPT_OFFER, self.buyer_side)
        if step == "ship_return":
            return act(A.SHIP_RETURN, self.buyer_side, carrier=carrier, tracking_number=tracking)
        if step in ("inspect_ok", "inspect_bad"):
            if state != S.AWAITING_RECEIPT_REVIEW:
                return None
            if step == "inspect_ok":
                return services.inspect_return(org, case.pk, m["warehouse"], "ok")
            outcome = rng.choice(("damaged_by_buyer", "used", "wrong_item", "empty_box"))
            note = "Returned item shows heavy use" if us else "退回商品有明显使用痕迹，吊牌已剪"
            return services.inspect_return(org, case.pk, m["warehouse"], outcome, note=note)
        if step == "ship_to_buyer":
            return act(A.SHIP_TO_BUYER, agent, carrier=carrier, tracking_number=tracking)
        if step == "confirm_delivery":
            return act(A.CONFIRM_DELIVERY, self.buyer_side)
        if step == "pay":
            if state != S.REFUND_IN_PROGRESS or case.refund_state != lc.RefundState.APPROVED:
                return None
            return services.pay_refund(org, case.pk, m["finance"], external_id=f"PAY{rng.randrange(10**9, 10**10)}")
        if step == "confirm_refund":
            if state != S.REFUND_IN_PROGRESS:
                return None
            return services.confirm_refund(org, case.pk, Who.platform() if self.marketplace else Who.system())
        if step == "cancel":
            return act(A.CANCEL, self.buyer_side)
        if step == "close":
            return act(A.CLOSE, Who.platform() if self.marketplace else Who.system())
        if step in ("ruled_for_seller", "ruled_for_buyer"):
            return act(A(step), Who.platform())
        raise ValueError(step)

    def _conversation(self, case: Case, t: datetime, gap: timedelta) -> None:
        us = case.currency == "USD"
        with at(t + min(gap / 4, timedelta(minutes=20))):
            services.add_message(self.org, case.pk, Who.buyer(),
                                 self.rng.choice(D.BUYER_MESSAGES_EN if us else D.BUYER_MESSAGES_ZH), channel="chat")
        with at(t + min(gap / 3, timedelta(minutes=45))):
            services.add_message(self.org, case.pk, self.m["agent"],
                                 self.rng.choice(D.SELLER_REPLIES_EN if us else D.SELLER_REPLIES_ZH), channel="chat")

    def _reason_text(self, shop) -> str:
        if shop.currency == "USD":
            return self.rng.choice(("", "Doesn't fit", "Arrived with a scratch", "Changed my mind"))
        return self.rng.choice(("", "尺码不合适", "收到有划痕", "不想要了", "和图片颜色不一样"))
