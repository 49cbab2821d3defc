"""Raw-SQL baselines for the import and the queue.

The import baseline writes *the same rows* as the measured import: after `import_rows` has
written the bench merchant's orders (or cases), their rows are read back (not timed) and written
again, for the twin merchant, with plain `executemany` (SQLite) or COPY (PostgreSQL), in batches
of the same size, one transaction a batch, with the ledger moves (the order lines' requested
quantity, the buyers' counters) as `executemany` UPDATEs.  No reading, no checking, no rules: the
floor the database sets.  The copies keep the originals' ids plus OFFSET, so they need no
RETURNING; the sequences are moved past them afterwards.

The queue baseline is the hand-written SELECT of the columns the API's list shows.
"""

from __future__ import annotations

import time
from collections import defaultdict

from django.db import connection, transaction

from aftersales.benchmarks import dialect as sql
from aftersales.benchmarks.data import World
from aftersales.cases.models import Case, CaseLine, Deadline, TimelineEvent
from aftersales.catalog.models import Shop, Sku
from aftersales.notify.models import OutboxMessage
from aftersales.orders.models import Buyer, Order, OrderLine, Protection, Shipment

OFFSET = 100_000_000


def _columns(model, *, with_id: bool) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if with_id or not f.primary_key]


def _read(model, where: str, params=(), *, with_id: bool, order: str = "id") -> tuple[list[str], list[list]]:
    cols = _columns(model, with_id=with_id)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(sql.q(c) for c in cols)} FROM {sql.table(model)} "
                       f"WHERE {where} ORDER BY {order}", params)
        return cols, [list(r) for r in cursor.fetchall()]


def _write(model, cols: list[str], rows: list[list]) -> None:
    """The fastest plain way each database takes rows in."""
    if not rows:
        return
    names = ", ".join(sql.q(c) for c in cols)
    with connection.cursor() as cursor:
        if sql.pg():
            with cursor.cursor.copy(f"COPY {sql.table(model)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {sql.table(model)} ({names}) VALUES ({', '.join(['%s'] * len(cols))})",
                               rows)


def _update_many(statement: str, params: list[tuple]) -> None:
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(statement, params)


def _move_sequences(*models) -> None:
    if sql.pg():
        for model in models:
            sql.execute(f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                        f"(SELECT MAX(id) FROM {sql.table(model)}))")


def _remap(cols: list[str], rows: list[list], **maps) -> None:
    """Change columns in place: a map is an int (added) or a dict (looked up), or a constant via
    a one-element tuple."""
    for name, how in maps.items():
        i = cols.index(name)
        for row in rows:
            v = row[i]
            if isinstance(how, tuple):
                row[i] = how[0]
            elif v is None:
                continue
            elif isinstance(how, int):
                row[i] = v + how
            else:
                row[i] = how[v]


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _twins(world: World) -> tuple[dict, dict]:
    shop_map = {world.shops[p].pk: world.raw_shops[p].pk for p in world.shops}
    skus = {(s.shop_id, s.code): s.pk for s in Sku.objects.filter(shop_id__in=list(shop_map) + list(shop_map.values()))}
    sku_map = {pk: skus[(shop_map[shop_id], code)] for (shop_id, code), pk in skus.items() if shop_id in shop_map}
    return shop_map, sku_map


# ---------------------------------------------------------------------------------------------
# Orders

def copy_orders(world: World, batch_size: int) -> float:
    """Write the bench merchant's imported orders again for the twin; the seconds the writes took."""
    shop_map, sku_map = _twins(world)
    a, b = world.bench.pk, world.raw.pk
    bcols, buyers = _read(Buyer, "organisation_id = %s", [a], with_id=True)
    ocols, orders = _read(Order, "organisation_id = %s", [a], with_id=True)
    in_orders = f"order_id IN (SELECT id FROM {sql.table(Order)} WHERE organisation_id = %s)"
    lcols, lines = _read(OrderLine, in_orders, [a], with_id=True)
    pcols, protections = _read(Protection, f"order_line_id IN (SELECT l.id FROM {sql.table(OrderLine)} l JOIN "
                                           f"{sql.table(Order)} o ON o.id = l.order_id WHERE o.organisation_id = %s)",
                               [a], with_id=False)
    scols, shipments = _read(Shipment, in_orders, [a], with_id=False)
    # what each order adds to its buyer, applied batch by batch as the import does
    spend_i, buyer_i = ocols.index("paid_amount"), ocols.index("buyer_id")
    _remap(bcols, buyers, id=OFFSET, organisation_id={a: b}, shop_id=shop_map, lifetime_spend=(0,), order_count=(0,))
    _remap(ocols, orders, id=OFFSET, organisation_id={a: b}, shop_id=shop_map, buyer_id=OFFSET)
    _remap(lcols, lines, id=OFFSET, order_id=OFFSET, sku_id=sku_map)
    _remap(pcols, protections, order_line_id=OFFSET)
    _remap(scols, shipments, order_id=OFFSET)
    buyer_rows = {row[0]: row for row in buyers}
    lines_of, protections_of, shipments_of = defaultdict(list), defaultdict(list), defaultdict(list)
    for row in lines:
        lines_of[row[lcols.index("order_id")]].append(row)
    line_order = {row[0]: row[lcols.index("order_id")] for row in lines}
    for row in protections:
        protections_of[line_order[row[pcols.index("order_line_id")]]].append(row)
    for row in shipments:
        shipments_of[row[scols.index("order_id")]].append(row)
    update = (f"UPDATE {sql.table(Buyer)} SET lifetime_spend = lifetime_spend + %s, order_count = order_count + %s "
              f"WHERE id = %s")
    batches = []
    seen: set[int] = set()
    for part in _chunks(orders, batch_size):
        new_buyers = []
        moves: dict[int, list] = {}
        for row in part:
            buyer = row[buyer_i]
            if buyer not in seen:
                seen.add(buyer)
                new_buyers.append(buyer_rows[buyer])
            move = moves.setdefault(buyer, [0, 0])
            move[0] += row[spend_i]
            move[1] += 1
        ids = [row[0] for row in part]
        batches.append((new_buyers, part, [r for i in ids for r in lines_of[i]],
                        [r for i in ids for r in protections_of[i]], [r for i in ids for r in shipments_of[i]],
                        [(s, n, pk) for pk, (s, n) in moves.items()]))
    started = time.perf_counter()
    for new_buyers, part, part_lines, part_protections, part_shipments, moves in batches:
        with transaction.atomic():
            _write(Buyer, bcols, new_buyers)
            _write(Order, ocols, part)
            _write(OrderLine, lcols, part_lines)
            _write(Protection, pcols, part_protections)
            _write(Shipment, scols, part_shipments)
            _update_many(update, moves)
    seconds = time.perf_counter() - started
    _move_sequences(Buyer, Order, OrderLine)
    return seconds


# ---------------------------------------------------------------------------------------------
# Cases

def copy_cases(world: World, batch_size: int) -> float:
    """Write the bench merchant's imported cases again for the twin: cases, case lines, deadlines,
    timeline events, outbox rows, and the ledger moves; the seconds the writes took."""
    shop_map, _ = _twins(world)
    a, b = world.bench.pk, world.raw.pk
    ccols, cases = _read(Case, "organisation_id = %s", [a], with_id=True)
    in_cases = f"case_id IN (SELECT id FROM {sql.table(Case)} WHERE organisation_id = %s)"
    children = []
    for model in (CaseLine, Deadline, TimelineEvent, OutboxMessage):
        cols, rows = _read(model, in_cases, [a], with_id=False, order="case_id, id")
        maps = {"case_id": OFFSET}
        if model is CaseLine:
            maps["order_line_id"] = OFFSET
        if model is OutboxMessage:
            maps["organisation_id"] = {a: b}
        _remap(cols, rows, **maps)
        by_case = defaultdict(list)
        for row in rows:
            by_case[row[cols.index("case_id")]].append(row)
        children.append((model, cols, by_case))
    _remap(ccols, cases, id=OFFSET, organisation_id={a: b}, shop_id=shop_map, buyer_id=OFFSET, order_id=OFFSET)
    open_i, buyer_i = ccols.index("is_open"), ccols.index("buyer_id")
    line_cols = children[0][1]
    qty_i, line_i = line_cols.index("quantity"), line_cols.index("order_line_id")
    lines_of = children[0][2]
    ledger = f"UPDATE {sql.table(OrderLine)} SET qty_requested = qty_requested + %s WHERE id = %s"
    counts = f"UPDATE {sql.table(Buyer)} SET case_count = case_count + %s WHERE id = %s"
    batches = []
    for part in _chunks(cases, batch_size):
        ids = [row[0] for row in part]
        rows = [(model, cols, [r for i in ids for r in by_case.get(i, ())]) for model, cols, by_case in children]
        moves: dict[int, int] = defaultdict(int)
        per_buyer: dict[int, int] = defaultdict(int)
        for row in part:
            per_buyer[row[buyer_i]] += 1
            if row[open_i]:
                for line in lines_of.get(row[0], ()):
                    moves[line[line_i]] += line[qty_i]
        batches.append((part, rows, [(q, pk) for pk, q in moves.items()], [(n, pk) for pk, n in per_buyer.items()]))
    started = time.perf_counter()
    for part, rows, moves, per_buyer in batches:
        with transaction.atomic():
            _write(Case, ccols, part)
            for model, cols, child_rows in rows:
                _write(model, cols, child_rows)
            _update_many(ledger, moves)
            _update_many(counts, per_buyer)
    seconds = time.perf_counter() - started
    _move_sequences(Case)
    return seconds


# ---------------------------------------------------------------------------------------------
# The queue, by hand

_CASE_COLUMNS = ("id", "shop_id", "buyer_id", "order_id", "platform", "platform_case_id", "case_type", "route",
                 "reason_code", "problem_type", "channel", "state", "is_open", "refund_state", "return_state",
                 "arbitration_state", "currency", "requested_amount", "approved_amount", "urgent", "vip", "priority",
                 "priority_band", "next_due_at", "created_at", "updated_at", "version")


def queue_sql(organisation_id: int, *, shop_id: int | None = None, state: str | None = None,
              due_before=None, limit: int = 26) -> tuple[str, list]:
    """The first page of the open queue by priority: what the list shows, one statement."""
    where, params = ["c.organisation_id = %s", "c.is_open"], [organisation_id]
    if shop_id is not None:
        where.append("c.shop_id = %s")
        params.append(shop_id)
    if state is not None:
        where.append("c.state = %s")
        params.append(state)
    if due_before is not None:
        where.append("c.next_due_at < %s")
        params.append(due_before)
    cols = ", ".join(f"c.{sql.q(c)}" for c in _CASE_COLUMNS)
    text = (f"SELECT {cols}, s.name, b.external_id, b.name, o.external_id "
            f"FROM {sql.table(Case)} c JOIN {sql.table(Shop)} s ON s.id = c.shop_id "
            f"JOIN {sql.table(Buyer)} b ON b.id = c.buyer_id LEFT JOIN {sql.table(Order)} o ON o.id = c.order_id "
            f"WHERE {' AND '.join(where)} ORDER BY c.priority DESC, c.id DESC LIMIT {int(limit)}")
    return text, params


def run_query(text: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        return len(cursor.fetchall())
