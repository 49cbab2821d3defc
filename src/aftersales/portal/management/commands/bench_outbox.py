"""aftersales bench_outbox: buyer notifications delivered per second, on a throw-away database."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Benchmark the outbox delivery to buyers (render, send, mark) beside the floor of one UPDATE."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5000, metavar="N", help="messages to deliver (default 5000)")
        parser.add_argument("--database-url", metavar="URL",
                            help="a PostgreSQL server to create the bench database on (default: a temporary SQLite file)")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--inner", help=argparse.SUPPRESS)

    def handle(self, *args, **opts):
        if opts["rows"] < 1:
            raise CommandError("--rows must be at least 1")
        from aftersales.portal import bench

        if opts["inner"]:
            Path(opts["inner"]).write_text(json.dumps(bench.inner(opts["rows"])))
            return
        try:
            result = bench.outer(opts["rows"], opts["database_url"])
        except (ValueError, RuntimeError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(result) if opts["json"] else bench.table(result))
