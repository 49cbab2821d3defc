"""risk-sim prints its table; the demo's risky buyers carry reasons an agent can read."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aftersales.risk import sim
from aftersales.risk.demo import seed
from aftersales.risk.models import CaseRisk
from tests.factories import make_org, make_shop, make_sku


def test_risk_sim_small_run_prints_precision_recall_and_honest_share():
    out = StringIO()
    call_command("risk-sim", buyers=300, seed=3, stdout=out)
    text = out.getvalue()
    for name in ("serial_returner", "not_received_fraud", "empty_box", "wardrobing", "precision", "honest"):
        assert name in text
    with pytest.raises(CommandError):
        call_command("risk-sim", buyers=0)
    with pytest.raises(CommandError):
        call_command("risk-sim", medium=70, high=40)


def test_the_simulation_is_repeatable_and_keeps_honest_buyers_fast():
    a = sim.table(sim.simulate(400, 5))
    assert a == sim.table(sim.simulate(400, 5))
    assert a["honest_slowed"] < 0.03
    assert a["precision"] > 0.8


@pytest.mark.django_db
def test_the_demo_buyers_carry_risk_reasons(django_capture_on_commit_callbacks):
    org = make_org()
    shop = make_shop(org, "taobao")
    make_sku(shop, "DEMO-1", price="129.00")
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):   # the inspection fact, as after a real commit
        seed(org, out)
    assert "王多退" in out.getvalue()
    flagged = CaseRisk.objects.filter(case__buyer__external_id__startswith="risk-demo-").exclude(level="low")
    assert flagged.count() >= 3
    codes = {r["code"] for risk in flagged for r in risk.reasons}
    assert {"return_rate", "not_received_delivered", "rejected_inspections"} <= codes
    before = CaseRisk.objects.count()
    seed(org, StringIO())                  # twice: nothing new
    assert CaseRisk.objects.count() == before
