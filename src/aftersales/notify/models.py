"""The transactional outbox: rows written in the same transaction as the change they announce,
delivered after commit by `notify.delivery` with retries; and each shop's quiet hours."""

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
    # A fact announced at most once (a repeated tracking event, a sweep run twice): the same key
    # in the same organisation is refused by the database (outbox.enqueue returns the first row).
    dedupe_key = models.CharField(_("dedupe key"), max_length=120, blank=True, default="", db_default="")
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
        constraints = [
            models.UniqueConstraint(fields=["organisation", "dedupe_key"], condition=~models.Q(dedupe_key=""),
                                    name="outbox_dedupe_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} → {self.channel} ({self.status})"


class QuietHours(models.Model):
    """When a shop's buyers are not to be disturbed, in the shop's time zone: messages on the
    listed channels that fall due then wait for the end of the quiet time.  A shop without a row
    has the installation's defaults (AFTERSALES_QUIET_HOURS, AFTERSALES_QUIET_CHANNELS)."""

    shop = models.OneToOneField("catalog.Shop", verbose_name=_("shop"), on_delete=models.CASCADE,
                                related_name="quiet_hours")
    starts = models.TimeField(_("quiet from"), null=True, blank=True,
                              help_text=_("Leave both times empty for no quiet hours"))
    ends = models.TimeField(_("quiet until"), null=True, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True,
                                help_text=_('Channels that keep quiet, e.g. ["sms", "platform"]'))

    class Meta:
        verbose_name = _("quiet hours")
        verbose_name_plural = _("quiet hours")

    def __str__(self) -> str:
        if self.starts is None or self.ends is None:
            return "-"
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"
