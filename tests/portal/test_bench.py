"""`aftersales bench_outbox`'s measuring part delivers every row once and prints its table."""

import pytest

from aftersales.portal import bench

pytestmark = pytest.mark.django_db


def test_the_outbox_bench_delivers_every_row_once(settings, recorded):
    settings.QUIET_HOURS = None
    result = bench.inner(30)
    assert (result["rows"], result["sent"]) == (30, 30)
    assert len(recorded.sent) == 30 and len({s.key for s in recorded.sent}) == 30
    text = bench.table({**result, "where": "test", "load": (1.0, 1.0, 1.0)})
    assert "| deliver_due until empty" in text and "| floor: one UPDATE" in text
