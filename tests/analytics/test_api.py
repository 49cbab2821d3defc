"""The JSON API of logistics and learning: a case's parcels with their scans, and the weekly review."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.cases.models import ReturnShipment
from aftersales.logistics.services import record_tracking_event
from tests.api.conftest import NOW, a, b, error, frozen, media  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def returned_case(tenant):
    case = tenant.case()
    ReturnShipment.objects.create(case=case, carrier="SF", tracking_number="SF1234567890123",
                                  shipped_at=NOW - timedelta(days=1))
    for status, hours, where in (("accepted", 20, "深圳"), ("in_transit", 10, "杭州")):
        record_tracking_event(tenant.org, carrier="SF", tracking_number="SF1234567890123", status=status,
                              occurred_at=NOW - timedelta(hours=hours), location=where, event_id=f"sf-{status}")
    return case


def test_a_cases_parcels_with_every_scan_and_nothing_of_another_tenant(a, b):
    case = returned_case(a)
    response = a.api.get(f"/analytics/cases/{case.pk}/parcels")
    assert response.status_code == 200
    (parcel,) = response.json()
    assert (parcel["direction"], parcel["tracking_number"], parcel["status"]) == ("return", "SF1234567890123",
                                                                                 "in_transit")
    assert [(e["status"], e["location"]) for e in parcel["events"]] == [("accepted", "深圳"), ("in_transit", "杭州")]
    assert b.api.get(f"/analytics/cases/{case.pk}/parcels").status_code == 404


def test_the_weekly_review_as_data_for_owners_and_supervisors(a, b):
    response = a.api.get("/analytics/review", {"week": "2026-W46"})
    assert response.status_code == 200
    review = response.json()
    assert review["week"] == "2026-W46" and review["organisation"] == a.org.name
    assert {"skus", "carriers", "shops", "alerts", "risk"} <= set(review)
    assert a.api.get("/analytics/review").json()["week"] == "2026-W46"           # default: last week (NOW is W47)
    assert a.api.get("/analytics/review", {"shop": a.shop.pk}).status_code == 200


@pytest.mark.parametrize("params, field", [
    pytest.param({"week": "2026-47"}, "week", id="not-an-iso-week"),
    pytest.param({"week": "2026-W60"}, "week", id="no-such-week"),
])
def test_a_bad_week_is_a_field_error(a, params, field):
    response = a.api.get("/analytics/review", params)
    assert response.status_code == 422 and field in error(response)["fields"]


def test_another_tenants_shop_and_an_agent_are_refused(a, b):
    response = a.api.get("/analytics/review", {"shop": b.shop.pk})
    assert response.status_code == 422 and "shop" in error(response)["fields"]
    assert a.token_for("agent").get("/analytics/review").status_code == 403
