"""Outbox delivery: a restartable loop body that claims due rows and hands each to its channel's
sender, with exponential back-off and a dead-letter status after MAX_ATTEMPTS.

Senders are plain callables `send(message) -> str` (a note for the log) registered per channel;
they raise to ask for a retry.  The platform sender belongs to the connectors (issue 8): until a
shop has a connector, platform messages are marked skipped, never silently dropped.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable

from django.core.mail import send_mail
from django.db import connection, transaction

from aftersales import clock
from aftersales.notify.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8

Sender = Callable[[OutboxMessage], str]
SENDERS: dict[str, Sender] = {}


def sender(channel: str):
    def register(fn: Sender) -> Sender:
        SENDERS[channel] = fn
        return fn
    return register


@sender("email")
def _email(msg: OutboxMessage) -> str:
    send_mail(subject=f"[aftersales] {msg.topic}", message=_text(msg), from_email=None,
              recipient_list=[msg.recipient], fail_silently=False)
    return "mailed"


@sender("team")
def _team(msg: OutboxMessage) -> str:
    # Team notifications are read from the outbox by the workbench; delivery marks them ready.
    return "listed for the team"


@sender("sms")
def _sms(msg: OutboxMessage) -> str:
    log.info("SMS to %s: %s", msg.recipient, _text(msg))
    return "logged (no SMS gateway configured)"


@sender("platform")
def _platform(msg: OutboxMessage) -> str:
    raise Skip("no platform connector configured for this shop")


@sender("payment")
def _payment(msg: OutboxMessage) -> str:
    raise Skip("no payment gateway configured: confirm the refund by hand")


class Skip(Exception):
    """Nothing to deliver to: recorded, not retried."""


def _text(msg: OutboxMessage) -> str:
    return "\n".join(f"{k}: {v}" for k, v in sorted(msg.payload.items()))


def deliver_due(now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    now = now or clock.now()
    counts = {"sent": 0, "skipped": 0, "retry": 0, "dead": 0}
    with transaction.atomic():
        qs = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        batch = list(qs[:limit])
        for msg in batch:
            _deliver_one(msg, now, counts)
    return counts


def _deliver_one(msg: OutboxMessage, now: datetime, counts: dict[str, int]) -> None:
    send = SENDERS.get(msg.channel)
    try:
        if send is None:
            raise Skip(f"no sender for channel {msg.channel!r}")
        note = send(msg)
    except Skip as why:
        OutboxMessage.objects.filter(pk=msg.pk).update(status=OutboxStatus.SENT, sent_at=now, last_error=f"skipped: {why}")
        counts["skipped"] += 1
        return
    except Exception as exc:  # a sender failed: retry later, give up after MAX_ATTEMPTS
        attempts = msg.attempts + 1
        dead = attempts >= MAX_ATTEMPTS
        OutboxMessage.objects.filter(pk=msg.pk).update(
            attempts=attempts, last_error=f"{type(exc).__name__}: {exc}"[:2000],
            status=OutboxStatus.DEAD if dead else OutboxStatus.PENDING,
            next_attempt_at=now + timedelta(minutes=2 ** attempts))
        counts["dead" if dead else "retry"] += 1
        log.warning("outbox %s (%s) failed, attempt %s: %s", msg.pk, msg.topic, attempts, exc)
        return
    OutboxMessage.objects.filter(pk=msg.pk).update(status=OutboxStatus.SENT, sent_at=now, attempts=msg.attempts + 1,
                                                   last_error=note[:2000])
    counts["sent"] += 1
