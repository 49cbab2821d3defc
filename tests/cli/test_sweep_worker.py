"""`aftersales sweep --now` and `aftersales worker --once`."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from aftersales.cases.importer import import_rows
from aftersales.cases.models import Case
from aftersales.notify.models import OutboxMessage
from tests.cli.conftest import T0, order_for


def own_store_case(org, own):
    order_for(own, "W-1")
    report = import_rows(org, [{"kind": "case", "shop_id": own.pk, "order_external_id": "W-1",
                                "case_type": "exchange", "reason_code": "quality.defect", "lines": "JKT:1"}])
    assert report.ok
    return Case.objects.get(order__external_id="W-1")


@pytest.mark.django_db
def test_sweep_now_applies_an_own_store_timeout(merchant):
    org, own, _ = merchant
    case = own_store_case(org, own)
    assert case.state == "awaiting_seller_review"
    out = StringIO()
    call_command("sweep", now=(T0 + timedelta(hours=47)).isoformat(), stdout=out)
    case.refresh_from_db()
    assert case.state == "awaiting_seller_review"          # 48 h not up yet: a warning only
    assert "warnings sent" in out.getvalue()
    out = StringIO()
    call_command("sweep", now=(T0 + timedelta(hours=49)).isoformat(), json=True, stdout=out)
    report = json.loads(out.getvalue())
    assert report["applied"] == 1
    case.refresh_from_db()
    assert case.state == "awaiting_buyer_return"            # our sweep approved it, as the shop's rule says
    assert case.events.filter(kind="transition", actor="system", action="approve").exists()


@pytest.mark.parametrize("bad", ["tomorrow", "2026-13-01T00:00:00+00:00", "2026-11-20T10:00:00"])
def test_sweep_refuses_a_bad_time(bad):
    with pytest.raises(CommandError):
        call_command("sweep", now=bad, stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_worker_once_delivers_the_outbox(merchant):
    org, own, _ = merchant
    own_store_case(org, own)
    assert OutboxMessage.objects.filter(status="pending").count() == 2
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        call_command("worker", once=True, stdout=StringIO())
    assert not OutboxMessage.objects.filter(status="pending").exists()
    assert set(OutboxMessage.objects.values_list("topic", "status")) == {
        ("buyer.case_received", "sent"), ("team.case_new", "sent")}


def test_worker_refuses_a_silly_interval():
    with pytest.raises(CommandError, match="interval"):
        call_command("worker", once=True, interval=0, stdout=StringIO())
