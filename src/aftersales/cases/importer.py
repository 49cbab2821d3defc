"""Bulk import of orders and cases: the path `aftersales import` and the benchmark take.

`import_rows` writes the same rows as taking the requests in one by one (cases.intake.submit_case
and orders.services.upsert_order) would: the case with its policy result and priority, its lines,
the ledger reservation, the step's deadline records, the "created" timeline event and the outbox
rows.  What it does not do is decide: automatic approval is not run, because a case imported
from a platform already carries the platform's state (docs/IMPORT.md).

Speed comes from doing per batch what the one-by-one path does per row: one query each to find
the shops' orders and lines and what was imported before, the rules run in Python (they are
pure), then one bulk insert per table.  Every row is checked before anything of its batch is
written, so a bad row is reported with its number and the good ones still go in; each batch is
one transaction, and if the database refuses the batch anyway (a unique key raced by another
writer) the batch is written again one row at a time, each row its own transaction.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from aftersales import clock
from aftersales.accounts.models import Organisation
from aftersales.cases import bulk, ledger, timers
from aftersales.cases import rows as rowlib
from aftersales.cases.explain import created_text
from aftersales.cases.intake import CaseIn, pick_lines
from aftersales.cases.intake import request_hash
from aftersales.cases.models import Case, CaseLine, Deadline, IdempotencyRecord, TimelineEvent
from aftersales.cases.permissions import Who
from aftersales.cases.scoring import policy_result_dict, policy_time, shop_policy
from aftersales.catalog.models import Shop
from aftersales.domain import lifecycle as lc
from aftersales.domain import priority as prio
from aftersales.domain.deadlines import Party
from aftersales.domain.policies import CaseFacts, Exclusion, LineFacts, evaluate
from aftersales.domain.policies import Protection as ProtectionKind
from aftersales.domain.reasons import REASONS
from aftersales.errors import AftersalesError, ValidationFailed
from aftersales.notify.models import OutboxMessage
from aftersales.notify.outbox import buyer_recipient
from aftersales.orders.models import Buyer, Order, OrderLine, Protection


@dataclass
class Rejected:
    row: int
    kind: str
    message: str
    fields: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"row": self.row, "kind": self.kind, "message": self.message, "fields": self.fields}


@dataclass
class ImportReport:
    imported: Counter = field(default_factory=Counter)    # by kind
    updated: Counter = field(default_factory=Counter)     # orders whose shipping facts moved
    unchanged: Counter = field(default_factory=Counter)   # duplicates: nothing written
    rejected: list[Rejected] = field(default_factory=list)
    rows: int = 0
    seconds: float = 0.0
    dry_run: bool = False

    def reject(self, row: int, kind: str, exc: AftersalesError | str) -> None:
        if isinstance(exc, str):
            self.rejected.append(Rejected(row, kind, exc))
        else:
            self.rejected.append(Rejected(row, kind, exc.message, dict(exc.fields)))

    def merge(self, other: "ImportReport") -> None:
        self.imported.update(other.imported)
        self.updated.update(other.updated)
        self.unchanged.update(other.unchanged)
        self.rejected.extend(other.rejected)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def as_dict(self) -> dict:
        return {"rows": self.rows, "imported": dict(self.imported), "updated": dict(self.updated),
                "unchanged": dict(self.unchanged), "rejected": [r.as_dict() for r in self.rejected],
                "seconds": round(self.seconds, 3), "dry_run": self.dry_run}


def import_rows(organisation: Organisation, rows: Iterable, *, batch_size: int = 1000, kind: str = "auto",
                default_shop: int | None = None, who: Who | None = None, dry_run: bool = False,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import `rows`: dicts (numbered from 1), or (row number, dict) pairs as rows.read_rows gives.

    Runs of consecutive rows of one kind are imported in batches of `batch_size`, in file order,
    so an order is in before the cases after it that name it.  `progress(n)` is called with the
    number of rows done after each batch.  With `dry_run` everything is checked and written, then
    rolled back."""
    report = ImportReport(dry_run=dry_run)
    started = time.perf_counter()
    who = who or Who.system()
    shops = {s.pk: s for s in Shop.objects.filter(organisation=organisation)}
    numbered = (r if isinstance(r, tuple) else (i, r) for i, r in enumerate(rows, start=1))

    def run():
        batch: list = []
        batch_kind = ""
        for number, row in rowlib.merge_order_lines(numbered, kind):
            report.rows += 1
            if not isinstance(row, dict):
                report.reject(number, "", str(row))
                _tick(progress, 1)
                continue
            row_kind = rowlib.row_kind(row, kind)
            if row_kind not in ("order", "case"):
                why = (f"unknown kind {row_kind[1:]!r}: order or case" if row_kind.startswith("?")
                       else "say whether the row is an order or a case (a kind column, or --kind)")
                report.rejected.append(Rejected(number, "", why, {"kind": [why]}))
                _tick(progress, 1)
                continue
            if batch and (row_kind != batch_kind or len(batch) >= batch_size):
                _flush(organisation, shops, batch_kind, batch, default_shop, who, report, progress)
                batch = []
            batch_kind = row_kind
            batch.append((number, row))
        if batch:
            _flush(organisation, shops, batch_kind, batch, default_shop, who, report, progress)

    if dry_run:
        with transaction.atomic():
            run()
            transaction.set_rollback(True)
    else:
        run()
    report.rejected.sort(key=lambda r: r.row)
    report.seconds = time.perf_counter() - started
    return report


def _tick(progress, n: int) -> None:
    if progress is not None and n:
        progress(n)


def _flush(organisation, shops, kind, batch, default_shop, who, report, progress) -> None:
    if kind == "order":
        from aftersales.orders.importer import import_order_batch as write_batch

        parse, extra = rowlib.order_in, ()
    else:
        write_batch, parse, extra = import_case_batch, rowlib.case_in, (who,)
    items = []
    for number, row in batch:
        try:
            items.append((number, *parse(row, default_shop)))
        except ValidationFailed as exc:
            report.reject(number, kind, exc)
    # Counts go to a scratch report first, so that a batch the database refuses counts nothing.
    scratch = ImportReport()
    try:
        with transaction.atomic():
            write_batch(organisation, shops, items, *extra, scratch)
    except IntegrityError:
        # Another writer took a key this batch wanted: write the rows one at a time, so that
        # only the rows that really clash are refused.
        scratch = ImportReport()
        for item in items:
            one = ImportReport()
            try:
                with transaction.atomic():
                    write_batch(organisation, shops, [item], *extra, one)
            except IntegrityError as exc:
                one = ImportReport()
                one.reject(item[0], kind, f"the database refused the row: {exc}")
            scratch.merge(one)
    report.merge(scratch)
    _tick(progress, len(batch))


# ---------------------------------------------------------------------------------------------
# Cases: the batch's snapshot of the orders, lines and buyers it names

class _Buyer:
    __slots__ = ("pk", "external_id", "email", "phone", "lifetime_spend", "case_count", "refund_count",
                 "order_count")


class _Order:
    __slots__ = ("pk", "external_id", "shipped_at", "delivered_at", "buyer")


class _Line:
    """An order line as the batch sees it: the database's ledger plus what earlier rows took."""

    __slots__ = ("pk", "order_id", "external_id", "sku_code", "category", "quantity", "unit_price", "paid_amount",
                 "qty_refunded", "qty_requested", "has_product", "product_category", "no_reason_eligible",
                 "exclusion", "warranty_days", "protections")


_LINE_COLUMNS = ("pk", "order_id", "external_id", "sku_code", "category", "quantity", "unit_price", "paid_amount",
                 "qty_refunded", "qty_requested", "sku_id", "sku__product__category",
                 "sku__product__no_reason_eligible", "sku__product__exclusion", "sku__product__warranty_days")


def _snapshot(items, shops):
    wanted = {(d.shop_id, d.order_external_id) for _, d, _ in items if d.shop_id in shops and d.order_external_id}
    orders: dict[tuple[int, str], _Order] = {}
    buyers: dict[int, _Buyer] = {}
    if not wanted:
        return orders, {}
    for row in Order.objects.filter(shop_id__in={s for s, _ in wanted}, external_id__in={e for _, e in wanted}
                                    ).values_list("pk", "shop_id", "external_id", "shipped_at", "delivered_at",
                                                  "buyer_id", "buyer__external_id", "buyer__email", "buyer__phone",
                                                  "buyer__lifetime_spend", "buyer__case_count",
                                                  "buyer__refund_count", "buyer__order_count"):
        o = _Order()
        o.pk, shop_id, o.external_id, o.shipped_at, o.delivered_at, buyer_id = row[:6]
        b = buyers.get(buyer_id)
        if b is None:
            b = buyers[buyer_id] = _Buyer()
            b.pk = buyer_id
            (b.external_id, b.email, b.phone, b.lifetime_spend, b.case_count, b.refund_count,
             b.order_count) = row[6:]
        o.buyer = b
        orders[(shop_id, o.external_id)] = o
    order_ids = [o.pk for o in orders.values()]
    protections: dict[int, set] = {}
    for line_id, kind_ in Protection.objects.filter(order_line__order_id__in=order_ids).values_list(
            "order_line_id", "kind"):
        protections.setdefault(line_id, set()).add(ProtectionKind(kind_))
    qs = OrderLine.objects.filter(order_id__in=order_ids).order_by("pk")
    if connection.features.has_select_for_update:
        qs = qs.select_for_update(of=("self",))   # the ledger is read here and moved at the end
    by_order: dict[int, list[_Line]] = {}
    for row in qs.values_list(*_LINE_COLUMNS):
        ln = _Line()
        (ln.pk, ln.order_id, ln.external_id, ln.sku_code, ln.category, ln.quantity, ln.unit_price, ln.paid_amount,
         ln.qty_refunded, ln.qty_requested, sku_id, ln.product_category, ln.no_reason_eligible, ln.exclusion,
         ln.warranty_days) = row
        ln.has_product = sku_id is not None
        ln.protections = frozenset(protections.get(ln.pk, ()))
        by_order.setdefault(ln.order_id, []).append(ln)
    return orders, by_order


def import_case_batch(organisation, shops: dict[int, Shop], items: list[tuple[int, CaseIn, str]], who: Who,
                      report: ImportReport) -> None:
    """Check and write one batch of cases; call inside a transaction."""
    if not items:
        return
    now = clock.now()
    keys = {key for _, _, key in items if key}
    done_keys = dict(IdempotencyRecord.objects.filter(organisation=organisation, scope="case.create", key__in=keys)
                     .values_list("key", "request_hash")) if keys else {}
    pcids = {(d.shop_id, d.platform_case_id) for _, d, _ in items if d.platform_case_id}
    known_pcids = set(Case.objects.filter(
        shop_id__in={s for s, _ in pcids}, platform_case_id__in={p for _, p in pcids}).values_list(
        "shop_id", "platform_case_id")) if pcids else set()
    orders, by_order = _snapshot(items, shops)
    buyer_cases: Counter = Counter()
    built: list[_Built] = []
    for number, data, key in items:
        try:
            if key and key in done_keys:
                if done_keys[key] != request_hash(data):
                    raise ValidationFailed("this idempotency key was used with a different request",
                                           fields={"idempotency_key": ["used before with a different row"]},
                                           code="idempotency.mismatch")
                report.unchanged["case"] += 1
                continue
            shop = shops.get(data.shop_id)
            if shop is None:
                raise ValidationFailed.field("shop_id", f"no shop {data.shop_id} in your organisation")
            if data.platform_case_id and (shop.pk, data.platform_case_id) in known_pcids:
                report.unchanged["case"] += 1
                continue
            b = _build_case(organisation, shop, data, orders, by_order, buyer_cases, now)
        except ValidationFailed as exc:
            report.reject(number, "case", exc)
            continue
        # accepted: the ledger and the counters move for the rows after it
        for ln, qty in b.reserve:
            ln.qty_requested += qty
        buyer_cases[b.buyer.pk] += 1
        if data.platform_case_id:
            known_pcids.add((shop.pk, data.platform_case_id))
        if key:
            done_keys[key] = request_hash(data)
        b.key, b.data = key, data
        built.append(b)
    if built:
        _write_cases(organisation, built, buyer_cases, who, now)
    report.imported["case"] += len(built)


@dataclass
class _Built:
    case: dict                   # Case column values by attname
    buyer: _Buyer
    lines: list[dict]
    reserve: list[tuple[_Line, int]]
    deadlines: list[dict]
    texts: tuple[str, str]
    warnings: list[str]
    key: str = ""
    data: CaseIn | None = None


_CHANNELS = [c for c, _ in Case._meta.get_field("channel").choices]
_CASE_TYPES = frozenset(lc.CaseType.__members__.values())


def _build_case(organisation, shop: Shop, data: CaseIn, orders, by_order, buyer_cases, now) -> _Built:
    """intake._resolve, services.create_case, ledger.reserve, scoring.evaluate_case and
    scoring.rescore, on the batch's snapshot.  Keep in step with them (tests/cli/test_import.py
    compares the two paths)."""
    errors: dict[str, list[str]] = {}

    def err(name, msg):
        errors.setdefault(name, []).append(msg)

    profile = shop.profile
    case_type = data.case_type
    if not case_type and data.platform_type:
        case_type = profile.map_type(data.platform_type).value
    if case_type not in _CASE_TYPES:
        err("case_type", f"one of {', '.join(t.value for t in lc.CaseType)}")
    reason_code = data.reason_code
    if not reason_code and data.platform_reason:
        reason_code = profile.map_reason(data.platform_reason).value
    reason_code = reason_code or "other"
    if reason_code not in REASONS:
        err("reason_code", f"unknown reason {reason_code!r}")
    if data.channel not in _CHANNELS:
        err("channel", f"one of {', '.join(_CHANNELS)}")
    if data.requested_amount is not None and data.requested_amount < 0:
        err("requested_amount", "must not be negative")
    order = orders.get((shop.pk, data.order_external_id)) if data.order_external_id else None
    if order is None:
        err("order_external_id", f"no order {data.order_external_id!r} in shop {shop.name}; import the order first")
        raise ValidationFailed("the request is not valid", fields=errors)
    picked: list[tuple[_Line, int]] = pick_lines(order.external_id, by_order.get(order.pk, []), data.lines, err)
    if errors:
        raise ValidationFailed("the request is not valid", fields=errors)
    shares = [ledger.line_share(ln, q) for ln, q in picked]
    paid = sum(shares, Decimal("0"))
    if data.requested_amount is not None and data.requested_amount > paid:
        raise ValidationFailed.field("requested_amount", f"{data.requested_amount} is more than the "
                                                         f"{paid} paid for these lines")
    state = lc.CaseState.AWAITING_SELLER_REVIEW
    warnings = []
    if data.platform_status:
        mapped = profile.map_status(data.platform_status, data.platform_status_qualifier or None)
        state = lc.CaseState(mapped.value)
        warnings += [mapped.warning] if mapped.warning else []
    is_open = not state.is_terminal
    amount = data.requested_amount if data.requested_amount is not None else paid
    # ledger.reserve: line by line, each within what is left
    reserve: list[tuple[_Line, int]] = []
    taken: Counter = Counter()
    if is_open:
        for ln, q in picked:
            left = ln.quantity - ln.qty_refunded - ln.qty_requested - taken[ln.pk]
            if q > left:
                raise ValidationFailed.field(
                    "lines", f"line {ln.sku_code}: {q} requested, {max(left, 0)} left "
                             f"(bought {ln.quantity}, refunded {ln.qty_refunded}, in other open cases "
                             f"{ln.qty_requested + taken[ln.pk]})")
            taken[ln.pk] += q
            reserve.append((ln, q))
    # scoring.evaluate_case, which reads the lines after the reservation
    buyer = order.buyer
    facts = CaseFacts(
        case_type=case_type, reason_code=reason_code, requested_amount=amount, paid_amount=paid,
        shipped=bool(order.shipped_at), delivered_at=order.delivered_at, lines=tuple(
            LineFacts(sku=ln.sku_code, category=ln.category or (ln.product_category if ln.has_product else ""),
                      unit_price=ln.unit_price, quantity_requested=q,
                      quantity_refundable=ln.quantity - ln.qty_refunded - (ln.qty_requested + taken[ln.pk]) + q,
                      no_reason_eligible=ln.no_reason_eligible if ln.has_product else True,
                      exclusion=Exclusion(ln.exclusion) if ln.has_product and ln.exclusion else Exclusion.NONE,
                      warranty_days=ln.warranty_days if ln.has_product else 0, protections=ln.protections)
            for ln, q in picked),
        buyer_lifetime_spend=buyer.lifetime_spend, buyer_case_count=buyer.case_count + buyer_cases[buyer.pk],
        buyer_refund_count=buyer.refund_count, buyer_order_count=buyer.order_count)
    created_at = data.created_at or now
    result = evaluate(facts, _policy(shop), policy_time(shop, created_at))
    policy_result = policy_result_dict(result)
    deadlines = _step_deadlines(shop, state, case_type, now, data.platform_deadline) if is_open else []
    first_reply = _first_reply(shop, now) if is_open and data.channel not in ("platform", "import") else None
    if first_reply is not None:
        deadlines.append(first_reply)
    # scoring.rescore
    dues = [d["due_at"] for d in deadlines if d["party"] == Party.SELLER]
    due = min(dues) if dues and is_open else None
    time_left = (due - now) if due else None
    p = prio.score(urgent=data.urgent, vip=result.vip, channel=data.channel, time_left=time_left,
                   weights=shop.channel_weights or None)
    case = {
        "organisation_id": organisation.pk, "shop_id": shop.pk, "buyer_id": buyer.pk, "order_id": order.pk,
        "platform": shop.platform, "platform_case_id": data.platform_case_id, "case_type": case_type,
        "route": lc.route_for(case_type), "reason_code": reason_code, "reason_text": data.reason_text,
        "problem_type": "", "channel": data.channel, "state": state, "is_open": is_open,
        "platform_status_raw": data.platform_status, "platform_type_raw": data.platform_type,
        "platform_payload": data.payload, "currency": shop.currency, "requested_amount": amount,
        "urgent": data.urgent, "vip": result.vip, "priority": p.value if is_open else 0, "priority_band": p.band,
        "time_band": prio.time_band(time_left), "next_due_at": due, "policy_version": result.policy_version,
        "policy_verdict": result.verdict, "policy_result": policy_result, "created_at": created_at,
        "updated_at": now, "closed_at": None if is_open else created_at,
    }
    lines = [{"order_line_id": ln.pk, "quantity": q, "amount": share} for (ln, q), share in zip(picked, shares)]
    texts = created_text(case_type, amount, shop.currency, result)
    return _Built(case, buyer, lines, reserve, deadlines, texts, warnings)


def _policy(shop: Shop):
    policy = getattr(shop, "_import_policy", None)
    if policy is None:
        policy = shop._import_policy = shop_policy(shop)
    return policy


_due_cache: dict = {}
_DEADLINE_FIELDS = ("kind", "party", "step", "due_at", "source", "clock", "on_timeout", "note", "created_at")


def _step_deadlines(shop: Shop, state: lc.CaseState, case_type: str, now: datetime,
                    platform_due: datetime | None) -> list[dict]:
    """timers.step_deadlines as dicts.  The computed times depend only on the shop, step, type and
    `now`, so they are worked out once per batch and copied; a platform deadline is set per row."""
    key = (shop.pk, shop.policy_version, state, case_type, now, platform_due)
    cached = _due_cache.get(key)
    if cached is None:
        if len(_due_cache) > 512:
            _due_cache.clear()
        cached = _due_cache[key] = [{f: getattr(d, f) for f in _DEADLINE_FIELDS}
                                    for d in timers.step_deadlines(shop, case_type, state, now, platform_due)]
    return [dict(t) for t in cached]


def _first_reply(shop: Shop, now: datetime) -> dict | None:
    row = timers.first_reply_deadline(shop, now)
    return {f: getattr(row, f) for f in _DEADLINE_FIELDS} if row is not None else None


def _write_cases(organisation, built: list[_Built], buyer_cases: Counter, who: Who, now: datetime) -> None:
    bulk.insert(Case, [b.case for b in built], returning=True)
    lines, deadlines, events, outbox, records = [], [], [], [], []
    actor_user_id = who.user.pk if who.user is not None else None
    for b in built:
        c = b.case
        pk = c["id"]
        for cl in b.lines:
            cl["case_id"] = pk
        lines += b.lines
        for d in b.deadlines:
            d["case_id"] = pk
        deadlines += b.deadlines
        events.append({"case_id": pk, "kind": "created", "actor": who.actor, "actor_user_id": actor_user_id,
                       "state_after": c["state"], "message_zh": b.texts[0], "message_en": b.texts[1],
                       "data": {"policy": c["policy_result"]}, "visible_to_buyer": True, "created_at": now})
        if c["is_open"]:
            channel, to = buyer_recipient(b.buyer)
            outbox.append({"organisation_id": organisation.pk, "case_id": pk, "topic": "buyer.case_received",
                           "channel": channel, "recipient": to, "payload": {"case": pk, "state": c["state"]},
                           "next_attempt_at": now, "created_at": now})
            outbox.append({"organisation_id": organisation.pk, "case_id": pk, "topic": "team.case_new",
                           "channel": "team", "recipient": "", "payload": {"case": pk, "urgent": c["urgent"]},
                           "next_attempt_at": now, "created_at": now})
        if b.warnings:
            events.append({"case_id": pk, "kind": "platform.warning", "actor": lc.Actor.PLATFORM,
                           "message_zh": "；".join(b.warnings), "message_en": "; ".join(b.warnings),
                           "visible_to_buyer": False, "created_at": now})
        if b.key:
            records.append({"organisation_id": organisation.pk, "scope": "case.create", "key": b.key,
                            "request_hash": request_hash(b.data), "result": {"case": pk}, "created_at": now})
    bulk.insert(CaseLine, lines)
    bulk.insert(Deadline, deadlines)
    bulk.insert(TimelineEvent, events)
    bulk.insert(OutboxMessage, outbox)
    bulk.insert(IdempotencyRecord, records)
    # The ledger moves by what the batch reserved.  The lines were locked when read (on SQLite
    # the transaction holds the write lock from its start), so nobody moved them meanwhile; the
    # table's CHECK constraint is the last word if they did.
    moves: Counter = Counter()
    for b in built:
        for ln, q in b.reserve:
            moves[ln.pk] += q
    _add_per_row(OrderLine, "qty_requested", moves)
    _add_per_row(Buyer, "case_count", buyer_cases)


def _add_per_row(model, column: str, amounts: Counter, chunk: int = 300) -> None:
    """`column = column + n` for many rows, grouped by n (most batches have one or two values)."""
    by_amount: dict[int, list[int]] = {}
    for pk, n in amounts.items():
        if n:
            by_amount.setdefault(n, []).append(pk)
    for n, pks in by_amount.items():
        for i in range(0, len(pks), chunk):
            part = pks[i:i + chunk]
            changed = model.objects.filter(pk__in=part).update(**{column: F(column) + n})
            if changed != len(part):
                raise IntegrityError(f"{model.__name__}.{column}: {len(part) - changed} rows vanished meanwhile")


__all__ = ["ImportReport", "Rejected", "import_rows", "import_case_batch"]
