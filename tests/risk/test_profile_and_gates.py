"""Buyer profiles linked across shops, scores from real cases, facts that re-score, the gates and
restrictions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from aftersales.cases import services
from aftersales.cases.evidence import add_evidence
from aftersales.cases.models import TimelineEvent
from aftersales.errors import NotAllowed, PermissionDenied, ValidationFailed
from aftersales.risk import services as risk
from aftersales.risk.gates import risk_gate
from aftersales.risk.models import BuyerLink, BuyerRiskStats, CaseRisk
from aftersales.risk.queries import profile
from tests.factories import make_org, make_shop
from tests.risk.helpers import AGENT, NOW, SUPERVISOR, WAREHOUSE, order_for, photo, request

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return make_shop(make_org(), "douyin")


def history(shop, buyer, n, *, phone="", reason="no_reason.unwanted", case_type="return_refund", start=None):
    start = start or NOW - timedelta(days=120)
    cases = []
    for i in range(n):
        at = start + timedelta(days=10 * i)
        cases.append(request(shop, order_for(shop, buyer, at=at, phone=phone), at=at, case_type=case_type,
                             reason=reason))
    return cases


def test_one_person_in_two_shops_is_one_profile(shop):
    other_shop = make_shop(shop.organisation, "taobao")
    history(shop, "dy-1", 2, phone="138 0013 8000")
    history(other_shop, "tb-9", 2, phone="+86 13800138000")
    links = BuyerLink.objects.filter(buyer__shop__organisation=shop.organisation)
    assert links.values("identity").distinct().count() == 1
    stats = BuyerRiskStats.objects.get(identity=links.first().identity)
    assert (stats.cases, stats.orders) == (4, 4)


def test_the_same_phone_in_another_organisation_is_someone_else(shop):
    foreign = make_shop(make_org(), "douyin")
    history(shop, "a", 1, phone="13800138000")
    history(foreign, "a", 1, phone="13800138000")
    assert BuyerLink.objects.values("identity").distinct().count() == 2


def test_a_serial_returner_is_flagged_and_a_first_timer_is_not(shop):
    cases = history(shop, "serial", 6)
    first = CaseRisk.objects.get(case=cases[0])
    last = CaseRisk.objects.get(case=cases[-1])
    assert first.level == "low"
    assert last.level in ("medium", "high") and "return_rate" in {r["code"] for r in last.reasons}


def test_a_loyal_buyer_with_one_return_stays_low(shop):
    for i in range(12):
        order_for(shop, "loyal", at=NOW - timedelta(days=200 - i * 10))
    case = request(shop, order_for(shop, "loyal", at=NOW), at=NOW)
    assert CaseRisk.objects.get(case=case).level == "low"


def test_not_received_while_signed_counts_and_flags_the_next_claim(shop):
    cases = history(shop, "nr", 2, reason="logistics.not_delivered", case_type="refund_only")
    first, second = (CaseRisk.objects.get(case=c) for c in cases)
    assert "claim_vs_tracking" in {r["code"] for r in first.reasons} and first.level == "low"
    assert {"claim_vs_tracking", "not_received_delivered"} <= {r["code"] for r in second.reasons}
    assert second.level in ("medium", "high")
    assert profile(second.identity)["not_received_delivered"] == 2


def test_an_empty_box_at_inspection_rescores_and_counts_once(shop, django_capture_on_commit_callbacks):
    case = request(shop, order_for(shop, "eb", at=NOW), at=NOW)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        services.perform(shop.organisation, case.pk, "approve", SUPERVISOR)
        services.perform(shop.organisation, case.pk, "ship_return", services.Who.buyer(),
                         services.ActionInput(carrier="SF", tracking_number="SF1"))
        with django_capture_on_commit_callbacks(execute=True):
            services.inspect_return(shop.organisation, case.pk, WAREHOUSE, "empty_box", note="empty")
    r = CaseRisk.objects.get(case=case)
    assert "inspection_failed" in {x["code"] for x in r.reasons}
    risk.refresh_facts(case.pk, "inspection", {}, NOW + timedelta(hours=2))   # the same fact again
    assert BuyerRiskStats.objects.get(identity=r.identity).rejected_inspections == 1
    nxt = request(shop, order_for(shop, "eb", at=NOW + timedelta(days=5)), at=NOW + timedelta(days=5))
    assert "rejected_inspections" in {x["code"] for x in CaseRisk.objects.get(case=nxt).reasons}


def test_a_quality_reason_with_words_of_a_changed_mind(shop, django_capture_on_commit_callbacks):
    case = request(shop, order_for(shop, "cm", at=NOW), at=NOW, reason="quality.defect")
    with django_capture_on_commit_callbacks(execute=True):
        services.add_message(shop.organisation, case.pk, services.Who.buyer(), "其实没坏，就是不想要了")
    assert "reason_contradiction" in {r["code"] for r in CaseRisk.objects.get(case=case).reasons}


def test_a_photo_reused_by_another_buyer(shop, django_capture_on_commit_callbacks):
    a = request(shop, order_for(shop, "p1", at=NOW), at=NOW, case_type="refund_only", reason="quality.damaged")
    b = request(shop, order_for(shop, "p2", at=NOW), at=NOW, case_type="refund_only", reason="quality.damaged")
    with django_capture_on_commit_callbacks(execute=True):
        add_evidence(shop.organisation, a.pk, services.Who.buyer(), photo(7))
    with django_capture_on_commit_callbacks(execute=True):
        add_evidence(shop.organisation, b.pk, services.Who.buyer(), photo(7, "again.png"))
    assert "photo_reused_other" in {r["code"] for r in CaseRisk.objects.get(case=b).reasons}
    assert "photo_reused_other" not in {r["code"] for r in CaseRisk.objects.get(case=a).reasons}


def test_near_identical_complaints_from_several_buyers(shop):
    text = "快递员根本没有送到，我一直在家等着，包裹显示签收但是我没有收到任何东西"
    for i, buyer in enumerate(("t1", "t2", "t3")):
        case = request(shop, order_for(shop, buyer, at=NOW), at=NOW + timedelta(minutes=i),
                       reason="logistics.not_delivered", case_type="refund_only", text=text + "！" * i)
    assert "similar_text" in {r["code"] for r in CaseRisk.objects.get(case=case).reasons}


def test_high_risk_is_never_approved_automatically():
    shop = make_shop(make_org(), "own_store")     # own store: small returns are approved automatically
    history(shop, "hr", 3, reason="logistics.not_delivered", case_type="refund_only")
    case = request(shop, order_for(shop, "hr", at=NOW), at=NOW)
    r = CaseRisk.objects.get(case=case)
    assert r.level == "high"
    case.refresh_from_db()
    assert case.state == "awaiting_seller_review"       # held, not rejected
    held = TimelineEvent.objects.get(case=case, kind="policy.held")
    assert "人工" in held.message_zh and "a person" in held.message_en


def test_medium_refund_only_waits_for_photos(shop):
    history(shop, "md", 1, reason="logistics.not_delivered", case_type="refund_only")
    case = request(shop, order_for(shop, "md", at=NOW), at=NOW, case_type="refund_only",
                   reason="logistics.not_delivered")
    assert CaseRisk.objects.get(case=case).level == "medium"
    assert TimelineEvent.objects.filter(case=case, kind="evidence.requested").exists()
    assert risk_gate(case, "auto_approve", NOW) is not None
    risk.refresh_facts(case.pk, "evidence", {}, NOW)
    assert risk_gate(case, "auto_approve", NOW) is not None       # no photo from the buyer yet
    # a person who reviewed it may approve and pay
    services.perform(shop.organisation, case.pk, "approve", SUPERVISOR)
    owner = services.Who(actor="seller", role="owner")
    assert services.pay_refund(shop.organisation, case.pk, owner).refund_state == "processing"


def test_photos_lift_the_medium_hold(shop, django_capture_on_commit_callbacks):
    history(shop, "ph", 1, reason="logistics.not_delivered", case_type="refund_only")
    case = request(shop, order_for(shop, "ph", at=NOW), at=NOW, case_type="refund_only",
                   reason="logistics.not_delivered")
    with django_capture_on_commit_callbacks(execute=True):
        add_evidence(shop.organisation, case.pk, services.Who.buyer(), photo(3))
    assert risk_gate(case, "auto_approve", NOW) is None


def test_high_risk_return_is_paid_only_after_inspection():
    shop = make_shop(make_org(), "own_store")
    history(shop, "hi", 3, reason="logistics.not_delivered", case_type="refund_only")
    case = request(shop, order_for(shop, "hi", at=NOW), at=NOW)
    assert CaseRisk.objects.get(case=case).level == "high"
    case.return_state = "in_transit"
    assert "inspection" in risk_gate(case, "pay_refund", NOW)[1]
    case.return_state = "inspected"
    assert risk_gate(case, "pay_refund", NOW) is None


def test_restriction_holds_automatic_approval_until_it_expires_or_is_lifted():
    shop = make_shop(make_org(), "own_store")     # own store: small returns are approved automatically
    for i in range(3):                             # (for a buyer with a few orders)
        order_for(shop, "rs", at=NOW - timedelta(days=60 + i))
    order = order_for(shop, "rs", at=NOW)
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        with pytest.raises(PermissionDenied):
            risk.restrict_buyer(shop.organisation, order.buyer_id, AGENT, "no_instant_refund", "x",
                                NOW + timedelta(days=30))
        with pytest.raises(ValidationFailed):
            risk.restrict_buyer(shop.organisation, order.buyer_id, SUPERVISOR, "no_instant_refund", "",
                                NOW + timedelta(days=30))
        row = risk.restrict_buyer(shop.organisation, order.buyer_id, SUPERVISOR, "no_instant_refund",
                                  "three empty boxes", NOW + timedelta(days=3))
    held = request(shop, order, at=NOW, reason="no_reason.unwanted")
    assert held.state == "awaiting_seller_review"
    assert "three empty boxes" in TimelineEvent.objects.get(case=held, kind="policy.held").message_en
    later = request(shop, order_for(shop, "rs", at=NOW + timedelta(days=5)), at=NOW + timedelta(days=5))
    assert later.state != "awaiting_seller_review"         # expired: approved as policy allows
    with time_machine.travel(NOW + timedelta(days=6), tick=False):
        lifted = risk.lift_restriction(shop.organisation, row.pk, SUPERVISOR, case_id=held.pk)
        assert lifted.lifted_at is not None
        with pytest.raises(NotAllowed):
            risk.lift_restriction(shop.organisation, row.pk, SUPERVISOR)


def test_another_organisation_cannot_touch_a_restriction(shop):
    order = order_for(shop, "iso", at=NOW)
    with time_machine.travel(NOW, tick=False):
        row = risk.restrict_buyer(shop.organisation, order.buyer_id, SUPERVISOR, "hold_orders", "why",
                                  NOW + timedelta(days=3))
        other = make_org()
        with pytest.raises(Exception) as exc:
            risk.lift_restriction(other, row.pk, SUPERVISOR)
        assert "not found" in str(exc.value)
        with pytest.raises(Exception):
            risk.restrict_buyer(other, order.buyer_id, SUPERVISOR, "hold_orders", "why", NOW + timedelta(days=3))


def test_tracking_facts_mark_delivery_and_the_return_scan(shop):
    order = order_for(shop, "tr", at=NOW, delivered=False)
    case = request(shop, order, at=NOW, case_type="refund_only", reason="logistics.not_delivered")
    assert "claim_vs_tracking" not in {r["code"] for r in CaseRisk.objects.get(case=case).reasons}
    type(order).objects.filter(pk=order.pk).update(delivered_at=NOW - timedelta(hours=5))   # the carrier says so
    risk.refresh_facts(case.pk, "tracking", {"status": "delivered", "parcel": "outbound"}, NOW)
    assert "claim_vs_tracking" in {r["code"] for r in CaseRisk.objects.get(case=case).reasons}

    ret = request(shop, order_for(shop, "tr2", at=NOW), at=NOW)
    services.perform(shop.organisation, ret.pk, "approve", SUPERVISOR)
    services.perform(shop.organisation, ret.pk, "ship_return", services.Who.buyer(),
                     services.ActionInput(carrier="SF", tracking_number="SF77"))
    risk.refresh_facts(ret.pk, "tracking", {"status": "accepted", "parcel": "return"}, NOW)
    assert CaseRisk.objects.get(case=ret).counted["facts"]["return_scanned"] is True


def test_the_logistics_apps_scan_of_the_return_reaches_the_risk_facts(shop, django_capture_on_commit_callbacks):
    """The real path: a carrier scan recorded by logistics sends the "tracking" fact (after commit)
    with the parcel's direction, and the risk receiver marks the return scanned."""
    from aftersales.logistics.services import record_tracking_event

    ret = request(shop, order_for(shop, "trl", at=NOW), at=NOW)
    services.perform(shop.organisation, ret.pk, "approve", SUPERVISOR)
    services.perform(shop.organisation, ret.pk, "ship_return", services.Who.buyer(),
                     services.ActionInput(carrier="SF", tracking_number="SF1234567890123"))
    assert not CaseRisk.objects.get(case=ret).counted.get("facts", {}).get("return_scanned")
    with time_machine.travel(NOW + timedelta(hours=3), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        record_tracking_event(shop.organisation, carrier="SF", tracking_number="SF1234567890123",
                              status="accepted", occurred_at=NOW + timedelta(hours=2), event_id="sf-1")
    assert CaseRisk.objects.get(case=ret).counted["facts"]["return_scanned"] is True
