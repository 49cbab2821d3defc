"""aftersales review --week YYYY-Www [--organisation SLUG] [--pdf FILE] [--email] [--json]"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aftersales import clock
from aftersales.cases.management.commands._common import organisation, require_database
from aftersales.domain import review as rules


class Command(BaseCommand):
    help = "The weekly after-sales review: problems by SKU, carriers, refunds, response times, satisfaction."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week, e.g. 2026-W48 (default: last week)")
        parser.add_argument("--organisation", help="organisation slug (default: the only one)")
        parser.add_argument("--pdf", metavar="FILE", help="also write the review as a PDF")
        parser.add_argument("--email", action="store_true", help="also e-mail it to the owners (through the outbox)")
        parser.add_argument("--json", action="store_true", help="print the review as JSON")
        parser.add_argument("--fresh", action="store_true",
                            help="roll the week up again first, even if the worker did within the hour")

    def handle(self, *args, **opts):
        from aftersales.analytics import delivery
        from aftersales.analytics.review import weekly_review

        require_database()
        now = clock.now()
        if opts["week"]:
            try:
                monday = rules.iso_week(opts["week"])
            except ValueError as exc:
                raise CommandError(f"--week: {exc}") from None
        else:
            monday = rules.monday_of(now.astimezone(ZoneInfo(settings.TIME_ZONE)).date()) - timedelta(weeks=1)
        org = organisation(opts["organisation"])
        review = weekly_review(org, monday, now, max_age=timedelta(0) if opts["fresh"] else None)
        self.stdout.write(json.dumps(review, ensure_ascii=False, indent=1) if opts["json"] else delivery.text(review))
        if opts["pdf"]:
            path = Path(opts["pdf"])
            try:
                path.write_bytes(delivery.pdf_bytes(review))
            except OSError as exc:
                raise CommandError(f"--pdf {path}: {exc}") from None
            self.stderr.write(f"PDF written to {path}")
        if opts["email"]:
            self.stderr.write(f"{delivery.send_review(org, monday, now, review)} e-mails queued")
