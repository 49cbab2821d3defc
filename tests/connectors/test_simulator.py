"""The simulator, its requests served in-process through the real endpoints."""

from __future__ import annotations

from aftersales.cases.models import Case
from aftersales.connectors.demo import DEMO_TARGETS
from aftersales.connectors.models import EventStatus, InboundEvent
from aftersales.connectors.simulator import Simulator, percentile
from tests.connectors.conftest import run_queue


def test_a_short_run_of_all_platforms_makes_cases_with_duplicates_and_swaps(platforms, client):
    def send(path, body, headers):
        extra = {("HTTP_" + k.upper().replace("-", "_")): v for k, v in headers.items()}
        return client.post(path, data=body, content_type="application/json", **extra).status_code

    sim = Simulator("http://testserver", DEMO_TARGETS, rate=25, seconds=2, seed=5, duplicate_rate=0.6,
                    reorder_rate=0.2, bad_signature_rate=0.05, workers=0, sender=send)
    tally = sim.run()
    assert sum(t.sent for t in tally.values()) > 20
    assert sum(t.errors for t in tally.values()) == 0
    assert all(t.rejected == t.bad_signatures for t in tally.values())     # only the wrongly signed are refused
    assert sum(t.duplicates for t in tally.values()) > 0
    run_queue()
    assert not InboundEvent.objects.filter(status=EventStatus.FAILED).exists()
    assert Case.objects.filter(shop__in=platforms.shops.values()).count() > 3
    assert len(sim.report()) == 6


def test_percentile():
    assert percentile([5, 1, 3, 2, 4], 50) == 3 and percentile(list(range(1, 101)), 99) == 99 and percentile([], 99) == 0
