"""The benchmark's data: merchants, shops and goods; the rows of the import files; and the fill
that brings the database up to N cases with set-based SQL.

Everything is drawn from one seeded random generator, so two runs at the same sizes hold the same
rows.  The import rows are what `aftersales import` reads from a JSON Lines file (dicts of JSON
values), so the measured import includes turning them into requests.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction

from aftersales.accounts.models import Organisation
from aftersales.benchmarks import dialect as sql
from aftersales.cases import timers
from aftersales.cases.models import Case, Deadline
from aftersales.catalog.models import Product, Shop, Sku
from aftersales.domain import lifecycle as lc
from aftersales.domain import priority as prio
from aftersales.domain.deadlines import DeadlineSource, Party
from aftersales.domain.platforms import PROFILES
from aftersales.orders.models import Buyer, Order

S, T_ = lc.CaseState, lc.CaseType
PLATFORMS = ("douyin", "taobao", "tiktok_shop", "own_store")
MARKETPLACES = tuple(p for p in PLATFORMS if not PROFILES[p].executes_timeouts)
PLATFORM_WEIGHTS = {"douyin": 35, "taobao": 30, "tiktok_shop": 15, "own_store": 20}
SHOP_SETTINGS = {
    "douyin": {"currency": "CNY", "time_zone": "Asia/Shanghai", "region": "CN"},
    "taobao": {"currency": "CNY", "time_zone": "Asia/Shanghai", "region": "CN"},
    "tiktok_shop": {"currency": "USD", "time_zone": "America/Los_Angeles", "region": "US"},
    "own_store": {"currency": "CNY", "time_zone": "Asia/Shanghai", "region": "CN"},
}
# (code, category, price, exclusion, no-reason eligible, warranty days)
GOODS = (
    ("JKT", "apparel", "459.00", "", True, 0), ("TSH", "apparel", "89.00", "", True, 0),
    ("SHO", "shoes", "599.00", "", True, 0), ("EBD", "electronics", "299.00", "", True, 365),
    ("KTL", "home", "159.00", "", True, 365), ("TEA", "food", "268.00", "perishable", False, 0),
    ("FRT", "food", "129.00", "perishable", False, 0), ("CRM", "beauty", "219.00", "", True, 0),
    ("MUG", "home", "49.00", "", True, 0), ("CUS", "apparel", "399.00", "custom_made", False, 0),
)
# The measured merchant holds this share of the filled cases; three others share the rest.
ORG_WEIGHTS = (40, 25, 20, 15)
SEED = 20261120


@dataclass
class World:
    bench: Organisation                      # the measured merchant: imports, the queue
    raw: Organisation                        # the same shops again, for the raw import baseline
    shops: dict[str, Shop]                   # the bench merchant's shops by platform
    raw_shops: dict[str, Shop]
    others: list[dict[str, Shop]] = field(default_factory=list)

    def all_shop_sets(self) -> list[dict[str, Shop]]:
        return [self.shops, *self.others]


def make_world() -> World:
    """Four merchants with a shop on each platform and ten goods a shop, and a twin of the
    measured merchant for the raw baseline."""
    orgs = [Organisation.objects.create(name=name, slug=slug) for name, slug in (
        ("Bench merchant", "bench"), ("Bench raw twin", "bench-raw"), ("Bench merchant 2", "bench-2"),
        ("Bench merchant 3", "bench-3"), ("Bench merchant 4", "bench-4"))]
    shop_sets = []
    for org in orgs:
        shops = {p: Shop.objects.create(organisation=org, platform=p, name=f"{org.name} {p}",
                                        platform_shop_id=f"{org.slug}-{p}", **SHOP_SETTINGS[p]) for p in PLATFORMS}
        for shop in shops.values():
            for code, category, price, exclusion, no_reason, warranty in GOODS:
                product = Product.objects.create(shop=shop, external_id=f"P-{code}", title=f"{category} {code}",
                                                 category=category, exclusion=exclusion,
                                                 no_reason_eligible=no_reason, warranty_days=warranty)
                Sku.objects.create(shop=shop, product=product, code=code, title=product.title, price=Decimal(price))
        shop_sets.append(shops)
    return World(bench=orgs[0], raw=orgs[1], shops=shop_sets[0], raw_shops=shop_sets[1], others=shop_sets[2:])


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# ---------------------------------------------------------------------------------------------
# The import files' rows

def import_rows(world: World, m: int, now: datetime) -> tuple[list[dict], list[dict]]:
    """M orders and one case for each, as the JSON Lines rows `aftersales import` reads."""
    rng = random.Random(SEED)
    orders, cases = [], []
    buyers_per_shop = max(1, m // 3)   # about one buyer in three comes back
    for i in range(1, m + 1):
        platform = _pick(rng, PLATFORM_WEIGHTS)
        shop = world.shops[platform]
        placed = now - timedelta(days=rng.uniform(3, 20))
        shipped = placed + timedelta(hours=20) if rng.random() < 0.9 else None
        delivered = shipped + timedelta(days=2) if shipped and rng.random() < 0.85 else None
        n_buyer = rng.randrange(buyers_per_shop)
        buyer = {"external_id": f"bb{n_buyer}", "name": f"买家 {n_buyer}"}
        if n_buyer % 10 < 6:
            buyer["email"] = f"bb{n_buyer}@example.com"
        elif n_buyer % 10 < 9:
            buyer["phone"] = f"+86138{n_buyer:08d}"[:15]
        lines = []
        for j in range(1 if rng.random() < 0.8 else 2):
            code, _, price, *_ = rng.choice(GOODS)
            line = {"sku_code": code, "quantity": rng.choice((1, 1, 1, 2, 3)), "unit_price": price,
                    "external_id": f"BO{i}-{j}"}
            if rng.random() < 0.15:
                line["protections"] = ["return_shipping_insurance"]
            lines.append(line)
        order = {"kind": "order", "shop_id": shop.pk, "external_id": f"BO{i}", "buyer": buyer, "lines": lines,
                 "placed_at": placed.isoformat()}
        if shipped:
            order.update(shipped_at=shipped.isoformat(), carrier="SF", tracking_number=f"SF{i:012d}")
        if delivered:
            order["delivered_at"] = delivered.isoformat()
        orders.append(order)
        cases.append(_case_row(rng, shop, i, order, now))
    return orders, cases


_TYPES = {"refund_only": 30, "return_refund": 45, "exchange": 12, "repair": 5, "reship": 5, "price_protection": 3}
_REASONS = {
    "refund_only": ("logistics.not_delivered", "quality.damaged", "fulfilment.missing_item", "no_reason.unwanted"),
    "return_refund": ("no_reason.size_fit", "no_reason.dislike", "quality.defect", "not_as_described.material"),
    "exchange": ("no_reason.size_fit", "quality.defect"), "repair": ("quality.malfunction",),
    "reship": ("fulfilment.missing_item", "logistics.damaged_in_transit"), "price_protection": ("price.protection",),
    "cancel_pre_shipment": ("no_reason.unwanted", "fulfilment.late_shipment"),
}
_CHANNELS = {"platform": 50, "chat": 20, "hotline": 5, "email": 10, "import": 15}


def _statuses(platform: str) -> list[tuple[str, lc.CaseState]]:
    """The platform's raw statuses with the state each maps to (not the unknown state)."""
    return [(raw, state) for raw, state in PROFILES[platform].status_map.items() if state != S.UNKNOWN]


def _case_row(rng: random.Random, shop: Shop, i: int, order: dict, now: datetime) -> dict:
    case_type = "cancel_pre_shipment" if "shipped_at" not in order else _pick(rng, _TYPES)
    channel = _pick(rng, _CHANNELS)
    if shop.platform == "own_store" and channel == "platform":
        channel = "portal"
    row = {"kind": "case", "shop_id": shop.pk, "order_external_id": order["external_id"], "case_type": case_type,
           "reason_code": rng.choice(_REASONS[case_type]), "channel": channel, "platform_case_id": f"IMP{i}",
           "reason_text": "尺码不合适，想退货" if case_type == "return_refund" else ""}
    if rng.random() < 0.3:
        first = order["lines"][0]
        row["lines"] = [{"line_external_id": first["external_id"], "quantity": 1}]
    if rng.random() < 0.05:
        row["urgent"] = True
    if rng.random() < 0.25:   # further along than a new request: the platform says where it is
        raw, _ = rng.choice(_statuses(shop.platform))
        status, _, qualifier = raw.partition("|")
        row["platform_status"] = status
        if qualifier:
            row["platform_status_qualifier"] = qualifier
        if shop.platform != "own_store" and rng.random() < 0.5:
            row["platform_deadline"] = (now + timedelta(hours=rng.uniform(2, 40))).isoformat()
    return row


# ---------------------------------------------------------------------------------------------
# The fill: up to N cases with set-based SQL

OPEN_SHARE = 0.9
# Shares of the filled *open* cases whose deadlines put work before the sweep at time T.
SWEEP_MIX = (
    ("lapsed", 0.01, "marketplace deadline passed (the platform acts; we note it and ask to reconcile)"),
    ("own_timeout", 0.002, "own-store deadline passed: the sweep performs the timeout (a transition)"),
    ("breach", 0.005, "breach-only promise passed (first reply): counted"),
    ("warn", 0.01, "seller deadline due within the warning window, not yet warned"),
    ("band", 0.02, "time band changed since the case was last scored: re-prioritised"),
)
_STATES = {S.AWAITING_SELLER_REVIEW: 45, S.AWAITING_BUYER_RETURN: 15, S.AWAITING_RECEIPT_REVIEW: 12,
           S.REFUND_IN_PROGRESS: 10, S.AWAITING_BUYER_RESPONSE: 5, S.SELLER_REJECTED: 4,
           S.AWAITING_SELLER_SHIPMENT: 4, S.AWAITING_BUYER_RECEIPT: 3, S.RECEIPT_REJECTED: 2}
_TYPES_FOR_STATE = {
    S.AWAITING_BUYER_RETURN: ("return_refund", "exchange"), S.AWAITING_RECEIPT_REVIEW: ("return_refund", "exchange"),
    S.REFUND_IN_PROGRESS: ("refund_only", "return_refund"), S.AWAITING_SELLER_SHIPMENT: ("exchange", "reship", "repair"),
    S.AWAITING_BUYER_RECEIPT: ("exchange", "reship"), S.RECEIPT_REJECTED: ("return_refund",),
}
_FILL_CHANNELS = {"platform": 45, "chat": 25, "hotline": 5, "email": 10, "import": 10, "api": 5}
_PERSON_CHANNELS = ("chat", "hotline", "email")
_WARN = timedelta(hours=12)     # every profile warns 12 hours ahead; the fill's windows keep clear of it
_H = 3600


@dataclass
class FillReport:
    cases: int = 0
    open_cases: int = 0
    deadlines: int = 0
    buyers: int = 0
    seconds: float = 0.0
    mix: Counter = field(default_factory=Counter)   # filled cases by SWEEP_MIX name, plus normal / closed

    def as_dict(self) -> dict:
        return {"cases": self.cases, "open_cases": self.open_cases, "deadlines": self.deadlines,
                "buyers_and_orders": self.buyers, "seconds": round(self.seconds, 2), "mix": dict(self.mix)}


def fill(world: World, n_total: int, at: datetime) -> FillReport:
    """Add cases until the database holds `n_total`, spread over the four merchants' shops, with
    their deadline records, as they stand at time `at` (the sweep's time)."""
    started = time.perf_counter()
    report = FillReport()
    n = max(0, n_total - Case.objects.count())
    if not n:
        return report
    rng = random.Random(SEED + 1)
    k = min(1999, max(7, n // 10))                    # buyers (each with an order) per shop
    size = min(10_000, n)                              # templates: case i follows template i % size
    cases, deadlines, kinds = _templates(world, size, at, rng)
    with transaction.atomic():
        report.buyers = _buyers_and_orders(world, k, at)
        _load_templates(cases, deadlines)
        before = sql.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {sql.table(Case)}")
        _insert_cases(n, size, k, at)
        report.cases = sql.scalar(f"SELECT COUNT(*) FROM {sql.table(Case)} WHERE id > %s", [before])
        report.deadlines = _insert_deadlines(before, size, at)
        for name in ("bench_tpl", "bench_tpl_dl", "bench_fb"):
            sql.execute(f"DROP TABLE {name}")
    full, rest = divmod(n, size)
    for t, kind in enumerate(kinds):
        report.mix[kind] += full + (1 if 0 < t <= rest else 0)
    report.open_cases = report.cases - report.mix["closed"]
    sql.analyze()
    report.seconds = time.perf_counter() - started
    return report


def _buyers_and_orders(world: World, k: int, at: datetime) -> int:
    """k buyers with one delivered order each in every shop, and the table bench_fb(shop, k) that
    the case insert picks them from."""
    shop_ids = ", ".join(str(s.pk) for shops in world.all_shop_sets() for s in shops.values())
    b, o, s = sql.table(Buyer), sql.table(Order), sql.table(Shop)
    sql.execute(f"""{sql.series(k)}
        INSERT INTO {b} (organisation_id, shop_id, external_id, name, phone, email, lifetime_spend, order_count,
                         case_count, refund_count, created_at)
        SELECT s.organisation_id, s.id, 'FB' || g.i, 'Buyer ' || g.i, '', 'fb' || g.i || '@example.com',
               100 + g.i % 5000, 1, 0, 0, {sql.at(at)}
        FROM g CROSS JOIN {s} s WHERE s.id IN ({shop_ids})""")
    sql.execute(f"""
        INSERT INTO {o} (organisation_id, shop_id, buyer_id, external_id, currency, paid_amount, placed_at,
                         shipped_at, delivered_at, created_at)
        SELECT b.organisation_id, b.shop_id, b.id, 'FO' || substr(b.external_id, 3), s.currency, 199,
               {sql.plus_seconds(at, str(-10 * 24 * _H))}, {sql.plus_seconds(at, str(-9 * 24 * _H))},
               {sql.plus_seconds(at, str(-7 * 24 * _H))}, {sql.at(at)}
        FROM {b} b JOIN {s} s ON s.id = b.shop_id
        WHERE b.shop_id IN ({shop_ids}) AND b.external_id LIKE 'FB%'""")
    sql.execute("CREATE TEMP TABLE bench_fb (shop_id BIGINT, k INTEGER, buyer_id BIGINT, order_id BIGINT, "
                "PRIMARY KEY (shop_id, k))")
    return sql.execute(f"""
        INSERT INTO bench_fb (shop_id, k, buyer_id, order_id)
        SELECT b.shop_id, CAST(substr(b.external_id, 3) AS INTEGER) % {k}, b.id, o.id
        FROM {b} b JOIN {o} o ON o.buyer_id = b.id AND o.external_id = 'FO' || substr(b.external_id, 3)
        WHERE b.shop_id IN ({shop_ids}) AND b.external_id LIKE 'FB%'""")


_TPL_CASE = ("t", "organisation_id", "shop_id", "platform", "currency", "case_type", "route", "reason_code",
             "channel", "state", "is_open", "close_reason", "refund_state", "return_state", "urgent", "vip",
             "priority", "priority_band", "time_band", "due_off", "created_off", "closed_off", "requested_amount",
             "policy_version", "policy_verdict", "policy_result")
_TPL_DEADLINE = ("t", "kind", "party", "step", "due_off", "source", "clock", "on_timeout", "status", "note",
                 "warned_off", "closed_off")


def _load_templates(cases: list[dict], deadlines: list[dict]) -> None:
    sql.execute("""CREATE TEMP TABLE bench_tpl (t INTEGER PRIMARY KEY, organisation_id BIGINT, shop_id BIGINT,
        platform TEXT, currency TEXT, case_type TEXT, route TEXT, reason_code TEXT, channel TEXT, state TEXT,
        is_open BOOLEAN, close_reason TEXT, refund_state TEXT, return_state TEXT, urgent BOOLEAN, vip BOOLEAN,
        priority INTEGER, priority_band TEXT, time_band INTEGER, due_off INTEGER, created_off INTEGER,
        closed_off INTEGER, requested_amount NUMERIC(12, 2), policy_version TEXT, policy_verdict TEXT,
        policy_result TEXT)""")
    sql.execute("""CREATE TEMP TABLE bench_tpl_dl (t INTEGER, kind TEXT, party TEXT, step TEXT, due_off INTEGER,
        source TEXT, clock TEXT, on_timeout TEXT, status TEXT, note TEXT, warned_off INTEGER, closed_off INTEGER)""")
    sql.execute("CREATE INDEX bench_tpl_dl_t ON bench_tpl_dl (t)")
    with connection.cursor() as cursor:
        for name, columns, rows in (("bench_tpl", _TPL_CASE, cases), ("bench_tpl_dl", _TPL_DEADLINE, deadlines)):
            cursor.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                               [tuple(r[c] for c in columns) for r in rows])


def _insert_cases(n: int, size: int, k: int, at: datetime) -> None:
    c = sql.table(Case)
    sql.execute(f"""{sql.series(n)}
        INSERT INTO {c} (organisation_id, shop_id, buyer_id, order_id, platform, platform_case_id, case_type, route,
            reason_code, reason_text, problem_type, channel, state, is_open, close_reason, refund_state, return_state,
            arbitration_state, platform_status_raw, platform_type_raw, platform_payload, platform_updated_at,
            currency, requested_amount, approved_amount, urgent, vip, priority, priority_band, time_band,
            next_due_at, policy_version, policy_verdict, policy_result, assignee_id, first_replied_at, created_at,
            updated_at, closed_at, version)
        SELECT t.organisation_id, t.shop_id, fb.buyer_id, fb.order_id, t.platform, 'F' || g.i, t.case_type, t.route,
            t.reason_code, '', '', t.channel, t.state, t.is_open, t.close_reason, t.refund_state, t.return_state,
            'none', '', '', {sql.json("'{}'")}, NULL,
            t.currency, t.requested_amount, NULL, t.urgent, t.vip, t.priority, t.priority_band, t.time_band,
            {sql.plus_seconds(at, 't.due_off')}, t.policy_version, t.policy_verdict, {sql.json('t.policy_result')},
            NULL, NULL, {sql.plus_seconds(at, 't.created_off - g.i % 3600')},
            {sql.plus_seconds(at, 't.created_off - g.i % 3600')}, {sql.plus_seconds(at, 't.closed_off')}, 1
        FROM g JOIN bench_tpl t ON t.t = g.i % {size}
               JOIN bench_fb fb ON fb.shop_id = t.shop_id AND fb.k = g.i % {k}""")


def _insert_deadlines(after_id: int, size: int, at: datetime) -> int:
    c, d = sql.table(Case), sql.table(Deadline)
    return sql.execute(f"""
        INSERT INTO {d} (case_id, kind, party, step, due_at, source, clock, on_timeout, status, note, warned_at,
                         closed_at, extended_count, created_at)
        SELECT c.id, t.kind, t.party, t.step, {sql.plus_seconds(at, 't.due_off')}, t.source, t.clock, t.on_timeout,
               t.status, t.note, {sql.plus_seconds(at, 't.warned_off')}, {sql.plus_seconds(at, 't.closed_off')}, 0,
               c.created_at
        FROM {c} c JOIN bench_tpl_dl t ON t.t = CAST(substr(c.platform_case_id, 2) AS BIGINT) % {size}
        WHERE c.id > {int(after_id)}""")


# ---------------------------------------------------------------------------------------------
# Templates: what a filled case looks like, worked out with the real rules

def _templates(world: World, size: int, at: datetime, rng: random.Random):
    n_open = round(size * OPEN_SHARE)
    kinds: list[str] = []
    for name, share, _ in SWEEP_MIX:
        kinds += [name] * max(1, round(n_open * share))
    kinds += ["normal"] * max(0, n_open - len(kinds))
    kinds += ["closed"] * (size - len(kinds))
    kinds = kinds[:size]
    rng.shuffle(kinds)
    cases, deadlines = [], []
    shop_sets = world.all_shop_sets()
    for t, kind in enumerate(kinds):
        shops = rng.choices(shop_sets, weights=ORG_WEIGHTS)[0]
        case, rows = _template(rng, t, kind, shops, at)
        cases.append(case)
        deadlines += rows
    return cases, deadlines, kinds


def _state_and_type(rng, kind: str, platform: str) -> tuple[lc.CaseState, str]:
    if kind == "closed":
        return rng.choice((S.COMPLETED, S.COMPLETED, S.CLOSED)), _pick(rng, _TYPES)
    if kind in ("own_timeout", "breach"):
        return S.AWAITING_SELLER_REVIEW, rng.choice(("return_refund", "return_refund", "refund_only"))
    if kind in ("lapsed", "warn"):
        state = S.AWAITING_SELLER_REVIEW if rng.random() < 0.8 else S.AWAITING_RECEIPT_REVIEW
        return state, ("return_refund" if state == S.AWAITING_RECEIPT_REVIEW
                       else rng.choice(("return_refund", "refund_only")))
    state = _pick(rng, _STATES)
    if state == S.AWAITING_BUYER_RESPONSE and platform != "own_store":
        state = S.AWAITING_SELLER_REVIEW
    types = _TYPES_FOR_STATE.get(state) or tuple(t for t in _TYPES if t != "price_protection")
    return state, rng.choice(types)


def _template(rng: random.Random, t: int, kind: str, shops: dict[str, Shop], at: datetime):
    if kind == "lapsed":
        platform = rng.choices(MARKETPLACES, weights=[PLATFORM_WEIGHTS[p] for p in MARKETPLACES])[0]
    elif kind == "own_timeout":
        platform = "own_store"
    else:
        platform = _pick(rng, PLATFORM_WEIGHTS)
    shop = shops[platform]
    state, case_type = _state_and_type(rng, kind, platform)
    channel = rng.choice(_PERSON_CHANNELS) if kind == "breach" else _pick(rng, _FILL_CHANNELS)
    if platform == "own_store" and channel == "platform":
        channel = "portal"
    if kind in ("lapsed", "own_timeout", "warn", "band") and channel in _PERSON_CHANNELS:
        channel = "api"    # no first-reply promise: it would fall into the windows below
    is_open = kind != "closed"
    step_state = state if is_open else S.AWAITING_SELLER_REVIEW
    rows = timers.step_deadlines(shop, case_type, step_state, at)
    if not shop.profile.executes_timeouts and shop.profile.deadline_rule(step_state, lc.CaseType(case_type)):
        # marketplaces send their own deadline for the step's timer: the truth, labelled so
        rows[0].source, rows[0].note = DeadlineSource.PLATFORM, f"{shop.profile.name_en} deadline"
    if is_open and channel in _PERSON_CHANNELS and state == S.AWAITING_SELLER_REVIEW:
        rows.append(timers.first_reply_deadline(shop, at))
    created_off = -int(rng.uniform(10 * 24 * _H, 200 * 24 * _H) if not is_open else rng.uniform(_H, 10 * 24 * _H))
    out = []
    for i, d in enumerate(rows):
        full = max(int((d.due_at - at).total_seconds()), 1200)   # the step's whole duration
        warned = closed = None
        status = "open"
        if kind == "closed":
            due, status, closed = created_off + full, "met", created_off + int(rng.uniform(_H, full))
        elif (kind in ("lapsed", "own_timeout") and i == 0) or (kind == "breach" and d.kind == "first_reply"):
            due = -int(rng.uniform(60, 6 * _H))     # passed before the sweep
        elif kind == "warn" and i == 0:
            due = int(rng.uniform(600, 11 * _H))
        elif kind == "normal":
            due = int(rng.uniform(600, full))
            if d.party == Party.SELLER and due <= _WARN.total_seconds():
                warned = -1800      # warned by an earlier sweep
        else:                       # the other deadlines of a special case stay out of every window
            due = int(rng.uniform(13 * _H, 71 * _H))
        out.append({"t": t, "kind": d.kind, "party": d.party, "step": d.step, "due_off": due, "source": d.source,
                    "clock": d.clock, "on_timeout": d.on_timeout, "status": status, "note": d.note,
                    "warned_off": warned, "closed_off": closed})
    seller_dues = [r["due_off"] for r in out if r["status"] == "open" and r["party"] == Party.SELLER]
    next_due = min(seller_dues) if seller_dues else None
    band = prio.time_band(timedelta(seconds=next_due)) if next_due is not None else 0
    if next_due is not None and next_due <= 0:
        band = 3                    # scored before the deadline passed
    elif kind == "band" and band:
        band -= 1                   # scored when more time was left
    urgent, vip = rng.random() < 0.05, rng.random() < 0.08
    representative = {4: timedelta(minutes=-5), 3: timedelta(hours=2), 2: timedelta(hours=12),
                      1: timedelta(hours=48), 0: None}[band]
    p = prio.score(urgent=urgent, vip=vip, channel=channel, time_left=representative if is_open else None)
    amount = Decimal(rng.randrange(2000, 80000)) / 100
    case = {"t": t, "organisation_id": shop.organisation_id, "shop_id": shop.pk, "platform": platform,
            "currency": shop.currency, "case_type": case_type, "route": lc.route_for(case_type), "reason_code":
            rng.choice(_REASONS.get(case_type, ("other",))), "channel": channel, "state": state, "is_open": is_open,
            "close_reason": "buyer_cancelled" if state == S.CLOSED else "",
            "refund_state": "approved" if state == S.REFUND_IN_PROGRESS else ("succeeded" if state == S.COMPLETED
                                                                              else "none"),
            "return_state": "in_transit" if state == S.AWAITING_RECEIPT_REVIEW else "none",
            "urgent": urgent, "vip": vip, "priority": p.value if is_open else 0, "priority_band": p.band,
            "time_band": band if is_open else 0, "due_off": next_due if is_open else None,
            "created_off": created_off, "closed_off": None if is_open else created_off + 2 * 24 * _H,
            "requested_amount": amount, "policy_version": f"{shop.pk}-1", "policy_verdict": "needs_review",
            "policy_result": _policy_result(shop, vip)}
    return case, out


def _policy_result(shop: Shop, vip: bool) -> str:
    """A stored policy result of the usual size (three checks, both languages)."""
    return json.dumps({
        "verdict": "needs_review", "version": f"{shop.pk}-1", "vip": vip, "return_shipping_payer": "buyer",
        "checks": [
            {"check": "no_reason_window", "verdict": "eligible", "zh": "签收后 7 天内，可七天无理由退货。",
             "en": "Within 7 days of delivery: a no-reason return is allowed."},
            {"check": "excluded_goods", "verdict": "eligible", "zh": "商品不属于不适用无理由退货的类别。",
             "en": "The goods are not of a kind excluded from no-reason returns."},
            {"check": "auto_decision", "verdict": "needs_review", "zh": "金额超过自动同意上限，需人工审核。",
             "en": "The amount is above the automatic approval limit: an agent decides."},
        ]}, ensure_ascii=False)


def mix_lines(report: FillReport) -> list[str]:
    """The sweep mix in words, for the output."""
    total_open = max(report.open_cases, 1)
    out = []
    for name, share, words in SWEEP_MIX:
        got = report.mix.get(name, 0)
        out.append(f"{name}: {got:,} cases ({got / total_open:.1%} of the filled open cases): {words}")
    return out


__all__ = ["SWEEP_MIX", "FillReport", "World", "fill", "import_rows", "make_world", "mix_lines"]
