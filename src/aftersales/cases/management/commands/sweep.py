"""aftersales sweep --now ISO-TIME: apply the deadlines as of a given time."""

from __future__ import annotations

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from aftersales import clock
from aftersales.cases.management.commands._common import require_database
from aftersales.cases.sweep import sweep


def parse_now(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CommandError(f"--now {text!r}: not an ISO 8601 time; write e.g. 2026-11-25T10:00:00+08:00") from None
    if at.tzinfo is None:
        raise CommandError(f"--now {text!r}: give a time zone, e.g. 2026-11-25T10:00:00+08:00 or ...Z")
    return at


class Command(BaseCommand):
    help = "Run the deadline sweep as of a given time: warn, apply own-store timeouts, note marketplace ones."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO 8601 time with a zone (default: the real now)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--deliver", action="store_true",
                            help="then deliver the outbox as of the same time (the demo's follow-up mail)")

    def handle(self, *args, **opts):
        now = parse_now(opts["now"]) if opts["now"] else clock.now()
        require_database()
        report = sweep(now)
        data = report.as_dict()
        if opts["deliver"]:
            from aftersales.notify.delivery import deliver_due

            delivered = {k: 0 for k in ("sent", "skipped", "retry", "dead", "deferred")}
            while True:   # a round at a time until nothing due is left (deferred rows are not due)
                counts = deliver_due(now)
                for k, v in counts.items():
                    delivered[k] += v
                if not sum(counts.values()):
                    break
            data["delivered"] = delivered
        if opts["json"]:
            self.stdout.write(json.dumps({**data, "details": report.details}, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Deadline sweep as of {now.isoformat()}")
        labels = {
            "warned": "warnings sent (deadline near)",
            "applied": "timeouts applied (own stores)",
            "lapsed": "marketplace deadlines passed (platform acts)",
            "breached": "service promises missed",
            "follow_ups": "follow-ups due",
            "buyers_asked": "buyers asked whether they are satisfied",
            "unhappy": "buyers not satisfied (task for the team)",
            "apologies": "buyers told of a delay, with an apology",
            "rescored": "cases re-prioritised",
            "failed": "failed",
        }
        for key, label in labels.items():
            self.stdout.write(f"  {label:<46} {data.get(key, 0):>7,}")
        if "delivered" in data:
            self.stdout.write("Outbox delivered as of the same time: " +
                              ", ".join(f"{k} {v}" for k, v in data["delivered"].items()))
        for line in report.details[:50]:
            self.stdout.write(f"  - {line}")
