"""Delivering the outbox to buyers: e-mail through Django's backends, SMS and platform messages
through the configured sender classes; quiet hours per shop; no duplicates after retries, crashes
or a repeated fact; the connectors' @sender("platform") contract."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core import mail

from aftersales.cases.intake import CaseIn, submit_case
from aftersales.cases.permissions import Who
from aftersales.notify import delivery
from aftersales.notify.models import OutboxMessage, OutboxStatus, QuietHours
from aftersales.notify.outbox import enqueue
from aftersales.notify.quiet import parse_span, quiet_end
from aftersales.notify.senders import FileSender, RecordingSender

pytestmark = pytest.mark.django_db
NIGHT = datetime.fromisoformat("2026-11-23T23:30:00+08:00")
MORNING = datetime.fromisoformat("2026-11-24T08:00:00+08:00")


@pytest.fixture
def case(store, time_machine):
    time_machine.move_to(NIGHT - timedelta(hours=1), tick=False)
    order = store.order(email="", buyer="sms-only")
    made, _ = submit_case(store.org, CaseIn(shop_id=store.shop.pk, order_external_id=order.external_id,
                                            case_type="return_refund", reason_code="no_reason.unwanted",
                                            channel="portal"), Who.buyer())
    return made


def test_an_sms_at_night_waits_for_the_morning_and_then_goes_once(case, recorded):
    row = OutboxMessage.objects.get(case=case, topic="buyer.case_received")
    assert row.channel == "sms"
    counts = delivery.deliver_due(NIGHT)
    assert counts["deferred"] == 1 and recorded.sent == []
    row.refresh_from_db()
    assert row.next_attempt_at == MORNING and row.attempts == 0 and row.status == OutboxStatus.PENDING
    assert delivery.deliver_due(MORNING - timedelta(minutes=1))["sent"] == 0
    assert delivery.deliver_due(MORNING)["sent"] >= 1
    assert [s.topic for s in recorded.sent] == ["buyer.case_received"]


def test_a_shop_without_quiet_hours_sends_at_night_and_e_mail_never_waits(case, store, recorded):
    QuietHours.objects.create(shop=store.shop, starts=None, ends=None, channels=["sms"])
    assert delivery.deliver_due(NIGHT)["sent"] >= 1 and len(recorded.sent) == 1
    # e-mail is not among the default quiet channels
    QuietHours.objects.filter(shop=store.shop).delete()
    enqueue(case, "buyer.message", "email", {"case": case.pk, "body": "hello"}, NIGHT, "mei@example.com")
    assert delivery.deliver_due(NIGHT)["sent"] == 1 and len(mail.outbox) == 1


@pytest.mark.parametrize("at,span,expected", [
    pytest.param("23:30", "22:00-08:00", "2026-11-24T08:00", id="late-evening-waits-for-tomorrow"),
    pytest.param("03:00", "22:00-08:00", "2026-11-23T08:00", id="small-hours-wait-for-this-morning"),
    pytest.param("12:00", "22:00-08:00", None, id="midday-is-not-quiet"),
    pytest.param("13:30", "13:00-14:00", "2026-11-23T14:00", id="a-lunch-break"),
])
def test_quiet_time_spans_midnight(at, span, expected):
    from zoneinfo import ZoneInfo

    local = datetime.fromisoformat(f"2026-11-23T{at}").replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    end = quiet_end(local, *parse_span(span))
    assert (end.replace(tzinfo=None).isoformat(timespec="minutes") if end else None) == expected


def test_bad_quiet_hours_are_refused():
    for bad in ("22:00", "25:00-08:00", "08:00-08:00"):
        with pytest.raises(ValueError):
            parse_span(bad)
    assert parse_span("off") is None


def test_a_failed_send_is_retried_and_reaches_the_buyer_once(case, recorded):
    recorded.fail_next = 1
    assert delivery.deliver_due(MORNING)["retry"] == 1
    row = OutboxMessage.objects.get(case=case, topic="buyer.case_received")
    assert row.attempts == 1 and "gateway unavailable" in row.last_error
    assert delivery.deliver_due(row.next_attempt_at)["sent"] == 1
    assert len([s for s in recorded.sent if s.topic == "buyer.case_received"]) == 1


def test_an_unclear_failure_after_the_gateway_took_the_message_is_not_delivered_twice(case, recorded, monkeypatch):
    """The gateway accepted the SMS, then the answer was lost (a timeout): the retry carries the same
    key, and the gateway (here its double) drops it."""
    real = RecordingSender.send

    def took_it_then_timed_out(self, to, text, *, key, message):
        real(self, to, text, key=key, message=message)
        raise TimeoutError("no answer from the gateway")

    monkeypatch.setattr(RecordingSender, "send", took_it_then_timed_out)
    assert delivery.deliver_due(MORNING)["retry"] == 1
    monkeypatch.setattr(RecordingSender, "send", real)
    row = OutboxMessage.objects.get(case=case, topic="buyer.case_received")
    assert delivery.deliver_due(row.next_attempt_at)["sent"] == 1
    assert len(recorded.sent) == 1


def test_a_crash_in_the_middle_of_a_batch_resends_nothing_already_sent(case, recorded, monkeypatch):
    for n in range(3):
        enqueue(case, "buyer.message", "sms", {"case": case.pk, "body": f"m{n}"}, MORNING, "13900001111")
    real = RecordingSender.send
    calls = []

    def dies_on_the_third(self, to, text, *, key, message):
        calls.append(key)
        if len(calls) == 3:
            raise KeyboardInterrupt   # the worker is killed mid-batch
        return real(self, to, text, key=key, message=message)

    monkeypatch.setattr(RecordingSender, "send", dies_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        delivery.deliver_due(MORNING)
    monkeypatch.setattr(RecordingSender, "send", real)
    assert OutboxMessage.objects.filter(case=case, topic="buyer.message", status=OutboxStatus.SENT).count() == 1
    # the row in hand was claimed: after the lease it is tried again, the others are never resent
    assert delivery.deliver_due(MORNING)["sent"] == 0
    assert delivery.deliver_due(MORNING + delivery.LEASE)["sent"] == 2
    keys = [s.key for s in recorded.sent]
    assert len(keys) == len(set(keys)) == 4


def test_two_workers_never_claim_the_same_row(case):
    first = delivery._claim(MORNING, 100)
    assert first and delivery._claim(MORNING, 100) == []


def test_the_same_fact_announced_twice_is_one_row(case):
    a = enqueue(case, "buyer.parcel_received", "sms", {"case": case.pk}, MORNING, "1", dedupe_key="k-1")
    b = enqueue(case, "buyer.parcel_received", "sms", {"case": case.pk}, MORNING, "1", dedupe_key="k-1")
    assert a.pk == b.pk and OutboxMessage.objects.filter(dedupe_key="k-1").count() == 1


def test_platform_messages_without_a_connector_are_skipped_and_a_connector_replaces_the_sender(
        store, case, settings, monkeypatch):
    settings.PLATFORM_MESSAGE_SENDER = "aftersales.notify.senders.NoPlatformSender"
    row = enqueue(case, "buyer.message", "platform", {"case": case.pk, "body": "hi"}, MORNING, "dy-buyer")
    QuietHours.objects.create(shop=store.shop, starts=None, ends=None)
    delivery.deliver_due(MORNING)
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert row.last_error == "skipped: no platform connector configured for this shop"
    # issue 8 registers its own sender for the channel
    seen = []
    monkeypatch.setitem(delivery.SENDERS, "platform", lambda msg: seen.append(msg.topic) or "sent by the connector")
    enqueue(case, "platform.approve", "platform", {"case": case.pk}, MORNING)
    delivery.deliver_due(MORNING)
    assert seen == ["platform.approve"]
    with pytest.raises(delivery.Skip):
        raise delivery.Skip("still importable from notify.delivery")


def test_the_file_sender_writes_one_file_per_key(settings, tmp_path, case):
    settings.HOME = tmp_path
    sender = FileSender("sms")
    row = OutboxMessage.objects.filter(case=case).first()
    assert "written" in sender.send("139", "hello", key="k1", message=row)
    assert "already" in sender.send("139", "hello", key="k1", message=row)
    assert (tmp_path / "sms" / "k1.txt").read_text(encoding="utf-8").endswith("hello\n")


def test_quiet_hours_are_kept_per_shop_in_its_own_time_zone(store, case, recorded):
    QuietHours.objects.create(shop=store.shop, starts=time(12, 0), ends=time(13, 0), channels=["sms"])
    assert delivery.deliver_due(NIGHT)["sent"] >= 1          # the shop's own hours replace the defaults
    # 12:10 in Shanghai is 04:10 UTC: the shop's zone decides
    noon = datetime.fromisoformat("2026-11-24T04:10:00+00:00")
    row = enqueue(case, "buyer.message", "sms", {"case": case.pk, "body": "lunch"}, noon, "13900001111")
    assert delivery.deliver_due(noon)["deferred"] == 1
    row.refresh_from_db()
    assert row.next_attempt_at == datetime.fromisoformat("2026-11-24T13:00:00+08:00")
