"""The case page and its actions through the Django test client: what each role sees and may do,
what a refused or stale post answers (never a 500), the htmx answers, the reply composer, the
evidence files; both languages."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aftersales.accounts.models import ApiToken, Role
from aftersales.cases import services
from aftersales.cases.evidence import add_evidence
from aftersales.cases.models import Case, Evidence, Message, Offer, TimelineEvent
from aftersales.cases.permissions import Who
from aftersales.notify.models import OutboxMessage
from tests.web.conftest import login

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
EN = {"Accept-Language": "en"}
# the smallest PNG there is: one transparent pixel
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def act(client, case, action, htmx=True, lang=None, **data):
    headers = {**(HTMX if htmx else {}), **({"Accept-Language": lang} if lang else {})}
    return client.post(f"/cases/{case.pk}/act/", {"action": action, "expected_version": case.version, **data},
                       headers=headers)


def buttons(response) -> set[str]:
    """The actions the page offers (each action's form or details carries data-action)."""
    return set(re.findall(r'data-action="([a-z_]+)"', response.content.decode()))


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


# ---------------------------------------------------------------------------------------------
# The page

def test_the_page_shows_the_case_order_buyer_deadlines_and_timeline(client, a):
    case = a.case(reason_code="quality.damaged", reason_text="屏幕有裂痕")
    earlier = a.case(buyer=case.buyer.external_id)
    login(client, a.person(Role.AGENT))
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for expected in (case.number, "待商家处理", case.order.external_id, "屏幕有裂痕", "质量问题",
                     "退款风险", earlier.number, "商家审核", "¥199.00"):
        assert expected in page, expected
    assert f'href="/cases/{earlier.pk}/"' in page                       # the buyer's other case, linked
    assert 'data-due="' in page and 'data-warn="' in page                # live countdowns
    assert "id=\"countdown-words\"" in page
    assert {"approve", "reject", "offer", "request_evidence", "note"} <= buttons(response)


def test_the_page_in_english(client, a):
    case = a.case()
    login(client, a.person(Role.AGENT))
    page = client.get(f"/cases/{case.pk}/", headers=EN).content.decode()
    for expected in ("Awaiting seller review", "Actions", "Timeline", "Reply to the buyer", "Refund risk",
                     "Approve the return", "CN¥199.00", "Order and lines"):
        assert expected in page, expected


def test_another_organisations_case_and_its_files_are_404(client, a, b):
    theirs = a.case()
    evidence, _ = add_evidence(a.org, theirs.pk, Who.buyer(), SimpleUploadedFile("crack.png", PNG))
    login(client, b.person(Role.OWNER))
    assert client.get(f"/cases/{theirs.pk}/").status_code == 404
    assert client.get(f"/cases/{theirs.pk}/evidence/{evidence.pk}/").status_code == 404
    assert act(client, theirs, "approve", htmx=False).status_code == 404
    assert client.post(f"/cases/{theirs.pk}/reply/", {"body": "hi"}).status_code == 404
    assert fresh(theirs).state == "awaiting_seller_review"
    assert not Message.objects.exists()


def test_evidence_is_shown_and_served_to_the_organisation(client, a):
    case = a.case()
    evidence, _ = add_evidence(a.org, case.pk, Who.buyer(), SimpleUploadedFile("crack.png", PNG), "the crack")
    login(client, a.person(Role.AGENT))
    page = client.get(f"/cases/{case.pk}/").content.decode()
    url = f"/cases/{case.pk}/evidence/{evidence.pk}/"
    assert f'<img src="{url}"' in page and "data-lightbox" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == PNG
    assert client.get(f"/cases/{case.pk}/evidence/{evidence.pk + 1}/").status_code == 404


# ---------------------------------------------------------------------------------------------
# Who may act, and what a refusal answers

def test_the_warehouse_sees_no_approve_button_and_a_forged_post_is_refused(client, a):
    case = a.case()
    login(client, a.person(Role.WAREHOUSE))
    page = client.get(f"/cases/{case.pk}/")
    assert "approve" not in buttons(page) and "reject" not in buttons(page)
    for htmx in (False, True):
        response = act(client, case, "approve", htmx=htmx)
        assert response.status_code == 403
        assert "无权" in response.content.decode()
    response = act(client, case, "approve", htmx=True, lang="en")
    assert response["HX-Retarget"] == "#flash"
    assert "may not approve" in response.content.decode()
    assert fresh(case).state == "awaiting_seller_review"
    assert not TimelineEvent.objects.filter(case=case, kind="transition").exists()


def test_an_agent_above_the_approval_limit_is_refused_with_the_reason(client, a):
    case = a.case(price="500.00")
    login(client, a.person(Role.AGENT, refund_approval_limit=Decimal("100")))
    page = client.get(f"/cases/{case.pk}/", headers=EN).content.decode()
    assert "Your approval limit: CN¥100.00" in page
    response = act(client, case, "approve", lang="en")
    assert response.status_code == 403
    assert "above your approval limit" in response.content.decode()
    response = act(client, case, "approve")
    assert "超过您的审批额度" in response.content.decode()
    assert fresh(case).state == "awaiting_seller_review"
    # within the limit it goes through
    assert act(client, case, "approve", amount="80.00").status_code == 200
    assert (fresh(case).state, fresh(case).approved_amount) == ("awaiting_buyer_return", Decimal("80.00"))


@pytest.mark.parametrize("action, data", [
    pytest.param("ship_to_buyer", {"carrier": "SF", "tracking_number": "SF1"}, id="ship-before-approval"),
    pytest.param("inspect", {"outcome": "ok"}, id="inspect-before-the-return"),
    pytest.param("accept_offer", {}, id="accept-without-offer"),
    pytest.param("confirm_refund", {}, id="confirm-unpaid-refund"),
])
def test_a_step_the_state_does_not_allow_is_a_clear_409(client, a, action, data):
    case = a.case()
    login(client, a.person(Role.OWNER))
    response = act(client, case, action, **data)
    assert response.status_code == 409, response.content
    assert response["HX-Retarget"] == "#flash"
    assert 'class="msg msg-error"' in response.content.decode()
    assert fresh(case).version == case.version


def test_a_form_mistake_is_a_422_in_the_viewers_language(client, a):
    case = a.case()
    login(client, a.person(Role.AGENT))
    response = act(client, case, "reject", lang="en")                       # no reason picked
    assert response.status_code == 422
    assert "Reason" in response.content.decode()
    response = act(client, case, "reject", lang="en", reason_code="other")  # "another reason" needs words
    assert response.status_code == 422 and "the buyer will read it" in response.content.decode()
    assert act(client, case, "teleport").status_code == 422
    assert fresh(case).state == "awaiting_seller_review"


def test_a_stale_page_gets_a_conflict_and_writes_nothing(client, a):
    case = a.case()
    login(client, a.person(Role.AGENT))
    services.assign_case(a.org, case.pk, Who(actor="seller", role="supervisor"), None)   # someone else acts first
    for htmx in (True, False):
        response = act(client, case, "approve", htmx=htmx, lang="en")
        assert response.status_code == 409
        assert "Someone else changed this case" in response.content.decode()
    assert fresh(case).state == "awaiting_seller_review"
    response = act(client, case, "approve", lang="en")
    assert f'href="/cases/{case.pk}/"' in response.content.decode()          # a way to reload


def test_finance_pays_what_an_agent_approved_and_the_agent_may_not(client, a):
    case = a.case(case_type="refund_only")
    agent, finance = a.person(Role.AGENT), a.person(Role.FINANCE)
    login(client, agent)
    act(client, case, "approve")
    case = fresh(case)
    page = client.get(f"/cases/{case.pk}/")
    assert "pay_refund" not in buttons(page)
    assert act(client, case, "pay_refund").status_code == 403
    login(client, finance)
    page = client.get(f"/cases/{case.pk}/")
    assert {"pay_refund"} <= buttons(page) and "approve" not in buttons(page)
    assert act(client, case, "pay_refund", external_id="PAY-9").status_code == 200
    case = fresh(case)
    assert case.refund_state == "processing"
    assert "confirm_refund" in buttons(client.get(f"/cases/{case.pk}/"))
    assert act(client, case, "confirm_refund").status_code == 200
    assert fresh(case).state == "completed"


# ---------------------------------------------------------------------------------------------
# The actions

def test_approving_with_htmx_answers_the_page_parts_out_of_band(client, a):
    case = a.case()
    login(client, a.person(Role.AGENT))
    response = act(client, case, "approve", lang="en")
    assert response.status_code == 200
    body = response.content.decode()
    for part in ("case-head", "case-actions", "case-timeline", "case-deadlines", "case-orders", "flash"):
        assert re.search(rf'id="{part}"[^>]*hx-swap-oob="true"', body), part
    assert 'id="case-composer"' not in body                                 # a draft reply survives
    assert "Awaiting buyer&#x27;s return" in body or "Awaiting buyer's return" in body
    assert fresh(case).state == "awaiting_buyer_return"
    # a plain post goes back to the page with the message
    other = a.case()
    response = act(client, other, "approve", htmx=False)
    assert response.status_code == 302 and response["Location"] == f"/cases/{other.pk}/"


def test_rejecting_with_a_common_reason_and_a_note_tells_the_buyer(client, a):
    case = a.case()
    login(client, a.person(Role.AGENT))
    response = act(client, case, "reject", reason_code="used", note="吊牌已剪")
    assert response.status_code == 200
    case = fresh(case)
    assert case.state == "seller_rejected"
    event = TimelineEvent.objects.get(case=case, kind="transition", action="reject")
    assert event.visible_to_buyer
    assert "商品已使用，影响二次销售。吊牌已剪" in event.message_zh
    assert "The item has been used and cannot be resold. 吊牌已剪" in event.message_en
    assert event.data["reason_code"] == "used"


def test_offering_two_options_and_the_buyer_choosing_one_through_the_api(client, a):
    case = a.case(reason_code="quality.defect")
    login(client, a.person(Role.AGENT))
    response = act(client, case, "offer", kinds=["partial_refund", "exchange"], partial_amount="40.00",
                   note="您也可以保留商品")
    assert response.status_code == 200, response.content
    offers = list(Offer.objects.filter(case=case).order_by("id"))
    assert [(o.kind, o.amount, o.status) for o in offers] == [
        ("partial_refund", Decimal("40.00"), "proposed"), ("exchange", None, "proposed")]
    assert fresh(case).state == "awaiting_buyer_response"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert page.count("data-offer=") == 2
    # the buyer picks the exchange, through the API (the platform connector or the portal would)
    _, raw = ApiToken.issue(a.org, "portal", role=Role.AGENT)
    api = Client()
    chosen = api.post(f"/api/v1/cases/{case.pk}/actions", {"action": "accept_offer", "offer_id": offers[1].pk},
                      content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
    assert chosen.status_code == 200, chosen.content
    case = fresh(case)
    assert (case.state, case.route) == ("awaiting_buyer_return", "return_ship")
    assert [o.status for o in Offer.objects.filter(case=case).order_by("id")] == ["declined", "accepted"]


def test_an_offer_needs_an_option_and_a_partial_refund_its_amount(client, a):
    case = a.case()
    login(client, a.person(Role.AGENT))
    assert act(client, case, "offer").status_code == 422
    response = act(client, case, "offer", kinds=["partial_refund"], lang="en")
    assert response.status_code == 422 and "amount of the partial refund" in response.content.decode()
    assert not Offer.objects.exists()


def test_asking_for_evidence_tells_the_buyer_and_keeps_the_state(client, a):
    case = a.case(channel="email")
    login(client, a.person(Role.AGENT))
    response = act(client, case, "request_evidence", kinds=["defect_photo", "video"], note="请拍清楚一点")
    assert response.status_code == 200, response.content
    event = TimelineEvent.objects.get(case=case, kind="evidence.requested")
    assert event.visible_to_buyer and "问题部位的照片" in event.message_zh and "a video" in event.message_en
    row = OutboxMessage.objects.get(case=case, topic="buyer.evidence_requested")
    assert (row.channel, row.payload["kinds"]) == ("email", ["defect_photo", "video"])
    assert fresh(case).state == "awaiting_seller_review"
    assert act(client, case, "request_evidence").status_code == 422


def test_escalating_a_marketplace_case_and_not_an_own_store_one(client, a):
    case = a.case(shop=a.douyin)
    login(client, a.person(Role.AGENT))
    assert "escalate" in buttons(client.get(f"/cases/{case.pk}/"))
    assert act(client, case, "escalate").status_code == 422                  # say why
    assert act(client, case, "escalate", note="买家提供的照片与商品不符").status_code == 200
    case = fresh(case)
    assert (case.arbitration_state, case.state) == ("requested", "awaiting_seller_review")
    assert OutboxMessage.objects.filter(case=case, topic="platform.escalate", channel="platform").exists()
    assert "escalate" not in buttons(client.get(f"/cases/{case.pk}/"))        # once is enough
    assert act(client, case, "escalate", note="again").status_code == 409
    own = a.case()
    assert "escalate" not in buttons(client.get(f"/cases/{own.pk}/"))
    assert act(client, own, "escalate", note="no platform here").status_code == 409


def test_an_internal_note_stays_inside_the_team(client, a):
    case = a.case()
    outbox = OutboxMessage.objects.count()
    login(client, a.person(Role.WAREHOUSE))
    assert act(client, case, "note", body="包裹外箱有水渍").status_code == 200
    event = TimelineEvent.objects.get(case=case, kind="note")
    assert not event.visible_to_buyer and event.message_zh == "包裹外箱有水渍"
    assert "包裹外箱有水渍" in client.get(f"/cases/{case.pk}/").content.decode()
    assert OutboxMessage.objects.count() == outbox                           # nobody is told


def test_the_warehouse_records_an_inspection_with_photos(client, a):
    case = a.case()
    services.perform(a.org, case.pk, "approve", Who(actor="seller", role="supervisor"))
    services.perform(a.org, case.pk, "ship_return", Who.buyer(), services.ActionInput(carrier="SF", tracking_number="SF42"))
    case = fresh(case)
    login(client, a.person(Role.WAREHOUSE))
    page = client.get(f"/cases/{case.pk}/")
    assert "inspect" in buttons(page) and "SF42" in page.content.decode()
    response = client.post(f"/cases/{case.pk}/act/", {
        "action": "inspect", "expected_version": case.version, "outcome": "used", "note": "有明显使用痕迹",
        "photos": [SimpleUploadedFile("box.png", PNG)]}, headers=HTMX)
    assert response.status_code == 200, response.content
    case = fresh(case)
    assert case.state == "receipt_rejected"
    photo = Evidence.objects.get(case=case)
    assert (photo.kind, photo.note, photo.uploaded_by) == ("photo", "有明显使用痕迹", "seller")
    assert f"/cases/{case.pk}/evidence/{photo.pk}/" in response.content.decode()


def test_a_bad_photo_stops_the_inspection_before_anything_is_written(client, a):
    case = a.case()
    services.perform(a.org, case.pk, "approve", Who(actor="seller", role="supervisor"))
    services.perform(a.org, case.pk, "ship_return", Who.buyer(), services.ActionInput(carrier="SF", tracking_number="SF4"))
    case = fresh(case)
    login(client, a.person(Role.WAREHOUSE))
    response = client.post(f"/cases/{case.pk}/act/", {
        "action": "inspect", "expected_version": case.version, "outcome": "ok",
        "photos": [SimpleUploadedFile("notes.png", b"not a picture")]}, headers=HTMX)
    assert response.status_code == 422
    assert fresh(case).state == "awaiting_receipt_review" and not Evidence.objects.exists()


def test_shipping_a_replacement_records_its_tracking_number(client, a):
    case = a.case(case_type="reship", reason_code="fulfilment.missing_item")
    login(client, a.person(Role.AGENT))
    act(client, case, "approve")
    case = fresh(case)
    assert case.state == "awaiting_seller_shipment"
    assert act(client, case, "ship_to_buyer", carrier="顺丰速运", tracking_number="").status_code == 422
    assert act(client, case, "ship_to_buyer", carrier="顺丰速运", tracking_number="SF777").status_code == 200
    event = TimelineEvent.objects.get(case=case, action="ship_to_buyer")
    assert (event.data["carrier"], event.data["tracking_number"]) == ("顺丰速运", "SF777")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "SF777" in page


# ---------------------------------------------------------------------------------------------
# Replying

def test_a_template_is_filled_from_the_case(client, a):
    case = a.case(reason_code="quality.damaged")
    login(client, a.person(Role.AGENT))
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="default-quality-zh-0" selected' in page                 # the case's problem type first
    response = client.get(f"/cases/{case.pk}/reply/template/", {"template": "default-quality-en-0"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith("<textarea")
    assert f"order {case.order.external_id}" in body and case.buyer.name in body and "{" not in body


def test_sending_a_reply_goes_to_the_buyer_and_meets_the_first_reply_promise(client, a):
    case = a.case(channel="email")
    assert case.deadlines.filter(kind="first_reply", status="open").exists()
    login(client, a.person(Role.AGENT))
    response = client.post(f"/cases/{case.pk}/reply/", {"body": "您好，我们已收到，马上处理。", "template": ""}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="case-composer"' in body and "马上处理" in body              # the timeline shows it; the composer is empty
    message = Message.objects.get(case=case)
    assert (message.author, message.channel) == ("seller", "email")
    row = OutboxMessage.objects.get(case=case, topic="buyer.message")
    assert (row.channel, row.recipient, row.payload["body"]) == ("email", case.buyer.email, "您好，我们已收到，马上处理。")
    case = fresh(case)
    assert case.first_replied_at is not None
    assert case.deadlines.get(kind="first_reply").status == "met"
    assert client.post(f"/cases/{case.pk}/reply/", {"body": "   "}, headers=HTMX).status_code == 422


def test_finance_and_the_warehouse_do_not_write_to_buyers(client, a):
    case = a.case()
    for role in (Role.FINANCE, Role.WAREHOUSE):
        login(client, a.person(role))
        assert 'id="reply-body"' not in client.get(f"/cases/{case.pk}/").content.decode()
        assert client.post(f"/cases/{case.pk}/reply/", {"body": "hello"}, headers=HTMX).status_code == 403
    assert not Message.objects.exists()


def test_actions_take_posts_with_the_csrf_token_only(a):
    case = a.case()
    client = Client(enforce_csrf_checks=True)
    login(client, a.person(Role.AGENT))
    assert client.get(f"/cases/{case.pk}/act/").status_code == 405
    assert client.post(f"/cases/{case.pk}/act/", {"action": "approve"}).status_code == 403
    assert client.post(f"/cases/{case.pk}/reply/", {"body": "hi"}).status_code == 403
    assert fresh(case).state == "awaiting_seller_review" and not Message.objects.exists()
