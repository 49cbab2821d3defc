"""The demo's data gives the weekly review a SKU alert and a carrier alert, and a stuck parcel."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from aftersales import clock
from aftersales.accounts.models import Organisation
from aftersales.analytics.review import weekly_review
from aftersales.cases.models import Case
from aftersales.domain import review as rules
from aftersales.logistics.models import Parcel

pytestmark = pytest.mark.django_db


def test_demo_review_has_a_sku_alert_and_a_carrier_alert():
    out = StringIO()
    call_command("demo", orders=100, cases=12, seed=5, stdout=out)
    assert "Analytics:" in out.getvalue()
    org = Organisation.objects.get(slug="demo")
    now = clock.now()
    last_week = rules.monday_of(now.date()) - timedelta(weeks=1)
    review = weekly_review(org, last_week, now)
    kinds = {a["kind"] for a in review["alerts"]}
    assert kinds == {"sku", "carrier"}, review["alerts"]
    assert any("size note" in a["en"] for a in review["alerts"])
    assert Case.objects.filter(organisation=org, priority_boosts__has_key="parcel_stuck").exists()
    parcels = Parcel.objects.count()
    call_command("demo", orders=100, cases=12, seed=5, stdout=StringIO())
    assert Parcel.objects.count() == parcels   # seeded once
