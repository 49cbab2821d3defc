"""aftersales simulate: realistic platform traffic against a running server (connectors/simulator.py)."""

from __future__ import annotations

import json
import os
import subprocess

from django.core.management.base import BaseCommand, CommandError

from aftersales.connectors.simulator import PLATFORMS, Simulator, Target


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "load: " + " ".join(f"{x:.2f}" for x in os.getloadavg())


class Command(BaseCommand):
    help = "Play realistic platform traffic (orders, requests, status changes, messages, tracking) against a server."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the server (default %(default)s)")
        parser.add_argument("--platform", default="all", choices=[*PLATFORMS, "all"])
        parser.add_argument("--rate", type=float, default=50, help="events per second, all platforms (default 50)")
        parser.add_argument("--seconds", type=float, default=300, help="how long (default 300)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--duplicates", type=float, default=0.05, help="share of events sent twice (0.05)")
        parser.add_argument("--reorder", type=float, default=0.05, help="chance per event of a swap in its case (0.05)")
        parser.add_argument("--bad-signatures", type=float, default=0.0, help="share of requests signed wrongly")
        parser.add_argument("--workers", type=int, default=8, help="requests in flight at most (default 8)")
        parser.add_argument("--credentials", help="JSON {platform: {shop_key, app_key, app_secret}} "
                                                  "(default: the demo's, connectors/demo.py)")

    def handle(self, *args, **o):
        if o["rate"] <= 0 or o["seconds"] <= 0 or o["workers"] < 1:
            raise CommandError("--rate and --seconds must be more than 0, --workers at least 1")
        for name in ("duplicates", "reorder", "bad_signatures"):
            if not 0 <= o[name] <= 1:
                raise CommandError(f"--{name.replace('_', '-')} is a share from 0 to 1")
        if not o["url"].startswith("http://"):
            raise CommandError("--url: an http:// address of a running aftersales server")
        targets = self._targets(o["credentials"])
        wanted = PLATFORMS if o["platform"] == "all" else (o["platform"],)
        missing = [p for p in wanted if p not in targets]
        if missing:
            raise CommandError(f"no credentials for {', '.join(missing)}")
        sim = Simulator(o["url"], {p: targets[p] for p in wanted}, rate=o["rate"], seconds=o["seconds"], seed=o["seed"],
                        duplicate_rate=o["duplicates"], reorder_rate=o["reorder"],
                        bad_signature_rate=o["bad_signatures"], workers=o["workers"])
        w = self.stdout.write
        w(f"simulating {', '.join(wanted)} against {o['url']} at {o['rate']:g} events/s for {o['seconds']:g} s "
          f"({uptime()})")
        tally = sim.run()
        for line in sim.report():
            w(line)
        w(f"machine: {uptime()}")
        if sum(t.ok for t in tally.values()) == 0:
            raise CommandError("no event was accepted: is the server running with the demo's connections "
                               "(aftersales demo), or are the --credentials right?")

    def _targets(self, path):
        if not path:
            from aftersales.connectors.demo import DEMO_TARGETS
            return DEMO_TARGETS
        try:
            with open(path, encoding="utf-8") as f:
                raw = json.load(f)
            return {p: Target(p, str(v["shop_key"]), str(v["app_key"]), str(v["app_secret"])) for p, v in raw.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CommandError(f"--credentials {path}: {exc}") from None
