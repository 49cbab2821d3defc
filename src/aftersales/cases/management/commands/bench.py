"""aftersales bench: import, queue and sweep timed beside raw SQL, on a throw-away database."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Benchmark the import, the queue and the deadline sweep beside raw SQL, on a throw-away "
            "database (docs/BENCHMARKS.md).")

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1_000_000, metavar="N",
                            help="cases in the database for the queue and the sweep (default 1,000,000)")
        parser.add_argument("--import-cases", type=int, default=100_000, metavar="M",
                            help="cases (and orders) imported through import_rows (default 100,000)")
        parser.add_argument("--database-url", metavar="URL",
                            help="a PostgreSQL server to create the bench database on, e.g. "
                                 "postgres://postgres@127.0.0.1:5432/postgres (default: a temporary SQLite file)")
        parser.add_argument("--runs", type=int, default=200, help="timed runs of each queue query (default 200)")
        parser.add_argument("--batch-size", type=int, default=1000, help="import batch size (default 1000)")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
        parser.add_argument("--profile-sweep", metavar="FILE",
                            help="write cProfile statistics of the sweep to FILE (its time then includes the "
                                 "profiler's overhead)")
        parser.add_argument("--inner", help=argparse.SUPPRESS)   # the child process: write the result here

    def handle(self, *args, **opts):
        sizes = {"cases": opts["cases"], "import_cases": opts["import_cases"], "runs": opts["runs"],
                 "batch_size": opts["batch_size"]}
        for name, value in sizes.items():
            if value < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1")
        from aftersales.benchmarks import run

        if opts["inner"]:
            result = run.inner(**sizes, profile_sweep=opts["profile_sweep"])
            if opts["profile_sweep"]:
                result["notes"].append("the sweep ran under cProfile: its time includes the profiler's overhead")
            Path(opts["inner"]).write_text(json.dumps(result, default=str))
            return
        from aftersales.benchmarks.report import as_json, table

        try:
            result = run.outer(**sizes, database_url=opts["database_url"], keep=opts["keep"],
                               profile_sweep=opts["profile_sweep"])
        except (ValueError, RuntimeError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(as_json(result) if opts["json"] else table(result))
