"""aftersales risk-bench: scoring latency with many past cases, on a throw-away database."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Time refund-risk scoring of one request with N past cases on a throw-away database "
            "(docs/BENCHMARKS.md).")

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1_000_000, help="past cases (default 1,000,000)")
        parser.add_argument("--runs", type=int, default=200, help="timed requests (default 200)")
        parser.add_argument("--database-url", metavar="URL",
                            help="a PostgreSQL server: the database aftersales_risk_bench is created there and "
                                 "dropped afterwards (default: a temporary SQLite file)")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--inner", help=argparse.SUPPRESS)

    def handle(self, *args, **opts):
        from aftersales.risk import bench

        if opts["cases"] < 1 or opts["runs"] < 1:
            raise CommandError("--cases and --runs must be at least 1")
        if opts["inner"]:
            Path(opts["inner"]).write_text(json.dumps(bench.inner(cases=opts["cases"], runs=opts["runs"])))
            return
        try:
            result = bench.outer(cases=opts["cases"], runs=opts["runs"], database_url=opts["database_url"])
        except (ValueError, RuntimeError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(result, indent=1) if opts["json"] else
                          bench.render(result, cases=opts["cases"], runs=opts["runs"],
                                       database_url=opts["database_url"]))
