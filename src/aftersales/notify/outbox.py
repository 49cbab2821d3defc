"""Writing to the outbox: called inside the transaction of the change it announces."""

from __future__ import annotations

from datetime import datetime

from aftersales.notify.models import OutboxMessage


def enqueue(case, topic: str, channel: str, payload: dict, now: datetime, recipient: str = "") -> OutboxMessage:
    return OutboxMessage.objects.create(
        organisation_id=case.organisation_id, case=case, topic=topic, channel=channel,
        recipient=recipient, payload=payload, next_attempt_at=now, created_at=now,
    )


def buyer_recipient(buyer) -> tuple[str, str]:
    """The channel and address to reach a buyer: e-mail, else SMS, else the platform's chat."""
    if buyer.email:
        return "email", buyer.email
    if buyer.phone:
        return "sms", buyer.phone
    return "platform", buyer.external_id
