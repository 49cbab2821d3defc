"""The portal's pages with Django's test client: finding the order (and the limit on guessing),
the request form and its policy preview, the status page in both languages, its forms, the
follow-up's one click, the files behind the link; and the panels the workbench shows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales import clock
from aftersales.cases import services as core
from aftersales.cases.evidence import add_evidence
from aftersales.cases.models import Case, FollowUp, Offer, TimelineEvent
from aftersales.cases.offers import OfferOption
from aftersales.cases.permissions import Who
from aftersales.portal import links, services
from tests.portal.conftest import PHONE, make_store, photo

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def look_up(client, number, contact=PHONE, **headers):
    return client.post("/portal/", {"order_number": number, "contact": contact}, **headers)


def a_case(store, **kw):
    order = store.order(**kw)
    return services.submit_request(services.RequestIn(
        order=order, picks=[(order.lines.first(), 1)], case_type="return_refund", reason_code="no_reason.unwanted",
        nonce=f"n-{order.pk}"))


def test_the_order_is_found_by_number_and_phone_and_stays_found_in_this_session_only(client, store):
    order = store.order(number="W-1")
    assert client.get(f"/portal/orders/{order.pk}/").status_code == 404          # not proved yet
    response = look_up(client, "W-1", "139 0000 1111")
    assert response.status_code == 302 and response["Location"] == f"/portal/orders/{order.pk}/"
    page = client.get(f"/portal/orders/{order.pk}/", **EN).content.decode()
    assert "Order W-1" in page and "T恤 白色 M" in page and 'name="files"' in page
    from django.test import Client
    assert Client().get(f"/portal/orders/{order.pk}/").status_code == 404       # another browser


def test_a_wrong_phone_says_so_and_guessing_is_limited(client, store, settings):
    settings.PORTAL_LOOKUP_MAX_FAILURES = 3
    store.order(number="W-2")
    for _ in range(3):
        response = look_up(client, "W-2", "13900009999", **EN)
        assert response.status_code == 200
        assert "We found no order with this number" in response.content.decode()
    blocked = look_up(client, "W-2", PHONE, **EN)                  # even the right phone, for a while
    assert blocked.status_code == 429 and "Too many attempts" in blocked.content.decode()
    # the limit is per order number too: another address cannot go on guessing this order
    other = look_up(client, "W-2", PHONE, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 429


def test_guessing_status_links_runs_into_the_same_limit(client, store, settings):
    settings.PORTAL_LOOKUP_MAX_FAILURES = 2
    case = a_case(store)
    good = links.link_for(case).token
    for n in range(2):
        assert client.get(f"/portal/status/{'x' * 31}{n}/").status_code == 404
    assert client.get(f"/portal/status/{good}/").status_code == 429


def test_the_policy_preview_answers_every_change(client, store, time_machine):
    time_machine.move_to("2026-11-20T10:00:00+08:00", tick=False)
    order = store.order(number="W-3", skus=[store.tee, store.cap], days_delivered=1)
    look_up(client, "W-3")
    tee, cap = order.lines.order_by("id")
    data = {f"qty_{tee.pk}": "0", f"qty_{cap.pk}": "1", "case_type": "return_refund",
            "reason_code": "no_reason.unwanted"}
    html = client.post(f"/portal/orders/{order.pk}/policy/", data, HTTP_HX_REQUEST="true", **EN).content.decode()
    assert 'id="choices"' in html and "verdict-not_eligible" in html
    assert "is custom-made and cannot be returned without a reason" in html
    assert "7-day no-reason return: until 26 Nov" in html
    html = client.post(f"/portal/orders/{order.pk}/policy/", {**data, "reason_code": "quality.defect"},
                       **EN).content.decode()
    assert "verdict-eligible" in html and "Please add a photo that shows the problem." in html
    # an exchange offers only the reasons that fit it
    html = client.post(f"/portal/orders/{order.pk}/policy/", {**data, "case_type": "exchange"}, **EN).content.decode()
    assert 'value="no_reason.size_fit"' in html and 'value="counterfeit"' not in html


def test_the_request_form_makes_the_case_and_opens_its_status_page(client, store):
    order = store.order(number="W-4")
    look_up(client, "W-4")
    line = order.lines.get()
    form = {f"qty_{line.pk}": "1", "case_type": "return_refund", "reason_code": "quality.damaged",
            "description": "Torn at the seam", "nonce": "abc"}
    refused = client.post(f"/portal/orders/{order.pk}/", form, **EN)
    assert refused.status_code == 422 and "add a photo that shows the problem" in refused.content.decode()
    assert not Case.objects.exists()
    response = client.post(f"/portal/orders/{order.pk}/", {**form, "files": [photo()]}, **EN)
    case = Case.objects.get()
    token = links.link_for(case).token
    assert response.status_code == 302 and response["Location"] == f"/portal/status/{token}/"
    page = client.get(response["Location"], **EN).content.decode()
    assert f"Request {case.number}" in page and "your request" in page.lower()
    assert "The shop is reviewing your request." in page and "The shop answers by" in page
    assert f"/portal/status/{token}/files/" in page                        # the photo, behind the link
    zh = client.get(response["Location"], **ZH).content.decode()
    assert "商家正在审核您的申请。" in zh and "我们收到了您的售后申请" in zh


def test_a_bad_file_is_refused_on_the_form_with_the_reason(client, store):
    order = store.order(number="W-5")
    look_up(client, "W-5")
    line = order.lines.get()
    response = client.post(f"/portal/orders/{order.pk}/", {
        f"qty_{line.pk}": "1", "case_type": "return_refund", "reason_code": "no_reason.unwanted", "nonce": "x",
        "files": [SimpleUploadedFile("notes.txt", b"just text")]}, **EN)
    assert response.status_code == 422
    assert "not a file type we accept" in response.content.decode()


def test_the_buyer_chooses_an_offered_exchange_and_enters_the_tracking_number(client, store):
    case = a_case(store)
    token = links.link_for(case).token
    core.perform(store.org, case.pk, "offer", Who.member(store.people["agent"]), core.ActionInput(
        offer_options=[OfferOption("exchange"), OfferOption("partial_refund", Decimal("10.00"))]))
    page = client.get(f"/portal/status/{token}/", **EN).content.decode()
    assert "Choose a solution" in page and "T恤 白色 L" in page and "out of stock" in page and "4 in stock" in page
    exchange = Offer.objects.get(case=case, kind="exchange")
    case.refresh_from_db()
    response = client.post(f"/portal/status/{token}/offer/", {"offer": exchange.pk, "sku": store.sizes["XL"].pk,
                                                              "version": case.version}, **EN)
    assert response.status_code == 302
    page = client.get(f"/portal/status/{token}/", **EN).content.decode()
    assert "Send the item back" in page and "上海市闵行区虹梅南路 2588 号 退货仓" in page
    case.refresh_from_db()
    wrong = client.post(f"/portal/status/{token}/return/", {"carrier": "UPS", "tracking_number": "SF123",
                                                            "version": case.version}, **EN)
    assert wrong.status_code == 422 and "does not look like a UPS tracking number" in wrong.content.decode()
    ok = client.post(f"/portal/status/{token}/return/", {"carrier": "SF", "tracking_number": "SF1234567890123",
                                                         "version": case.version}, **EN)
    assert ok.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "awaiting_receipt_review"


def test_a_stale_page_does_not_act_twice(client, store):
    case = a_case(store)
    token = links.link_for(case).token
    core.perform(store.org, case.pk, "approve", Who.member(store.people["agent"]), core.ActionInput())
    case.refresh_from_db()
    old = case.version
    assert client.post(f"/portal/status/{token}/return/", {"carrier": "SF", "tracking_number": "SF1234567890123",
                                                           "version": old}).status_code == 302
    again = client.post(f"/portal/status/{token}/return/", {"carrier": "SF", "tracking_number": "SF1234567890124",
                                                            "version": old}, **EN)
    assert again.status_code == 409
    assert Case.objects.get(pk=case.pk).return_shipments.count() == 1


def test_files_are_served_only_through_their_cases_link(client, store):
    case = a_case(store)
    token = links.link_for(case).token
    services.add_files(links.link_for(case), [photo("mine.jpg")])
    mine = case.evidence.get()
    seller_own, _ = add_evidence(store.org, case.pk, Who.member(store.people["agent"]),
                                 photo("dispute.jpg", colour=(1, 2, 3)))
    response = client.get(f"/portal/status/{token}/files/{mine.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    assert client.get(f"/portal/status/{token}/files/{seller_own.pk}/").status_code == 404   # the team's evidence
    other = a_case(make_store("Other"))
    other_token = links.link_for(other).token
    assert client.get(f"/portal/status/{other_token}/files/{mine.pk}/").status_code == 404   # another buyer's link
    assert "/media/" not in client.get(f"/portal/status/{token}/").content.decode()
    assert client.get(f"/media/{mine.file.name}").status_code == 404                       # no web root


def test_one_link_shows_one_case_and_nothing_of_another_merchant(client, store):
    mine = a_case(store)
    theirs = a_case(make_store("Rival"), buyer="rival-buyer")
    page = client.get(f"/portal/status/{links.link_for(mine).token}/").content.decode()
    assert mine.number in page and theirs.number not in page
    # acting on another case through this link is impossible: the token names the case
    response = client.post(f"/portal/status/{links.link_for(mine).token}/cancel/", {"case": theirs.pk})
    assert response.status_code == 302
    assert Case.objects.get(pk=theirs.pk).state == "awaiting_seller_review"
    assert Case.objects.get(pk=mine.pk).state == "closed"


def test_the_follow_up_link_changes_nothing_until_the_buyer_clicks(client, store, time_machine):
    case = a_case(store)
    core.perform(store.org, case.pk, "approve", Who.member(store.people["agent"]), core.ActionInput())
    link = links.link_for(case)
    services.ship_return(link, "SF", "SF1234567890123")
    core.inspect_return(store.org, case.pk, Who.member(store.people["warehouse"]), "ok")
    core.pay_refund(store.org, case.pk, Who.member(store.people["finance"]))
    core.confirm_refund(store.org, case.pk, Who.system())
    url = f"/portal/status/{link.token}/follow-up/"
    page = client.get(url + "?answer=yes", **EN).content.decode()
    assert "Are you happy with how we handled it?" in page and 'value="yes" class="primary chosen"' in page
    assert FollowUp.objects.get(case=case).answered_at is None        # a mail scanner opening it does nothing
    response = client.post(url, {"answer": "yes", "comment": "Thanks!"}, **EN)
    assert "Thank you for your answer" in response.content.decode()
    fu = FollowUp.objects.get(case=case)
    assert (fu.satisfied, fu.buyer_comment, fu.done_at is not None) == (True, "Thanks!", True)
    assert TimelineEvent.objects.filter(case=case, kind="follow_up.answer").exists()
    # and the rating on the status page
    assert client.post(f"/portal/status/{link.token}/rating/", {"score": "5", "comment": "Great"}).status_code == 302
    page = client.get(f"/portal/status/{link.token}/", **EN).content.decode()
    assert "You rated our service 5/5" in page


def test_the_owner_sees_each_shops_rating_on_the_figures_page(client, store, time_machine):
    from aftersales.cases.models import Rating
    from aftersales.portal.queries import shop_ratings

    for score in (5, 4, 2):
        case = a_case(store)
        Case.objects.filter(pk=case.pk).update(state="completed", is_open=False)
        Rating.objects.create(case=case, score=score, created_at=clock.now())
        FollowUp.objects.create(case=case, due_at=clock.now(), answered_at=clock.now(), satisfied=score > 3)
    old = a_case(store)
    Case.objects.filter(pk=old.pk).update(state="completed", is_open=False)
    Rating.objects.create(case=old, score=1, created_at=clock.now() - timedelta(days=40))
    row = shop_ratings(store.org, since=clock.now() - timedelta(days=30))[0]
    assert (row.count, row.average, row.stars, row.satisfied_share) == (3, Decimal("3.7"),
                                                                        {5: 1, 4: 1, 3: 0, 2: 1, 1: 0}, 67)
    assert shop_ratings(store.org)[0].average == Decimal("3.0")          # all time
    client.force_login(store.people["owner"].user)
    page = client.get("/supervisor/figures/?days=30", **EN).content.decode()
    assert "After-sales rating by shop" in page and "<strong>3.7</strong> / 5" in page and "67%" in page
    # and the case page shows the agent the status link and the buyer's answers
    page = client.get(f"/cases/{case.pk}/", **EN).content.decode()
    assert links.link_for(case).token in page and "satisfied" in page


def test_an_evidence_request_is_shown_until_the_buyer_sends_something(client, store):
    from aftersales.cases.requests import request_evidence

    case = a_case(store)
    link = links.link_for(case)
    request_evidence(store.org, case.pk, Who.member(store.people["agent"]), ["defect_photo"], note="Close up")
    page = client.get(f"/portal/status/{link.token}/", **EN).content.decode()
    assert 'id="evidence-asked"' in page and "The shop asks you to send a photo of the defect Close up" in page
    response = client.post(f"/portal/status/{link.token}/files/", {"files": [photo("close.jpg")]}, **EN)
    assert response.status_code == 302
    assert 'id="evidence-asked"' not in client.get(f"/portal/status/{link.token}/", **EN).content.decode()
