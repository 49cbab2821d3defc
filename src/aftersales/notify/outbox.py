"""Writing to the outbox: called inside the transaction of the change it announces."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from aftersales.notify.models import OutboxMessage


def outbox_row(case, topic: str, channel: str, payload: dict, now: datetime, recipient: str = "",
               dedupe_key: str = "") -> OutboxMessage:
    """An unsaved outbox row, due now (the sweep writes them a batch at a time)."""
    return OutboxMessage(
        organisation_id=case.organisation_id, case=case, topic=topic, channel=channel,
        recipient=recipient, payload=payload, next_attempt_at=now, created_at=now, dedupe_key=dedupe_key,
    )


def enqueue(case, topic: str, channel: str, payload: dict, now: datetime, recipient: str = "",
            dedupe_key: str = "") -> OutboxMessage:
    """Write one row.  With a `dedupe_key`, a second row with the same key in the organisation is
    not written: the first one is returned (a repeated fact announces nothing new)."""
    row = outbox_row(case, topic, channel, payload, now, recipient, dedupe_key)
    if not dedupe_key:
        row.save()
        return row
    existing = OutboxMessage.objects.filter(organisation_id=case.organisation_id, dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():   # a savepoint: the caller's transaction survives a lost race
            row.save()
    except IntegrityError:
        return OutboxMessage.objects.get(organisation_id=case.organisation_id, dedupe_key=dedupe_key)
    return row


def buyer_recipient(buyer) -> tuple[str, str]:
    """The channel and address to reach a buyer: e-mail, else SMS, else the platform's chat."""
    if buyer.email:
        return "email", buyer.email
    if buyer.phone:
        return "sms", buyer.phone
    return "platform", buyer.external_id


def reply_recipient(case) -> tuple[str, str]:
    """Where a reply to the buyer goes: back the way the case came in where we can reach them
    there (a marketplace's chat through its connector, e-mail, SMS for a hotline case), else the
    buyer's usual address (`buyer_recipient`)."""
    buyer = case.buyer
    if case.channel in ("chat", "platform") and not case.profile.executes_timeouts:
        return "platform", buyer.external_id
    if case.channel == "email" and buyer.email:
        return "email", buyer.email
    if case.channel == "hotline" and buyer.phone:
        return "sms", buyer.phone
    return buyer_recipient(buyer)
