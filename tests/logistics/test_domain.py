"""The pure rules: statuses, carriers, stuck detection."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aftersales.domain import tracking as tr

MON = datetime(2026, 11, 16, 10, 0, tzinfo=timezone.utc)   # a Monday


@pytest.mark.parametrize("word, expected", [
    pytest.param("in_transit", (tr.Status.IN_TRANSIT, tr.Problem.NONE), id="contract-word"),
    pytest.param("Out for delivery", (tr.Status.OUT_FOR_DELIVERY, tr.Problem.NONE), id="spaces-and-case"),
    pytest.param("signed", (tr.Status.DELIVERED, tr.Problem.NONE), id="signed-is-delivered"),
    pytest.param("lost", (tr.Status.EXCEPTION, tr.Problem.LOST), id="lost-is-an-exception"),
    pytest.param("damaged", (tr.Status.EXCEPTION, tr.Problem.DAMAGED), id="damaged-is-an-exception"),
])
def test_normalise(word, expected):
    assert tr.normalise(word) == expected


def test_unknown_status_is_refused():
    with pytest.raises(ValueError):
        tr.normalise("teleported")


@pytest.mark.parametrize("name, code", [("顺丰", "sf"), ("SF Express", "sf"), ("中通", "zto"), ("jd", "jd"),
                                        ("UPS", "ups"), ("Acme Couriers", "acme couriers")])
def test_carrier_codes(name, code):
    assert tr.carrier_code(name) == code


def test_number_patterns_and_raw_words():
    assert tr.guess_carrier("SF1234567890123").code == "sf"
    assert tr.guess_carrier("1Z999AA10123456784").code == "ups"
    assert tr.map_raw(tr.CARRIERS["zto"], "快件已签收，签收人：本人") == "delivered"
    assert tr.map_raw(tr.CARRIERS["ups"], "Out For Delivery Today") == "out_for_delivery"


@pytest.mark.parametrize("code, quiet, status, expected", [
    pytest.param("sf", timedelta(days=2, hours=23), tr.Status.IN_TRANSIT, "", id="sf-just-under-3-days"),
    pytest.param("sf", timedelta(days=3), tr.Status.IN_TRANSIT, "chase_carrier", id="sf-3-days-chase"),
    pytest.param("sf", timedelta(days=6), tr.Status.AT_HUB, "offer_reship_or_refund", id="sf-twice-the-limit"),
    pytest.param("zto", timedelta(days=3), tr.Status.IN_TRANSIT, "", id="zto-waits-4-days"),
    pytest.param("sf", timedelta(days=30), tr.Status.DELIVERED, "", id="delivered-is-never-stuck"),
])
def test_stuck_natural_days(code, quiet, status, expected):
    verdict = tr.stuck(tr.CARRIERS[code], status, MON, MON + quiet, tracking_number="N1")
    assert verdict.action == expected and verdict.stuck == bool(expected)


def test_business_day_carriers_do_not_count_the_weekend():
    friday = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
    ups = tr.CARRIERS["ups"]
    assert not tr.stuck(ups, tr.Status.IN_TRANSIT, friday, friday + timedelta(days=4)).stuck   # Fri..Tue: 2 days
    verdict = tr.stuck(ups, tr.Status.IN_TRANSIT, friday, friday + timedelta(days=5), tracking_number="1Z")
    assert verdict.action == "chase_carrier" and "UPS" in verdict.en and "UPS" in verdict.zh


def test_a_lost_parcel_is_past_chasing():
    verdict = tr.stuck(tr.CARRIERS["sf"], tr.Status.EXCEPTION, MON, MON + timedelta(hours=1),
                       tracking_number="SF1", problem=tr.Problem.LOST)
    assert verdict.action == "offer_reship_or_refund" and "补发或退款" in verdict.zh and "reship" in verdict.en
