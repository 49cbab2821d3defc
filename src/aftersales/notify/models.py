"""The transactional outbox: rows written in the same transaction as the change they announce,
delivered after commit by `notify.delivery` with retries."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Organisation


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    DEAD = "dead", _("Gave up")


class OutboxMessage(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, null=True, blank=True, related_name="outbox"
    )
    topic = models.CharField(_("topic"), max_length=60)  # "buyer.case_updated", "team.deadline_warning", ...
    channel = models.CharField(_("channel"), max_length=20)  # "email" | "sms" | "platform" | "webhook" | "team"
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # delivery: WHERE status='pending' AND next_attempt_at <= ? ORDER BY next_attempt_at
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="outbox_due_idx"),
        ]
