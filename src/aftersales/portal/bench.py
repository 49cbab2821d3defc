"""How fast the outbox reaches buyers: `aftersales bench_outbox --rows N`, on a throw-away database
(benchmarks/isolate.py, as `aftersales bench`).

N buyer messages (topic buyer.message, SMS, rendered in full by portal/notices.py) are delivered by
`notify.delivery.deliver_due` until none is left, to a sender that does nothing, with no quiet
hours.  Beside it, the floor: marking the same N rows sent with one UPDATE, which is what the
old one-transaction-per-batch loop came down to at best.  The difference is the price of a
transaction per row (no duplicates after a crash) and of rendering each message.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from aftersales.notify.senders import MessageSender


class NullSender(MessageSender):
    def send(self, to, text, *, key, message):
        return "dropped (bench)"


def inner(rows: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from aftersales import clock
    from aftersales.accounts.models import Organisation
    from aftersales.cases.intake import CaseIn, submit_case
    from aftersales.cases.permissions import Who
    from aftersales.catalog.models import Product, Shop, Sku
    from aftersales.notify.delivery import deliver_due
    from aftersales.notify.models import OutboxMessage, OutboxStatus
    from aftersales.notify.outbox import outbox_row
    from aftersales.orders.services import BuyerIn, LineIn, OrderIn, upsert_order

    now = clock.now()
    org = Organisation.objects.create(name="Bench", slug="bench")
    shop = Shop.objects.create(organisation=org, name="Bench store", platform="own_store", platform_shop_id="b")
    product = Product.objects.create(shop=shop, external_id="P1", title="Tee")
    Sku.objects.create(shop=shop, product=product, code="T1", title="Tee", price=Decimal("79"))
    upsert_order(org, shop, OrderIn(external_id="O1", buyer=BuyerIn(external_id="b1", phone="13900001111"),
                                    placed_at=now - timedelta(days=3), shipped_at=now - timedelta(days=2),
                                    delivered_at=now - timedelta(days=1),
                                    lines=[LineIn(sku_code="T1", quantity=1, unit_price=Decimal("79"))]))
    case, _ = submit_case(org, CaseIn(shop_id=shop.pk, order_external_id="O1", case_type="return_refund",
                                      reason_code="no_reason.unwanted"), Who.buyer())
    OutboxMessage.objects.all().delete()

    def fill():
        OutboxMessage.objects.bulk_create(
            [outbox_row(case, "buyer.message", "sms", {"case": case.pk, "body": f"message {i}"}, now, "13900001111")
             for i in range(rows)], batch_size=1000)

    fill()
    started = time.perf_counter()
    rounds = 0
    while sum(deliver_due(now).values()):
        rounds += 1
    loop = time.perf_counter() - started
    sent = OutboxMessage.objects.filter(status=OutboxStatus.SENT).count()
    OutboxMessage.objects.all().delete()
    fill()
    started = time.perf_counter()
    OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(status=OutboxStatus.SENT, sent_at=now)
    floor = time.perf_counter() - started
    return {"rows": rows, "sent": sent, "rounds": rounds, "loop_s": loop, "floor_s": floor,
            "database": connection.vendor}


def outer(rows: int, database_url: str | None) -> dict:
    from aftersales.benchmarks.isolate import BenchDatabase

    with BenchDatabase(database_url) as db, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        env = {**db.environment(), "AFTERSALES_SMS_SENDER": "aftersales.portal.bench.NullSender",
               "AFTERSALES_QUIET_HOURS": "off", "AFTERSALES_LOG_LEVEL": "WARNING"}
        code = subprocess.run([sys.executable, "-m", "aftersales.cli", "bench_outbox", "--rows", str(rows),
                               "--inner", str(out)], env=env, check=False).returncode
        if code != 0 or not out.exists():
            raise RuntimeError(f"the bench child failed (exit {code})")
        result = json.loads(out.read_text())
        result["where"] = db.where
    result["load"] = os.getloadavg()
    return result


def table(r: dict) -> str:
    per_row = 1000 * r["loop_s"] / max(r["rows"], 1)
    lines = [
        f"outbox delivery to buyers, {r['database']} ({r['where']}); load average "
        f"{r['load'][0]:.2f} {r['load'][1]:.2f} {r['load'][2]:.2f}",
        f"| what | rows | seconds | rows/s | ms/row |",
        f"|---|---:|---:|---:|---:|",
        f"| deliver_due until empty ({r['rounds']} rounds of 200; render + send + mark, one transaction a row) "
        f"| {r['sent']:,} | {r['loop_s']:.2f} | {r['sent'] / r['loop_s']:,.0f} | {per_row:.2f} |",
        f"| floor: one UPDATE marking them sent | {r['rows']:,} | {r['floor_s']:.3f} | "
        f"{r['rows'] / max(r['floor_s'], 1e-9):,.0f} | {1000 * r['floor_s'] / r['rows']:.3f} |",
    ]
    return "\n".join(lines)
