"""aftersales risk-sim: buyers with known behaviours through the real scorecard."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Simulate buyers with known behaviours (honest, serial returner, not-received fraud, empty box, "
            "wardrobing) through the refund-risk scorecard; print precision and recall (docs/RISK.md).")

    def add_arguments(self, parser):
        parser.add_argument("--buyers", type=int, default=5000, help="buyers to simulate (default 5000)")
        parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
        parser.add_argument("--medium", type=int, default=None, help="medium-risk threshold (default: the shops' default)")
        parser.add_argument("--high", type=int, default=None, help="high-risk threshold (default: the shops' default)")

    def handle(self, *args, **opts):
        from aftersales.domain.risk import Thresholds
        from aftersales.risk import sim

        if opts["buyers"] < 1 or opts["buyers"] > 1_000_000:
            raise CommandError("--buyers must be between 1 and 1,000,000")
        default = Thresholds()
        medium = opts["medium"] if opts["medium"] is not None else default.medium
        high = opts["high"] if opts["high"] is not None else default.high
        if not 0 < medium < high:
            raise CommandError("thresholds: 0 < --medium < --high")
        thresholds = Thresholds(medium, high)
        result = sim.table(sim.simulate(opts["buyers"], opts["seed"], thresholds), thresholds)
        self.stdout.write(sim.render(result, buyers=opts["buyers"], seed=opts["seed"]))
