"""aftersales import FILE: orders and cases from CSV or JSON Lines, in bulk."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aftersales.cases import rows as rowlib
from aftersales.cases.importer import import_rows
from aftersales.cases.management.commands._common import organisation, require_database
from aftersales.catalog.models import Shop


class Command(BaseCommand):
    help = "Import orders and after-sales cases from a CSV or JSON Lines file (columns: docs/IMPORT.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv, .jsonl or .json file")
        parser.add_argument("--organisation", help="the organisation's slug (default: the only one)")
        parser.add_argument("--shop", type=int, help="shop id for rows without a shop_id")
        parser.add_argument("--kind", choices=["orders", "cases", "auto"], default="auto",
                            help="what the rows are when they have no kind column (default: auto)")
        parser.add_argument("--format", choices=["csv", "jsonl"], help="default: by extension, else sniffed")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        if opts["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        require_database()
        org = organisation(opts["organisation"])
        if opts["shop"] is not None and not Shop.objects.filter(organisation=org, pk=opts["shop"]).exists():
            raise CommandError(f"no shop {opts['shop']} in {org.slug}")
        kind = {"orders": "order", "cases": "case"}.get(opts["kind"], "auto")
        try:
            fmt = opts["format"] or rowlib.detect_format(path)
            rows = list(rowlib.read_rows(path, fmt))
        except rowlib.UnusableFile as exc:
            raise CommandError(f"{exc}", returncode=2) from None
        if not rows:
            raise CommandError(f"{path}: no rows to import", returncode=2)

        from tqdm import tqdm

        with tqdm(total=len(rows), unit="row", disable=opts["json"] or None, file=self.stderr._out,
                  desc=path.name, dynamic_ncols=True) as bar:
            report = import_rows(org, rows, kind=kind, default_shop=opts["shop"], batch_size=opts["batch_size"],
                                 dry_run=opts["dry_run"], progress=bar.update)
        if opts["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._summary(report)
        if report.rejected:
            raise CommandError(f"{len(report.rejected)} of {report.rows} rows rejected (listed above); "
                               "the other rows were imported", returncode=1)

    def _summary(self, report) -> None:
        w = self.stdout.write

        def counts(c):
            return ", ".join(f"{n:,} {k}s" for k, n in sorted(c.items())) or "none"

        rate = report.rows / report.seconds if report.seconds else 0
        prefix = "Dry run, nothing written. Would have imported" if report.dry_run else "Imported"
        w(f"{prefix}: {counts(report.imported)}  ({report.rows:,} rows in {report.seconds:.1f} s, {rate:,.0f} rows/s)")
        if report.updated:
            w(f"Updated (shipping facts moved): {counts(report.updated)}")
        w(f"Unchanged (already imported): {counts(report.unchanged)}")
        if not report.rejected:
            w(self.style.SUCCESS("Rejected: none"))
            return
        w(self.style.ERROR(f"Rejected: {len(report.rejected):,} rows"))
        for r in report.rejected[:200]:
            w(f"  row {r.row}{f' ({r.kind})' if r.kind else ''}: {r.message}")
            for name, messages in r.fields.items():
                for m in messages:
                    w(f"      {name}: {m}")
        if len(report.rejected) > 200:
            w(f"  ... and {len(report.rejected) - 200:,} more (use --json for all)")
