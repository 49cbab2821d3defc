"""Acting on a case through the API: the whole return-and-refund, the refusals, and the extras."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from aftersales.accounts.models import Membership, Role
from aftersales.cases.models import Case, FollowUp, Rating, Refund, TimelineEvent
from aftersales.orders.models import OrderLine
from tests.api.conftest import Api, error

pytestmark = pytest.mark.django_db


def act(api, case_id, action, expect=200, **body):
    response = api.post(f"/cases/{case_id}/actions", {"action": action, **body})
    assert response.status_code == expect, response.content
    return response.json()


def test_return_and_refund_on_an_own_store_from_request_to_rating(a):
    case = a.case("return_refund")
    finance = a.token_for(Role.FINANCE)

    c = act(a.api, case.pk, "approve", expected_version=case.version)
    assert (c["state"], c["return_state"]) == ("awaiting_buyer_return", "awaiting_shipment")
    assert "ship_return" in c["allowed_actions"]
    c = act(a.api, case.pk, "ship_return", carrier="SF", tracking_number="SF1234567890")
    assert (c["state"], c["return_state"]) == ("awaiting_receipt_review", "in_transit")
    assert c["return_shipments"][0]["tracking_number"] == "SF1234567890"
    assert "inspect" in c["allowed_actions"]
    c = act(a.api, case.pk, "inspect", outcome="ok", note="all tags on")
    assert (c["state"], c["refund_state"]) == ("refund_in_progress", "approved")
    assert c["inspections"][0]["outcome"] == "ok"
    assert c["refunds"][0]["amount"] == "199.00" and c["refunds"][0]["status"] == "approved"
    assert "pay_refund" in c["allowed_actions"]
    c = act(finance, case.pk, "pay_refund", external_id="PAY-1")
    assert c["refund_state"] == "processing"
    assert c["allowed_actions"] == ["confirm_refund"]
    c = act(finance, case.pk, "confirm_refund")
    assert (c["state"], c["refund_state"], c["is_open"]) == ("completed", "succeeded", False)
    assert c["allowed_actions"] == []
    assert not [d for d in c["deadlines"] if d["status"] == "open"]

    line = OrderLine.objects.get(pk=case.lines.get().order_line_id)
    assert (line.qty_requested, line.qty_refunded, line.amount_refunded) == (0, 1, Decimal("199.00"))
    assert Refund.objects.get(case=case).external_id == "PAY-1"
    assert [e["action"] for e in c["timeline"] if e["kind"] == "transition"] == [
        "approve", "ship_return", "confirm_receipt", "refund_succeeded"]
    assert all(e["message_zh"] and e["message_en"] for e in c["timeline"])

    followed = a.api.post(f"/cases/{case.pk}/follow-up", {"outcome": "buyer happy"})
    assert followed.status_code == 200, followed.content
    assert followed.json()["outcome"] == "buyer happy"
    assert FollowUp.objects.get(case=case).done_at is not None
    rated = a.api.post(f"/cases/{case.pk}/rating", {"score": 5, "comment": "fast"})
    assert rated.status_code == 201 and rated.json()["score"] == 5
    assert a.api.get(f"/cases/{case.pk}").json()["rating"]["score"] == 5


def test_an_illegal_move_is_409_and_changes_nothing(a):
    case = a.case("return_refund")
    events = TimelineEvent.objects.count()
    response = a.api.post(f"/cases/{case.pk}/actions", {"action": "ship_to_buyer", "tracking_number": "X"})
    assert response.status_code == 409
    err = error(response)
    assert err["code"] == "case.not_allowed"
    assert "ship_to_buyer" in err["message"] and "awaiting_seller_review" in err["message"]
    assert TimelineEvent.objects.count() == events
    assert Case.objects.get(pk=case.pk).version == case.version


def test_a_stale_version_is_a_conflict(a):
    case = a.case("return_refund")
    response = a.api.post(f"/cases/{case.pk}/actions", {"action": "approve", "expected_version": case.version + 1})
    assert response.status_code == 409
    assert error(response)["code"] == "conflict"
    assert Case.objects.get(pk=case.pk).state == "awaiting_seller_review"


@pytest.mark.parametrize("body, status, code, field", [
    pytest.param({"action": "teleport"}, 422, "validation.failed", "action", id="unknown-action"),
    pytest.param({"action": "approve", "amount": "-1"}, 422, "validation.failed", "amount", id="negative-amount"),
    pytest.param({"action": "approve", "amount": "1000"}, 422, "validation.failed", "amount", id="over-requested"),
    pytest.param({"action": "reject"}, 422, "validation.failed", "reason", id="reject-without-reason"),
    pytest.param({"action": "offer", "offer_kind": "castle"}, 422, "validation.failed", "offer_kind",
                 id="unknown-offer"),
    pytest.param({"action": "inspect"}, 422, "validation.failed", "outcome", id="inspect-without-outcome"),
    pytest.param({"action": "approve", "expected_version": "one"}, 422, "validation.failed", "expected_version",
                 id="version-not-a-number"),
    pytest.param({"action": "pay_refund"}, 409, "case.not_allowed", None, id="nothing-to-pay"),
])
def test_bad_actions(a, body, status, code, field):
    case = a.case("return_refund")
    response = a.api.post(f"/cases/{case.pk}/actions", body)
    assert response.status_code == status, response.content
    err = error(response)
    assert err["code"] == code
    if field:
        assert field in err["fields"], err
    assert Case.objects.get(pk=case.pk).version == case.version


def test_roles_the_token_does_not_have_are_403(a):
    case = a.case("refund_only")
    agent = a.token_for(Role.AGENT)
    act(agent, case.pk, "approve")
    response = agent.post(f"/cases/{case.pk}/actions", {"action": "pay_refund"})
    assert response.status_code == 403
    assert error(response)["code"] == "permission.denied"
    warehouse = a.token_for(Role.WAREHOUSE)
    assert warehouse.post(f"/cases/{a.case().pk}/actions", {"action": "approve"}).status_code == 403


def test_approving_above_the_approval_limit_is_403(a):
    case = a.case("refund_only")       # shipped, so nothing approves it automatically: a person must
    user = get_user_model().objects.create_user("agent", password="x-long-password")
    Membership.objects.create(user=user, organisation=a.org, role=Role.AGENT, refund_approval_limit=Decimal("50"))
    client = Client()
    client.force_login(user)
    session = Api(client=client)
    response = session.post(f"/cases/{case.pk}/actions", {"action": "approve"})
    assert response.status_code == 403
    err = error(response)
    assert err["code"] == "permission.denied" and "approval limit" in err["message"]
    assert Case.objects.get(pk=case.pk).state == "awaiting_seller_review"
    assert not Refund.objects.exists()
    c = act(session, case.pk, "approve", amount="50.00")
    assert (c["state"], c["approved_amount"]) == ("refund_in_progress", "50.00")
    assert TimelineEvent.objects.filter(case=case, action="approve", actor_user=user).exists()


def test_messages_and_the_buyer_view_of_the_timeline(a):
    case = a.case()
    response = a.api.post(f"/cases/{case.pk}/messages", {"body": "  Please send a photo of the label.  "})
    assert response.status_code == 201, response.content
    assert response.json()["body"] == "Please send a photo of the label."
    assert a.api.post(f"/cases/{case.pk}/messages", {"body": "   "}).status_code == 422
    assert a.api.post(f"/cases/{case.pk}/messages", {"body": "x", "channel": "pigeon"}).status_code == 422

    everything = a.api.get(f"/cases/{case.pk}/timeline").json()
    buyer = a.api.get(f"/cases/{case.pk}/timeline", {"buyer_view": "true"}).json()
    assert {e["kind"] for e in everything} >= {"created", "policy.manual", "message"}
    assert "policy.manual" not in {e["kind"] for e in buyer}
    assert all(e["visible_to_buyer"] and e["data"] == {} for e in buyer)


def test_a_rating_is_for_finished_cases_and_whole_stars(a):
    case = a.case()
    assert a.api.post(f"/cases/{case.pk}/rating", {"score": 5}).status_code == 409
    for score in (0, 6, "5", 4.5, True):
        response = a.api.post(f"/cases/{case.pk}/rating", {"score": score})
        assert response.status_code == 422, (score, response.content)
        assert "score" in error(response)["fields"]
    assert not Rating.objects.exists()


def test_several_options_offered_and_one_accepted_by_id(a):
    case = a.case("return_refund", reason_code="quality.defect")
    c = act(a.api, case.pk, "offer", offer_options=[
        {"kind": "partial_refund", "amount": "50.00", "note": "keep it"}, {"kind": "exchange"},
        {"kind": "coupon", "amount": "20.00", "coupon_code": "SORRY20"}])
    assert c["state"] == "awaiting_buyer_response"
    assert [(o["kind"], o["status"]) for o in c["offers"]] == [
        ("partial_refund", "proposed"), ("exchange", "proposed"), ("coupon", "proposed")]
    chosen = c["offers"][0]["id"]
    c = act(a.token_for(Role.AGENT), case.pk, "accept_offer", offer_id=chosen)
    assert (c["state"], c["approved_amount"]) == ("refund_in_progress", "50.00")
    assert [o["status"] for o in c["offers"]] == ["accepted", "declined", "declined"]


@pytest.mark.parametrize("body, field", [
    pytest.param({"offer_options": [{"kind": "castle"}]}, "offer_options", id="unknown-kind"),
    pytest.param({"offer_options": [{"kind": "refund", "colour": "red"}]}, "offer_options", id="unknown-key"),
    pytest.param({"offer_options": [{"kind": "exchange"}] * 7}, "offer_options", id="too-many"),
    pytest.param({"offer_id": 0}, "offer_id", id="offer-id-zero"),
])
def test_bad_offer_bodies_are_422(a, body, field):
    case = a.case()
    response = a.api.post(f"/cases/{case.pk}/actions", {"action": "offer", **body})
    assert response.status_code == 422, response.content
    assert any(k.startswith(field) for k in error(response)["fields"]), error(response)


def test_rejecting_with_a_common_reason(a):
    case = a.case()
    c = act(a.api, case.pk, "reject", reason_code="outside_window", reason="delivered 30 days ago")
    event = [e for e in c["timeline"] if e["action"] == "reject"][0]
    assert event["message_en"].endswith("The request is outside the return period. delivered 30 days ago")
    response = a.api.post(f"/cases/{a.case().pk}/actions", {"action": "reject", "reason_code": "moon"})
    assert response.status_code == 422 and "reason_code" in error(response)["fields"]
