"""record_tracking_event (the contract), the stuck job, imports, the webhook and the client double."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from aftersales.cases.models import Case, ReturnShipment, TimelineEvent
from aftersales.cases.signals import facts_changed
from aftersales.errors import ValidationFailed
from aftersales.logistics import services
from aftersales.logistics.clients import RecordedClient, poll
from aftersales.logistics.models import Parcel, TrackingEvent
from aftersales.logistics.tasks import flag_stuck_parcels
from aftersales.logistics.views import organisation_secret, signature
from aftersales.orders.models import Shipment
from tests.logistics.conftest import NOW, shipped_case

pytestmark = pytest.mark.django_db(transaction=False)


def scan(org, status, at, number="SF1234567890123", **kw):
    return services.record_tracking_event(org, carrier=kw.pop("carrier", "顺丰"), tracking_number=number,
                                          status=status, occurred_at=at, **kw)


def test_a_scan_matches_the_shipment_and_delivery_sets_the_dates(shop, frozen, django_capture_on_commit_callbacks):
    order, case = shipped_case(shop)
    received = []
    facts_changed.connect(lambda sender, **kw: received.append((sender, kw)), weak=False, dispatch_uid="t-track")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            scan(shop.organisation, "in_transit", NOW - timedelta(days=1), location="杭州")
            result = scan(shop.organisation, "delivered", NOW - timedelta(hours=2))
    finally:
        facts_changed.disconnect(dispatch_uid="t-track")
    parcel = result.parcel
    assert (parcel.carrier, parcel.direction, parcel.status) == ("sf", "outbound", "delivered")
    assert parcel.shipment == order.shipments.get()
    order.refresh_from_db()
    assert order.delivered_at == NOW - timedelta(hours=2)
    assert Shipment.objects.get(order=order).delivered_at == NOW - timedelta(hours=2)
    assert TimelineEvent.objects.filter(case=case, kind="tracking").count() == 2
    assert [(s, kw["case_ids"], kw["data"]["status"]) for s, kw in received] == [
        ("tracking", [case.pk], "in_transit"), ("tracking", [case.pk], "delivered")]


def test_the_same_scan_twice_is_recorded_once(shop, frozen):
    shipped_case(shop)
    first = scan(shop.organisation, "in_transit", NOW - timedelta(days=1), event_id="e1")
    again = scan(shop.organisation, "in_transit", NOW - timedelta(days=1), event_id="e1")
    no_id = scan(shop.organisation, "at_hub", NOW - timedelta(hours=5))
    no_id_again = scan(shop.organisation, "at_hub", NOW - timedelta(hours=5))
    assert (first.created, again.created, no_id.created, no_id_again.created) == (True, False, True, False)
    assert TrackingEvent.objects.count() == 2 and Parcel.objects.count() == 1
    assert TimelineEvent.objects.filter(kind="tracking").count() == 2


def test_a_return_parcel_matches_the_return_shipment(shop, frozen):
    _, case = shipped_case(shop)
    back = ReturnShipment.objects.create(case=case, carrier="zto", tracking_number="73100000000001",
                                         shipped_at=NOW - timedelta(days=2))
    result = scan(shop.organisation, "delivered", NOW - timedelta(hours=1), number="73100000000001", carrier="中通")
    back.refresh_from_db()
    assert result.parcel.direction == "return" and result.case_ids == (case.pk,)
    assert back.delivered_at == NOW - timedelta(hours=1) and back.status == "delivered"


@pytest.mark.parametrize("kw, field", [
    pytest.param({"status": "teleported"}, "status", id="unknown-status"),
    pytest.param({"tracking_number": " "}, "tracking_number", id="no-number"),
])
def test_bad_scans_are_refused_with_the_field(shop, frozen, kw, field):
    args = {"carrier": "sf", "tracking_number": "SF1", "status": "in_transit", "occurred_at": NOW, **kw}
    with pytest.raises(ValidationFailed) as err:
        services.record_tracking_event(shop.organisation, **args)
    assert field in err.value.fields


def test_a_stuck_parcel_raises_the_case_and_moving_again_clears_it(shop, frozen):
    _, case = shipped_case(shop)
    scan(shop.organisation, "in_transit", NOW - timedelta(days=3, hours=1))
    before = Case.objects.get(pk=case.pk).priority
    assert services.flag_stuck(NOW) == {"flagged": 1}
    case.refresh_from_db()
    assert case.priority_boosts["parcel_stuck"][0] == 200 and case.priority >= before + 200
    note = TimelineEvent.objects.get(case=case, kind="parcel.stuck")
    assert note.data["action"] == "chase_carrier" and "顺丰" in note.message_zh and "Chase" in note.message_en
    assert services.flag_stuck(NOW) == {"flagged": 0}      # flagged once
    parcel = Parcel.objects.get()
    assert parcel.stuck_since == NOW

    scan(shop.organisation, "at_hub", NOW - timedelta(minutes=5))
    case.refresh_from_db()
    parcel.refresh_from_db()
    assert "parcel_stuck" not in (case.priority_boosts or {}) and case.priority == before
    assert parcel.stuck_since is None and parcel.stuck_action == ""


def test_the_job_is_cheap_when_it_ran_recently(shop, frozen):
    shipped_case(shop)
    scan(shop.organisation, "in_transit", NOW - timedelta(days=7))
    assert flag_stuck_parcels.call(NOW.isoformat()) == {"flagged": 1}
    assert flag_stuck_parcels.call((NOW + timedelta(minutes=5)).isoformat()) == {"skipped": True}


def test_lost_and_damaged_are_flagged_on_the_parcel(shop, frozen):
    _, case = shipped_case(shop)
    scan(shop.organisation, "lost", NOW - timedelta(hours=1))
    parcel = Parcel.objects.get()
    case.refresh_from_db()
    assert parcel.lost and parcel.stuck_action == "offer_reship_or_refund"
    assert "parcel_stuck" in case.priority_boosts
    shipped_case(shop, number="SF1234567890124")
    scan(shop.organisation, "damaged", NOW - timedelta(hours=1), number="SF1234567890124")
    assert Parcel.objects.get(tracking_number="SF1234567890124").damaged


def test_import_file_reports_bad_rows_and_exits_non_zero(shop, frozen, tmp_path, capsys):
    shipped_case(shop)
    path = tmp_path / "scans.csv"
    path.write_text("carrier,tracking_number,status,time,event_id\n"
                    "sf,SF1234567890123,in_transit,2026-11-19T08:00:00+08:00,a\n"
                    "sf,SF1234567890123,flying,2026-11-19T09:00:00+08:00,b\n"
                    "sf,SF1234567890123,at_hub,yesterday,c\n"
                    "sf,SF1234567890123,,2026-11-19T10:00:00+08:00,d\n", encoding="utf-8")
    with pytest.raises(CommandError, match="3 of 4 rows refused"):
        call_command("tracking", "import", str(path))
    err = capsys.readouterr().err
    assert "row 2: status" in err and "row 3: time" in err and "row 4: status" in err
    assert TrackingEvent.objects.count() == 1

    good = tmp_path / "scans.json"
    good.write_text(json.dumps({"events": [
        {"carrier": "sf", "tracking_number": "SF1234567890123", "raw_status": "派送中",
         "time": "2026-11-20T08:00:00+08:00"}]}), encoding="utf-8")
    call_command("tracking", "import", str(good))
    assert Parcel.objects.get().status == "out_for_delivery"
    with pytest.raises(CommandError, match="not JSON"):
        (tmp_path / "bad.json").write_text("{", encoding="utf-8")
        call_command("tracking", "import", str(tmp_path / "bad.json"))


def test_webhook_checks_the_signature_and_is_idempotent(shop, frozen, client):
    shipped_case(shop)
    secret = organisation_secret(shop.organisation)
    body = json.dumps({"events": [{"tracking_number": "SF1234567890123", "status": "in_transit",
                                   "time": "2026-11-19T08:00:00+08:00", "id": "w1"}]}).encode()
    url = "/webhooks/carriers/sf/"
    headers = {"HTTP_X_AFTERSALES_ORGANISATION": shop.organisation.slug}
    bad = client.post(url, body, content_type="application/json", HTTP_X_AFTERSALES_SIGNATURE="sha256=00", **headers)
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "webhook.bad_signature"
    sig = {"HTTP_X_AFTERSALES_SIGNATURE": signature(secret, body), **headers}
    first = client.post(url, body, content_type="application/json", **sig)
    again = client.post(url, body, content_type="application/json", **sig)
    assert first.status_code == 200 and first.json()["recorded"] == 1
    assert again.status_code == 200 and again.json()["duplicates"] == 1
    assert TrackingEvent.objects.count() == 1
    junk = b'{"events": [{"tracking_number": "SF1", "status": "nope", "time": "2026-11-19T08:00:00+08:00"}]}'
    refused = client.post(url, junk, content_type="application/json",
                          HTTP_X_AFTERSALES_SIGNATURE=signature(secret, junk), **headers)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "status"


def test_the_recorded_client_double(shop, frozen):
    shipped_case(shop)
    assert poll(shop.organisation, RecordedClient("sf"), "SF1234567890123") == 4
    assert poll(shop.organisation, RecordedClient("sf"), "SF1234567890123") == 0
    parcel = Parcel.objects.get()
    assert parcel.status == "delivered" and parcel.events.count() == 4


def test_the_case_page_shows_the_stuck_parcel(shop, frozen, client):
    from aftersales.accounts.models import Membership

    _, case = shipped_case(shop)
    scan(shop.organisation, "in_transit", NOW - timedelta(days=7), location="武汉")
    services.flag_stuck(NOW)
    from django.contrib.auth import get_user_model

    agent = get_user_model().objects.create_user("agent-p", password="x")
    Membership.objects.create(organisation=shop.organisation, user=agent, role="agent")
    client.force_login(agent)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "SF1234567890123" in page and "武汉" in page
    assert "包裹 SF1234567890123 已 7 天无物流更新，建议向买家提供补发或退款" in page


def test_the_dispute_pack_carries_the_carriers_scans(shop, frozen):
    from aftersales.risk import pack

    order, case = shipped_case(shop)
    assert "tracking_events" not in [s.key for s in pack.sections(case)]     # no scans yet: no section
    scan(shop.organisation, "in_transit", NOW - timedelta(days=2), location="杭州", event_id="a")
    scan(shop.organisation, "delivered", NOW - timedelta(days=1), location="上海", description="本人签收", event_id="b")
    section = next(s for s in pack.sections(case) if s.key == "tracking_events")
    assert [(r[3], r[4]) for r in section.rows] == [("in_transit", "杭州"), ("delivered", "上海")]
    assert "本人签收" in section.rows[1][5] and "SF1234567890123" in section.rows[0][2]
    assert pack.pdf_bytes(case).startswith(b"%PDF-")
