"""aftersales bench_review: the weekly review over N cases, on a throw-away database.

Fills the database with the core benchmark's set-based SQL (benchmarks/data.py), gives every
case an order line (so that it has a SKU), then times: rolling up all the weeks from scratch
(once), one week's roll-up, and the review of a past week and of last week as `aftersales
review` runs it.  Prints a table (docs/BENCHMARKS.md, "Weekly review").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

TARGET_S = 2.0


class Command(BaseCommand):
    help = "Benchmark the weekly review over N cases (default 1,000,000) on a throw-away database."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1_000_000, metavar="N")
        parser.add_argument("--runs", type=int, default=5, help="timed runs of each review (default 5)")
        parser.add_argument("--database-url", metavar="URL",
                            help="a PostgreSQL server to create the bench database on (default: SQLite)")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--inner", help=argparse.SUPPRESS)

    def handle(self, *args, **opts):
        if opts["cases"] < 1 or opts["runs"] < 1:
            raise CommandError("--cases and --runs must be at least 1")
        if opts["inner"]:
            Path(opts["inner"]).write_text(json.dumps(inner(opts["cases"], opts["runs"]), default=str))
            return
        from aftersales.benchmarks.isolate import BenchDatabase
        from aftersales.benchmarks.run import machine

        load = os.getloadavg()[0]
        try:
            bench_db = BenchDatabase(opts["database_url"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        bench_db.name = f"aftersales_logistics_bench_{os.getpid()}"   # this app's own database name
        with tempfile.TemporaryDirectory() as tmp, bench_db as db:
            path = Path(tmp) / "result.json"
            sys.stderr.write(f"bench_review: on a throw-away {db.where}\n")
            code = subprocess.run([sys.executable, "-m", "aftersales.cli", "bench_review", "--inner", str(path),
                                   "--cases", str(opts["cases"]), "--runs", str(opts["runs"])],
                                  env=db.environment(), stdout=sys.stderr.fileno(), stderr=sys.stderr.fileno(),
                                  check=False).returncode
            if code or not path.exists():
                raise CommandError(f"the benchmark process failed (exit status {code})")
            result = json.loads(path.read_text())
        result["machine"] = {**machine(), "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2)}
        self.stdout.write(json.dumps(result, indent=1) if opts["json"] else table(result))


def _log(text: str) -> None:
    sys.stderr.write(f"bench_review: {text}\n")
    sys.stderr.flush()


def _timed(fn, runs: int) -> dict:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(samples), 3), "max_s": round(max(samples), 3), "runs": runs}


def _lines() -> int:
    """One order line per bench order, and one case line per case (its order's line)."""
    from aftersales.benchmarks import dialect as sql
    from aftersales.benchmarks.data import GOODS
    from aftersales.cases.models import Case, CaseLine
    from aftersales.orders.models import Order, OrderLine

    codes = " ".join(f"WHEN {i} THEN 'P-{code}'" for i, (code, *_rest) in enumerate(GOODS))
    sql.execute(f"""INSERT INTO {sql.table(OrderLine)} (order_id, sku_id, external_id, sku_code, title, category,
            quantity, unit_price, paid_amount, qty_requested, qty_received, qty_received_damaged, qty_refunded,
            qty_exchanged, amount_refunded)
        SELECT o.id, NULL, '', CASE o.id % {len(GOODS)} {codes} END, 'bench goods', '', 1, 199, 199, 0, 0, 0, 0, 0, 0
        FROM {sql.table(Order)} o""")
    return sql.execute(f"""INSERT INTO {sql.table(CaseLine)} (case_id, order_line_id, quantity, amount, released)
        SELECT c.id, l.id, 1, 199, FALSE FROM {sql.table(Case)} c
        JOIN {sql.table(OrderLine)} l ON l.order_id = c.order_id""")


def inner(cases: int, runs: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from aftersales import clock
    from aftersales.analytics import stats
    from aftersales.analytics.review import weekly_review
    from aftersales.benchmarks import data
    from aftersales.benchmarks import dialect as sql
    from aftersales.cases.models import Case
    from aftersales.domain import review as rules

    _log("migrating")
    call_command("migrate", verbosity=0)
    world = data.make_world()
    at = clock.now().replace(microsecond=0)
    _log(f"filling to {cases:,} cases (not measured)")
    filled = data.fill(world, cases, at)
    started = time.perf_counter()
    n_lines = _lines()
    sql.analyze()
    _log(f"filled {filled.cases:,} cases in {filled.seconds:.1f} s, {n_lines:,} case lines in "
         f"{time.perf_counter() - started:.1f} s")
    org = world.bench
    first = Case.objects.filter(organisation=org).order_by("created_at").values_list("created_at", flat=True).first()
    this_monday = rules.monday_of(at.astimezone(ZoneInfo(settings.TIME_ZONE)).date())
    mondays = []
    monday = this_monday
    while first and stats.week_range(monday)[1] > first:
        mondays.append(monday)
        monday -= timedelta(weeks=1)
    rows = []
    started = time.perf_counter()
    stats.ensure_weeks(org.pk, mondays, at)
    rows.append({"what": f"roll up all {len(mondays)} weeks from scratch (once)",
                 "median_s": round(time.perf_counter() - started, 3), "max_s": None, "runs": 1})
    last_week = this_monday - timedelta(weeks=1)
    busiest = max(mondays, key=lambda m: Case.objects.filter(
        organisation=org, created_at__gte=stats.week_range(m)[0], created_at__lt=stats.week_range(m)[1]).count())
    week_cases = {m: Case.objects.filter(organisation=org, created_at__gte=stats.week_range(m)[0],
                                         created_at__lt=stats.week_range(m)[1]).count()
                  for m in {last_week, busiest, this_monday - timedelta(weeks=8)}}
    rows.append({"what": f"roll up one week ({rules.week_label(busiest)}, the busiest: {week_cases[busiest]:,} cases)",
                 **_timed(lambda: stats.roll_up(org.pk, busiest, at), runs)})
    past = this_monday - timedelta(weeks=8)
    rows.append({"what": f"review of a past week ({rules.week_label(past)}, {week_cases[past]:,} cases): "
                         "reads the stored weeks",
                 **_timed(lambda: weekly_review(org, past, at), runs)})
    rows.append({"what": f"review of last week ({rules.week_label(last_week)}, {week_cases[last_week]:,} cases), "
                         "rolled up by the worker within the hour",
                 **_timed(lambda: weekly_review(org, last_week, at), runs)})
    rows.append({"what": "review of last week with --fresh: rolls it up first",
                 **_timed(lambda: weekly_review(org, last_week, at, max_age=timedelta(0)), runs)})
    return {"database": f"{connection.vendor} {sql.server_version()}", "cases": Case.objects.count(),
            "bench_org_cases": Case.objects.filter(organisation=org).count(), "case_lines": n_lines, "rows": rows,
            "target_s": TARGET_S}


def table(result: dict) -> str:
    m = result["machine"]
    out = [f"Weekly review over {result['cases']:,} cases ({result['bench_org_cases']:,} of the reviewed merchant), "
           f"{result['database']}",
           f"machine: {m.get('cores')} cores, {m.get('memory_gib')} GiB; load average {m['load_before']} before, "
           f"{m['load_after']} after", "",
           f"| {'what':<92} | median s | max s | runs | under {TARGET_S:g} s |",
           f"|{'-' * 94}|----------|-------|------|-----------|"]
    for r in result["rows"]:
        met = "" if r["what"].startswith("roll up") or "--fresh" in r["what"] else (
            "yes" if r["median_s"] < TARGET_S else "NO")
        out.append(f"| {r['what']:<92} | {r['median_s']:>8} | {r['max_s'] if r['max_s'] is not None else '-':>5} | "
                   f"{r['runs']:>4} | {met:>9} |")
    return "\n".join(out)
