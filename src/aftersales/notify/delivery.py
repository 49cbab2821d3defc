"""Outbox delivery: a restartable loop body that claims due rows and hands each to its channel's
sender, with exponential back-off and a dead-letter status after MAX_ATTEMPTS.

Senders are plain callables `send(message) -> str` (a note for the log) registered per channel
with `@sender(channel)`; they raise to ask for a retry and raise `Skip` when there is nothing to
deliver to.  Here: e-mail through Django's e-mail backends; SMS and a platform's chat through
the sender classes the settings name (notify/senders.py); the team's rows are read by the
workbench.  The connectors (issue 8) register the real platform sender from their own app
(`@sender("platform")` in code imported by its AppConfig.ready), replacing the one here.

No duplicates after retries:
- rows are claimed a batch at a time with a short lease (their next attempt moves LEASE ahead,
  under SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL), so two workers never take the same row;
- each row is sent and marked in a transaction of its own: a crash loses at most the one row in
  hand, never resends the ones already marked;
- every attempt at a row passes the same key (`delivery_key`) to the gateway (the e-mail's
  Message-ID, the SMS client reference), so a retry after an unclear failure is dropped there.
Quiet hours (notify/quiet.py) move a row to the end of the shop's quiet time without counting
an attempt.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F

from aftersales import clock
from aftersales.notify import quiet, senders
from aftersales.notify.models import OutboxMessage, OutboxStatus
from aftersales.notify.rendering import render
from aftersales.notify.senders import Skip  # noqa: F401  (the contract: notify.delivery.Skip)

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)     # a claimed row is left alone this long by other workers

Sender = Callable[[OutboxMessage], str]
SENDERS: dict[str, Sender] = {}


def sender(channel: str):
    def register(fn: Sender) -> Sender:
        SENDERS[channel] = fn
        return fn
    return register


def delivery_key(msg: OutboxMessage) -> str:
    """The same for every attempt at one row: the gateway's idempotency key."""
    return f"aftersales-outbox-{msg.pk}"


def _mail_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"


@sender("email")
def _email(msg: OutboxMessage) -> str:
    notice = render(msg)
    EmailMessage(subject=notice.subject, body=notice.text, to=[msg.recipient],
                 headers={"Message-ID": f"<{delivery_key(msg)}@{_mail_domain()}>",
                          "Auto-Submitted": "auto-generated"}).send()
    return "mailed"


@sender("team")
def _team(msg: OutboxMessage) -> str:
    # Team notifications are read from the outbox by the workbench; delivery marks them ready.
    return "listed for the team"


def _short_text(channel: str):
    def send(msg: OutboxMessage) -> str:
        if not msg.recipient:
            raise Skip(f"the buyer has no {channel} address")
        return senders.for_channel(channel).send(msg.recipient, render(msg).short, key=delivery_key(msg),
                                                 message=msg)
    return send


sender("sms")(_short_text("sms"))


@sender("platform")
def _platform(msg: OutboxMessage) -> str:
    # A message for the buyer goes to the platform's chat through the configured sender; the
    # platform's own steps (platform.approve, platform.reconcile) need the connector.
    if msg.topic.startswith("buyer."):
        return _short_text("platform")(msg)
    raise Skip("no platform connector configured for this shop")


@sender("payment")
def _payment(msg: OutboxMessage) -> str:
    raise Skip("no payment gateway configured: confirm the refund by hand")


def _claim(now: datetime, limit: int) -> list[int]:
    with transaction.atomic():
        qs = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.values_list("pk", flat=True)[:limit])
        OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.PENDING).update(next_attempt_at=now + LEASE)
    return ids


def deliver_due(now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    now = now or clock.now()
    counts = {"sent": 0, "skipped": 0, "retry": 0, "dead": 0, "deferred": 0}
    for pk in _claim(now, limit):
        _deliver_one(pk, now, counts)
    return counts


def _deliver_one(pk: int, now: datetime, counts: dict[str, int]) -> None:
    msg = OutboxMessage.objects.select_related("case__shop__quiet_hours").filter(
        pk=pk, status=OutboxStatus.PENDING).first()
    if msg is None:      # delivered meanwhile by a worker whose lease had run out
        return
    shop = msg.case.shop if msg.case_id else None
    later = quiet.deferred_until(shop, msg.channel, now) if msg.topic.startswith("buyer.") else None
    if later is not None:
        OutboxMessage.objects.filter(pk=pk, status=OutboxStatus.PENDING).update(
            next_attempt_at=later, last_error=f"quiet hours: waits until {later.isoformat()}")
        counts["deferred"] += 1
        return
    send = SENDERS.get(msg.channel)
    try:
        if send is None:
            raise Skip(f"no sender for channel {msg.channel!r}")
        note = send(msg)
    except Skip as why:
        OutboxMessage.objects.filter(pk=pk).update(status=OutboxStatus.SENT, sent_at=now,
                                                   attempts=F("attempts") + 1, last_error=f"skipped: {why}")
        counts["skipped"] += 1
        return
    except Exception as exc:  # a sender failed: retry later, give up after MAX_ATTEMPTS
        attempts = msg.attempts + 1
        dead = attempts >= MAX_ATTEMPTS
        OutboxMessage.objects.filter(pk=pk).update(
            attempts=attempts, last_error=f"{type(exc).__name__}: {exc}"[:2000],
            status=OutboxStatus.DEAD if dead else OutboxStatus.PENDING,
            next_attempt_at=now + timedelta(minutes=2 ** attempts))
        counts["dead" if dead else "retry"] += 1
        log.warning("outbox %s (%s) failed, attempt %s: %s", pk, msg.topic, attempts, exc)
        return
    OutboxMessage.objects.filter(pk=pk).update(status=OutboxStatus.SENT, sent_at=now, attempts=F("attempts") + 1,
                                               last_error=(note or "")[:2000])
    counts["sent"] += 1
