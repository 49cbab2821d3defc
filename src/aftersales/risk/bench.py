"""`aftersales risk-bench`: how long scoring one request takes with N past cases, on a throw-away
database (SQLite file in a temporary AFTERSALES_HOME, or PostgreSQL database aftersales_risk_bench
on the server --database-url names).

The past is `aftersales bench`'s own fill (aftersales.benchmarks.data: set-based SQL), plus, with
the same kind of SQL, what the risk app would hold for it: an identity, a key, a link and figures
per buyer, a stored risk and a complaint-text fingerprint per case.  Then, for new requests of
existing buyers made through the real intake (not timed), two things are timed:
- `score`: services.score_case on the new case (what every fact re-runs);
- `create hook`: the whole case-created hook (link the buyer, fingerprint the text against all
  past texts, update the figures, score).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from aftersales.benchmarks.isolate import BenchDatabase

DB_NAME = "aftersales_risk_bench"


def _log(message: str) -> None:
    print(f"risk-bench: {message}", file=sys.stderr, flush=True)


def outer(*, cases: int, runs: int, database_url: str | None) -> dict:
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="aftersales-risk-bench-") as tmp:
        out = Path(tmp) / "result.json"
        db = BenchDatabase(database_url)
        db.name = DB_NAME
        if database_url:
            db._admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        with db:
            _log(f"running on a throw-away {db.where}")
            code = subprocess.run([sys.executable, "-m", "aftersales.cli", "risk-bench", "--inner", str(out),
                                   "--cases", str(cases), "--runs", str(runs)], env=db.environment(),
                                  stdout=sys.stderr.fileno(), stderr=sys.stderr.fileno(), check=False).returncode
        if code != 0 or not out.exists():
            raise RuntimeError(f"the benchmark process failed (exit status {code}); its output is above")
        result = json.loads(out.read_text())
    result["load_before"] = [round(x, 2) for x in load]
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


def _percentiles(samples: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples)
    return {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(ms[min(len(ms) - 1, round(0.95 * len(ms)) - 1)], 2),
            "max_ms": round(ms[-1], 2), "runs": len(ms)}


def inner(*, cases: int, runs: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from aftersales import clock
    from aftersales.benchmarks import data
    from aftersales.benchmarks import dialect as sql
    from aftersales.cases import scoring
    from aftersales.cases.models import Case

    _log("migrating")
    call_command("migrate", verbosity=0)
    world = data.make_world()
    at = (clock.now() + timedelta(seconds=1)).replace(microsecond=0)
    _log(f"filling to {cases:,} cases (aftersales bench's fill)")
    filled = data.fill(world, cases, at)
    _log(f"filled {filled.cases:,} cases in {filled.seconds:.1f} s; now the risk rows")
    started = time.perf_counter()
    _seed_risk(at)
    seeded = time.perf_counter() - started
    _log(f"risk rows in {seeded:.1f} s")

    # New requests of existing buyers through the real intake; the hook timed as it runs.
    hook_times: list[float] = []
    real_hooks = list(scoring.CASE_CREATED)

    def timed(case, now):
        t = time.perf_counter()
        for hook in real_hooks:
            hook(case, now)
        hook_times.append(time.perf_counter() - t)

    scoring.CASE_CREATED[:] = [timed]
    rng = random.Random(11)
    shop = world.shops["douyin"]
    sku = shop.skus.first()
    from aftersales.risk import services

    score_times: list[float] = []
    buyers = list(shop.buyers.filter(external_id__startswith="FB").values_list("external_id", flat=True)[:2000])
    queries: list[int] = []
    from django.test.utils import CaptureQueriesContext

    for i in range(runs + 5):
        case = _new_request(shop, sku, rng.choice(buyers), i, at)
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            services.score_case(case.pk)
        score_times.append(time.perf_counter() - t)
        queries.append(len(ctx.captured_queries))
    scoring.CASE_CREATED[:] = real_hooks
    return {"database": sql.server_version(), "cases": Case.objects.count(), "fill_seconds": round(filled.seconds, 1),
            "risk_seed_seconds": round(seeded, 1), "score": _percentiles(score_times[5:]),
            "create_hook": _percentiles(hook_times[5:]), "score_queries": max(queries[5:])}


def _new_request(shop, sku, buyer: str, i: int, at):
    from aftersales import clock
    from aftersales.cases.intake import CaseIn, CaseLineIn, submit_case
    from aftersales.cases.permissions import Who
    from aftersales.orders.services import BuyerIn, LineIn, OrderIn, upsert_order

    when = clock.now()
    if True:
        order, _ = upsert_order(shop.organisation, shop, OrderIn(
            external_id=f"RB{i}", buyer=BuyerIn(external_id=buyer),
            lines=[LineIn(sku_code=sku.code, quantity=1, unit_price=Decimal(sku.price))],
            placed_at=when - timedelta(days=5), shipped_at=when - timedelta(days=4),
            delivered_at=when - timedelta(days=2)))
        case, _ = submit_case(shop.organisation, CaseIn(
            shop_id=shop.pk, order_external_id=order.external_id, case_type="refund_only",
            lines=[CaseLineIn(sku_code=sku.code, quantity=1)], reason_code="logistics.not_delivered",
            reason_text=f"快递一直没有送到，我每天都在家等，物流却显示已经签收了，第 {i % 7} 次联系"), Who.buyer())
    return case


def _seed_risk(at) -> None:
    """What the risk app would hold for the filled past, with set-based SQL like the fill's."""
    from aftersales.benchmarks import dialect as sql
    from aftersales.cases.models import Case
    from aftersales.catalog.models import Shop
    from aftersales.orders.models import Buyer
    from aftersales.risk.models import (
        BuyerIdentity, BuyerLink, BuyerRiskStats, CaseRisk, ComplaintText, IdentityKey,
    )

    b, c, s = sql.table(Buyer), sql.table(Case), sql.table(Shop)
    sql.execute(f"INSERT INTO {sql.table(BuyerIdentity)} (id, organisation_id, created_at) "
                f"SELECT id, organisation_id, {sql.at(at)} FROM {b}")
    sql.execute(f"INSERT INTO {sql.table(IdentityKey)} (organisation_id, {sql.q('key')}, identity_id) "
                f"SELECT b.organisation_id, 'platform:' || s.platform || ':' || b.external_id, b.id "
                f"FROM {b} b JOIN {s} s ON s.id = b.shop_id")
    sql.execute(f"INSERT INTO {sql.table(BuyerLink)} (buyer_id, identity_id) SELECT id, id FROM {b}")
    sql.execute(f"""INSERT INTO {sql.table(BuyerRiskStats)} (identity_id, orders, spend, cases, refund_only,
            not_received, not_received_delivered, rejected_inspections, protected_returns,
            delivery_to_request_hours, recent_requests, updated_at)
        SELECT b.id, b.order_count, b.lifetime_spend, COUNT(c.id),
               SUM(CASE WHEN c.case_type = 'refund_only' THEN 1 ELSE 0 END), 0, 0, 0, 0, NULL,
               {sql.json("'[]'")}, {sql.at(at)}
        FROM {b} b LEFT JOIN {c} c ON c.buyer_id = b.id GROUP BY b.id, b.order_count, b.lifetime_spend""")
    sql.execute(f"""INSERT INTO {sql.table(CaseRisk)} (case_id, organisation_id, shop_id, identity_id, score, level,
            reasons, counted, case_created_at, computed_at)
        SELECT c.id, c.organisation_id, c.shop_id, c.buyer_id, (c.id * 7) % 80,
               CASE WHEN (c.id * 7) % 80 >= 65 THEN 'high' WHEN (c.id * 7) % 80 >= 35 THEN 'medium' ELSE 'low' END,
               {sql.json("'[]'")}, {sql.json("'{}'")}, c.created_at, {sql.at(at)}
        FROM {c} c""")
    # One complaint fingerprint per past case, bands spread like hashes (the lookup is by band).
    sql.execute(f"""INSERT INTO {sql.table(ComplaintText)} (organisation_id, case_id, identity_id, simhash,
            b0, b1, b2, b3)
        SELECT c.organisation_id, c.id, c.buyer_id, c.id * 2654435761,
               (c.id * 40503) % 65536, (c.id * 30011) % 65536, (c.id * 20021) % 65536, (c.id * 10007) % 65536
        FROM {c} c""")
    if sql.pg():
        for model in (BuyerIdentity,):
            sql.execute(f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                        f"(SELECT MAX(id) FROM {sql.table(model)}))")
    sql.analyze()


def render(result: dict, *, cases: int, runs: int, database_url: str | None) -> str:
    cmd = f"aftersales risk-bench --cases {cases} --runs {runs}" + (f" --database-url {database_url}" if database_url else "")
    rows = [f"{cmd}", f"{result['database']}, {result['cases']:,} cases; load average before "
            f"{result['load_before']}, after {result['load_after']}", "",
            "| measure | p50 | p95 | max | runs | target |", "|---|---:|---:|---:|---:|---|"]
    for key, label, target in (("score", "score one request (services.score_case)", "< 5 ms"),
                               ("create_hook", "case-created hook (link, fingerprint, figures, score)", "-")):
        r = result[key]
        rows.append(f"| {label} | {r['p50_ms']} ms | {r['p95_ms']} ms | {r['max_ms']} ms | {r['runs']} | {target} |")
    rows += ["", f"queries per score: {result['score_queries']}; fill {result['fill_seconds']} s, "
                 f"risk rows {result['risk_seed_seconds']} s"]
    return "\n".join(rows)
