"""The buyer's whole flow through the services, and the notification of every step: what each
message says, in which language, with the status link; the follow-up three days later from the
sweep (once), the "not satisfied" task for the team; the refund's arrival window by payment
method; an apology when a promise is missed."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from io import StringIO

from aftersales import clock
from aftersales.cases import services as core
from aftersales.cases.models import Case, FollowUp, Offer, Refund, TimelineEvent
from aftersales.cases.offers import OfferOption
from aftersales.cases.permissions import Who
from aftersales.cases.requests import request_evidence
from aftersales.cases.signals import facts_changed
from aftersales.cases.sweep import sweep
from aftersales.catalog.models import Sku
from aftersales.errors import ValidationFailed
from aftersales.notify.delivery import deliver_due
from aftersales.notify.models import OutboxMessage
from aftersales.portal import links, services
from tests.portal.conftest import photo

pytestmark = pytest.mark.django_db
START = datetime.fromisoformat("2026-11-23T10:00:00+08:00")      # a Monday


def member(store, role):
    return Who.member(store.people[role])


def deliver(at=None):
    return deliver_due(at or clock.now())


def mails_for(case):
    return [m for m in mail.outbox if case.number in m.subject]


def topics(case):
    return list(OutboxMessage.objects.filter(case=case, topic__startswith="buyer.").order_by("id")
                .values_list("topic", flat=True))


def test_return_for_exchange_every_step_tells_the_buyer(store, time_machine):
    time_machine.move_to(START, tick=False)
    order = store.order(days_delivered=2)
    case = services.submit_request(services.RequestIn(
        order=order, picks=[(order.lines.first(), 1)], case_type="return_refund", reason_code="quality.defect",
        files=[photo()], nonce="flow-1", language="zh-hans"))
    link = links.link_for(case)
    url = f"https://shop.example.com/portal/status/{link.token}/"
    deliver()
    first = mails_for(case)[0]
    assert first.to == ["mei.buyer@example.com"]
    assert first.subject == f"【{store.shop.name}】售后 {case.number}：我们收到了您的申请"
    assert f"我们收到了您的售后申请 {case.number}。" in first.body
    assert "店铺政策支持这个申请。" in first.body and "We received your after-sales request" in first.body
    assert first.body.count(url) == 2                          # in the Chinese and the English half
    assert first.extra_headers["Message-ID"].startswith("<aftersales-outbox-")

    # the agent offers an exchange or a partial refund; the buyer picks size L
    time_machine.move_to(START + timedelta(hours=2), tick=False)
    core.perform(store.org, case.pk, "offer", member(store, "agent"), core.ActionInput(offer_options=[
        OfferOption("exchange", note="free of charge"), OfferOption("partial_refund", Decimal("20.00"))]))
    deliver()
    offer_mail = mails_for(case)[-1]
    assert "商家给出了处理方案：换货（free of charge）；部分退款 20.00 CNY" in offer_mail.body
    assert f"请在这里选择：{url}" in offer_mail.body
    exchange = Offer.objects.get(case=case, kind="exchange")
    with pytest.raises(ValidationFailed, match="size or colour"):
        services.choose_offer(link, exchange.pk)
    with pytest.raises(ValidationFailed):
        services.choose_offer(link, exchange.pk, sku_id=store.sizes["S"].pk)      # out of stock
    case = services.choose_offer(link, exchange.pk, sku_id=store.sizes["L"].pk)
    assert case.state == "awaiting_buyer_return" and case.route == "return_ship"
    assert Sku.objects.get(pk=store.sizes["L"].pk).stock == 3                   # one reserved for the buyer
    assert Offer.objects.get(pk=exchange.pk).exchange_sku_id == store.sizes["L"].pk
    deliver()
    chose = mails_for(case)[-1]
    assert "您选择了：换货 → T恤 白色 L（free of charge）" in chose.body
    assert "寄回地址：上海市闵行区虹梅南路 2588 号 退货仓（退货组，021-5555-0100）" in chose.body
    assert "Postage: paid by the seller" in chose.body                        # a quality problem

    # the tracking number, checked against the carrier's format
    with pytest.raises(ValidationFailed) as exc:
        services.ship_return(link, "SF", "12345")
    assert "tracking_number" in exc.value.fields
    case = services.ship_return(link, "SF", "sf 1234 5678 9012 3")
    assert case.return_shipments.get().tracking_number == "SF1234567890123"
    # the logistics app says the parcel arrived, twice: one message
    for _ in range(2):
        facts_changed.send(sender="tracking", organisation_id=store.org.pk, case_ids=[case.pk],
                           data={"status": "delivered", "parcel": "return", "first_scan": False})
    assert topics(case).count("buyer.parcel_received") == 1

    time_machine.move_to(START + timedelta(days=2), tick=False)
    core.inspect_return(store.org, case.pk, member(store, "warehouse"), "ok")
    core.perform(store.org, case.pk, "ship_to_buyer", member(store, "agent"),
                 core.ActionInput(carrier="SF", tracking_number="SF9876543210987"))
    deliver()
    sent = mails_for(case)[-1]
    assert "商家已发货：顺丰速运 SF9876543210987" in sent.body and "The shop sent your item: SF Express" in sent.body
    case = services.confirm_delivery(links.link_for(case))
    assert case.state == "completed"
    assert Sku.objects.get(pk=store.sizes["L"].pk).stock == 3                   # the unit left with the parcel
    assert Offer.objects.get(pk=exchange.pk).stock_held == 0
    fu = FollowUp.objects.get(case=case)
    assert fu.due_at == clock.now() + timedelta(days=3)

    # three days later the sweep asks the buyer, once
    later = clock.now() + timedelta(days=3, minutes=1)
    out = StringIO()
    call_command("sweep", now=later.isoformat(), deliver=True, stdout=out)
    text = out.getvalue()
    assert "buyers asked whether they are satisfied" in text and f"{case.number}: follow-up message" in text
    follow = mails_for(case)[-1]
    assert follow.subject.endswith("您对这次售后满意吗？")
    assert "您对售后" in follow.body and f"{url}follow-up/?answer=yes" in follow.body
    sweep(later + timedelta(hours=1))
    assert topics(case).count("buyer.follow_up") == 1

    # not satisfied: the follow-up is the team's task again, and the sweep shows it
    time_machine.move_to(later + timedelta(hours=2), tick=False)
    services.answer_follow_up(link, False, "The new one has a stain too")
    fu.refresh_from_db()
    assert (fu.satisfied, fu.buyer_comment, fu.done_at, fu.notified_at) == (False, "The new one has a stain too",
                                                                            None, None)
    out = StringIO()
    call_command("sweep", now=clock.now().isoformat(), stdout=out)
    assert f"{case.number}: the buyer is not satisfied; follow-up task for the team (The new one has a stain too)" \
        in out.getvalue()
    assert OutboxMessage.objects.filter(case=case, topic="team.follow_up_unhappy").count() == 1
    assert TimelineEvent.objects.get(case=case, kind="follow_up.unhappy").visible_to_buyer is False
    assert topics(case).count("buyer.follow_up") == 1         # not asked again
    with pytest.raises(Exception, match="answered already"):
        services.answer_follow_up(link, True)

    services.rate(link, 4, "Quick, but a stain again")
    assert case.rating.score == 4
    # every message to the buyer carried the status link
    assert all(url in m.body for m in mails_for(case))
    assert {m.to[0] for m in mails_for(case)} == {"mei.buyer@example.com"}


def test_a_refund_says_when_it_arrives_by_payment_method(store, time_machine):
    time_machine.move_to(START, tick=False)
    order = store.order(days_delivered=2, method="credit_card")
    case = services.submit_request(services.RequestIn(
        order=order, picks=[(order.lines.first(), 1)], case_type="return_refund", reason_code="no_reason.dislike",
        nonce="flow-2", language="en"))
    link = links.link_for(case)
    core.perform(store.org, case.pk, "approve", member(store, "agent"), core.ActionInput())
    services.ship_return(link, "ZTO", "75312345678901")
    core.inspect_return(store.org, case.pk, member(store, "warehouse"), "ok")
    time_machine.move_to(datetime.fromisoformat("2026-11-27T15:00:00+08:00"), tick=False)   # a Friday
    core.pay_refund(store.org, case.pk, member(store, "finance"))
    refund = Refund.objects.get(case=case)
    # credit cards: 3-15 business days, counted over weekends
    assert refund.expected_from.astimezone().date().isoformat() == "2026-12-02"
    assert refund.expected_to.date().isoformat() == "2026-12-18"
    deliver()
    paid = mails_for(case)[-1]
    assert paid.subject.startswith(f"[{store.shop.name}] {case.number}: The shop sent your refund of CN¥79.00")
    assert "expected between 2 Dec and 18 Dec (credit card, 3–15 business days)" in paid.body
    assert "预计 12月2日 至 12月18日 到账（信用卡，3–15 个工作日）" in paid.body
    core.confirm_refund(store.org, case.pk, Who.system())
    deliver()
    assert "Your refund has been paid." in mails_for(case)[-1].body


def test_evidence_requests_replies_and_sms_buyers(store, recorded, time_machine):
    time_machine.move_to(START, tick=False)
    order = store.order(email="", buyer="sms-buyer")
    case = services.submit_request(services.RequestIn(
        order=order, picks=[(order.lines.first(), 1)], case_type="return_refund", reason_code="no_reason.unwanted",
        nonce="flow-3"))
    link = links.link_for(case)
    request_evidence(store.org, case.pk, member(store, "agent"), ["label_photo"], note="Both sides please")
    core.add_message(store.org, case.pk, member(store, "agent"), "We are looking at it today.")
    deliver()
    texts = [s.text for s in recorded.sent]
    assert [s.to for s in recorded.sent] == ["13900001111"] * 3
    assert texts[0].startswith(f"【{store.shop.name}】我们收到了您的售后申请 {case.number}。")
    assert "商家请您补充：商品标签/吊牌的照片 Both sides please" in texts[1]
    assert all(t.endswith(f"https://shop.example.com/portal/status/{link.token}/") for t in texts)
    assert mail.outbox == []


def test_a_missed_promise_brings_an_apology_with_the_shops_compensation(store, time_machine):
    time_machine.move_to(START, tick=False)
    order = store.order()
    case = services.submit_request(services.RequestIn(
        order=order, picks=[(order.lines.first(), 1)], case_type="exchange", reason_code="no_reason.size_fit",
        nonce="flow-4", language="en"))
    later = START + timedelta(hours=25)               # nobody answered within the promised 24 hours
    report = sweep(later)
    assert (report.breached, report.apologies) == (1, 1)
    sweep(later + timedelta(hours=1))
    assert topics(case).count("buyer.delay") == 1
    deliver(later)
    apology = [m for m in mails_for(case) if "sorry" in m.body.lower()][0]
    assert "We are sorry: answering you is taking longer than we promised." in apology.body
    assert "很抱歉，回复您比我们承诺的时间晚了" in apology.body
    assert "To make up for it: a 10 CNY coupon: SORRY10" in apology.body


def test_a_pickup_is_booked_for_the_team(store, time_machine):
    time_machine.move_to(START, tick=False)
    order = store.order()
    case = services.submit_request(services.RequestIn(
        order=order, picks=[(order.lines.first(), 1)], case_type="return_refund", reason_code="no_reason.unwanted",
        nonce="flow-5"))
    link = links.link_for(case)
    day = START.date() + timedelta(days=1)
    with pytest.raises(Exception, match="waiting to be sent back"):
        services.book_pickup(link, day, "09-12", "上海市 1 号", "13900001111")
    core.perform(store.org, case.pk, "approve", member(store, "agent"), core.ActionInput())
    with pytest.raises(ValidationFailed):
        services.book_pickup(link, START.date() - timedelta(days=1), "09-12", "上海市 1 号", "13900001111")
    pickup = services.book_pickup(link, day, "09-12", "上海市 1 号", "13900001111")
    assert (pickup.carrier, pickup.status) == ("SF", "requested")
    assert OutboxMessage.objects.filter(case=case, topic="team.pickup_requested").exists()
    assert "buyer.pickup_booked" in topics(case)
    assert Case.objects.get(pk=case.pk).state == "awaiting_buyer_return"    # the tracking number moves it on


@pytest.mark.parametrize("ending", ["cancel", "convert_to_refund"])
def test_the_unit_held_for_an_exchange_goes_back_to_stock_when_no_exchange_ships(store, time_machine, ending):
    time_machine.move_to(START, tick=False)
    order = store.order(days_delivered=2)
    case = services.submit_request(services.RequestIn(
        order=order, picks=[(order.lines.first(), 1)], case_type="return_refund", reason_code="quality.defect",
        files=[photo()], nonce=f"stock-{ending}", language="zh-hans"))
    link = links.link_for(case)
    core.perform(store.org, case.pk, "offer", member(store, "agent"), core.ActionInput(offer_options=[
        OfferOption("exchange"), OfferOption("partial_refund", Decimal("20.00"))]))
    exchange = Offer.objects.get(case=case, kind="exchange")
    services.choose_offer(link, exchange.pk, sku_id=store.sizes["L"].pk)
    assert Sku.objects.get(pk=store.sizes["L"].pk).stock == 3
    if ending == "cancel":
        services.cancel(link)
    else:
        core.perform(store.org, case.pk, "convert_to_refund", member(store, "agent"))
    assert Sku.objects.get(pk=store.sizes["L"].pk).stock == 4                   # back on the shelf
    assert Offer.objects.get(pk=exchange.pk).stock_held == 0
    # the case going on (or a second close) gives nothing back twice
    from aftersales.cases import ledger
    assert ledger.return_exchange_stock(Case.objects.get(pk=case.pk)) == 0
    assert Sku.objects.get(pk=store.sizes["L"].pk).stock == 4
