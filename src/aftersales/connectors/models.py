"""A shop's connection to its platform, and what travelled over it.

- `Connection`: one per shop: the platform's public app key, the secrets (encrypted at rest with
  Fernet, never shown back in full), the pull cursor and its back-off.
- `WebhookDelivery`: every POST to /webhooks/<platform>/, accepted or not (a bad signature is
  answered 401 and kept here with the reason).
- `InboundEvent`: one platform event (a webhook message or a pulled record), unique per connection
  by the platform's own event id, processed by the job queue.
- `CaseLink`: a case as the platform knows it: its ids, the platform's update time we hold, and
  whether our last action reached the platform ("sync failed" with the error otherwise).
- `PlatformCall`: each call made to a platform API (what the recording fake client answers, and the
  real client's log), without credentials.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Organisation
from aftersales.catalog.models import Shop


class ClientKind(models.TextChoices):
    HTTP = "http", _("Platform API (network)")
    FAKE = "fake", _("Recording fake (demos and tests)")


class Connection(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    shop = models.OneToOneField(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="connection")
    platform = models.CharField(_("platform"), max_length=20)   # the shop's platform, copied for routing
    # What the platform calls the shop in its events: Douyin shop_id, TikTok shop_id, the Taobao
    # seller's user_id, the Shopify shop domain.
    remote_shop_id = models.CharField(_("platform shop id"), max_length=120)
    app_key = models.CharField(_("app key"), max_length=120)    # public: Douyin/TikTok/Taobao app key, Shopify API key
    secrets_encrypted = models.TextField(_("secrets (encrypted)"), blank=True)
    secrets_hint = models.CharField(_("secrets"), max_length=200, blank=True)   # "app_secret ••••3f9a, ..."
    client_kind = models.CharField(_("client"), max_length=10, choices=ClientKind.choices, default=ClientKind.HTTP)
    api_base = models.CharField(_("API base URL"), max_length=200, blank=True)   # blank: the platform's own
    active = models.BooleanField(_("active"), default=True)
    # Only for the recording fake: {"fail_actions": 2, "error": "..."} makes the next calls fail.
    fake_behaviour = models.JSONField(_("fake behaviour"), default=dict, blank=True)
    # The scheduled pull: everything the platform changed before `cursor_until` is in; a run in
    # progress keeps its window and page here, so a crashed run resumes where it stopped.
    cursor_until = models.DateTimeField(_("pulled up to"), null=True, blank=True)
    cursor_window_end = models.DateTimeField(_("window end"), null=True, blank=True)
    cursor_page = models.CharField(_("page token"), max_length=500, blank=True)
    pull_interval = models.PositiveIntegerField(_("pull every (seconds)"), default=300)
    next_pull_at = models.DateTimeField(_("next pull at"), null=True, blank=True)
    pulling_until = models.DateTimeField(_("pull lease until"), null=True, blank=True)
    backoff_seconds = models.PositiveIntegerField(_("back-off (seconds)"), default=0)
    last_pull_at = models.DateTimeField(_("last pull at"), null=True, blank=True)
    last_pull_error = models.TextField(_("last pull error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("platform connection")
        verbose_name_plural = _("platform connections")
        constraints = [
            models.UniqueConstraint(fields=["platform", "remote_shop_id"], name="connection_remote_shop_unique"),
        ]
        indexes = [
            # webhook routing: WHERE platform=? AND app_key=? AND active
            models.Index(fields=["platform", "app_key"], name="connection_app_idx"),
            # the scheduled pull: WHERE active AND next_pull_at <= now
            models.Index(fields=["next_pull_at"], condition=models.Q(active=True), name="connection_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.remote_shop_id}"


class DeliveryOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DUPLICATE = "duplicate", _("Duplicate")
    BAD_SIGNATURE = "bad_signature", _("Bad signature")
    UNKNOWN_SHOP = "unknown_shop", _("Unknown shop")
    MALFORMED = "malformed", _("Malformed")


class WebhookDelivery(models.Model):
    platform = models.CharField(_("platform"), max_length=20)
    connection = models.ForeignKey(Connection, verbose_name=_("connection"), on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="deliveries")
    received_at = models.DateTimeField(_("received at"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=DeliveryOutcome.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"))
    events = models.PositiveSmallIntegerField(_("events"), default=0)
    new_events = models.PositiveSmallIntegerField(_("new events"), default=0)
    remote_addr = models.CharField(_("remote address"), max_length=60, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    body_sha256 = models.CharField(_("body sha256"), max_length=64, blank=True)
    body_excerpt = models.TextField(_("body excerpt"), blank=True)   # rejected deliveries only, for diagnosis

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # the connections page: WHERE platform=? ORDER BY received_at DESC
            models.Index(fields=["platform", "-received_at"], name="delivery_recent_idx"),
        ]


class EventStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    WAITING = "waiting", _("Waiting")     # needs something that has not arrived yet; retried
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")     # nothing in it for after-sales


class InboundEvent(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    connection = models.ForeignKey(Connection, verbose_name=_("connection"), on_delete=models.CASCADE,
                                   related_name="events")
    event_id = models.CharField(_("event id"), max_length=200)
    kind = models.CharField(_("kind"), max_length=80)      # Douyin tag, TikTok type, TMC topic, Shopify topic, "pull"
    subject = models.CharField(_("subject"), max_length=120, blank=True)   # platform case or order id
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)   # the platform's update time
    payload = models.JSONField(_("payload"), default=dict)
    source = models.CharField(_("source"), max_length=10, default="webhook")   # webhook | pull
    status = models.CharField(_("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.PENDING)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("platform event")
        verbose_name_plural = _("platform events")
        constraints = [
            # a duplicate delivery is recognised here: the platform's event id, once per connection
            models.UniqueConstraint(fields=["connection", "event_id"], name="event_once_per_connection"),
        ]
        indexes = [
            # the re-drive: WHERE status IN ('pending','waiting') AND next_attempt_at <= now
            models.Index(fields=["next_attempt_at"], condition=models.Q(status__in=["pending", "waiting"]),
                         name="event_redrive_idx"),
        ]


class SyncStatus(models.TextChoices):
    IN_STEP = "ok", _("In step")
    SENDING = "sending", _("Sending")
    FAILED = "failed", _("Sync failed")


class CaseLink(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    case = models.OneToOneField("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                                related_name="platform_link")
    connection = models.ForeignKey(Connection, verbose_name=_("connection"), on_delete=models.CASCADE,
                                   related_name="links")
    platform_case_id = models.CharField(_("platform case id"), max_length=100)
    platform_order_id = models.CharField(_("platform order id"), max_length=100, blank=True)
    # The newest platform update applied: an older event changes nothing (ordered by update time).
    platform_updated_at = models.DateTimeField(_("platform updated at"), null=True, blank=True)
    # Optimistic-lock token the platform wants back on writes (Douyin update_time, Taobao refund_version).
    version_token = models.CharField(_("version token"), max_length=60, blank=True)
    # The platform's raw status (and qualifier) last applied, for updates that move only a deadline.
    platform_status = models.CharField(_("platform status"), max_length=60, blank=True)
    platform_qualifier = models.CharField(_("platform qualifier"), max_length=60, blank=True)
    conversation_id = models.CharField(_("conversation id"), max_length=100, blank=True)   # TikTok chat
    sync_status = models.CharField(_("sync"), max_length=10, choices=SyncStatus.choices, default=SyncStatus.IN_STEP)
    sync_error = models.TextField(_("sync error"), blank=True)
    sync_failed_at = models.DateTimeField(_("sync failed at"), null=True, blank=True)
    failed_message = models.ForeignKey("notify.OutboxMessage", verbose_name=_("failed message"),
                                       on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case on the platform")
        verbose_name_plural = _("cases on the platform")
        indexes = [
            # the queue's badge: WHERE organisation=? AND sync_status='failed'
            models.Index(fields=["organisation"], condition=models.Q(sync_status="failed"), name="link_failed_idx"),
        ]


class PlatformCall(models.Model):
    connection = models.ForeignKey(Connection, verbose_name=_("connection"), on_delete=models.CASCADE,
                                   related_name="calls")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    api = models.CharField(_("API"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict)
    ok = models.BooleanField(_("succeeded"), default=True)
    response = models.JSONField(_("response"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    outbox_message = models.ForeignKey("notify.OutboxMessage", verbose_name=_("outbox message"),
                                       on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("platform call")
        verbose_name_plural = _("platform calls")
        indexes = [
            # the case page's list: WHERE case=? ORDER BY created_at DESC
            models.Index(fields=["case", "-created_at"], name="call_case_idx"),
        ]
