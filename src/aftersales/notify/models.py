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
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="outbox")
    topic = models.CharField(max_length=60)         # "buyer.case_updated", "team.deadline_warning", ...
    channel = models.CharField(max_length=20)       # "email" | "sms" | "platform" | "webhook" | "team"
    recipient = models.CharField(max_length=200, blank=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # delivery: WHERE status='pending' AND next_attempt_at <= ? ORDER BY next_attempt_at
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="outbox_due_idx"),
        ]
