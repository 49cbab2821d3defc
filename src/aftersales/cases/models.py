"""The after-sales case and what resolves it.

The *case* holds the conversation, deadlines, assignment, channel and the buyer-facing status;
what *resolves* it (offers, the return shipment, the inspection, the refund, the follow-up) are
rows of their own, so that one case can carry several of them (ANCHORS.md 8.1).  The main state
and the refund / return / arbitration sub-states are separate columns (PLATFORMS.md 6.1).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Organisation
from aftersales.catalog.models import Shop, Sku
from aftersales.domain import lifecycle as lc
from aftersales.domain.deadlines import Clock, DeadlineKind, DeadlineSource, Party, TimeoutOutcome
from aftersales.orders.models import Buyer, Order, OrderLine


def choices(enum_cls):
    return [(m.value, m.name.replace("_", " ").capitalize()) for m in enum_cls]


class Channel(models.TextChoices):
    CHAT = "chat", _("In-app chat")
    HOTLINE = "hotline", _("Hotline")
    EMAIL = "email", _("E-mail")
    PLATFORM = "platform", _("Platform")
    PORTAL = "portal", _("Buyer portal")
    IMPORT = "import", _("Import")
    API = "api", _("API")


class Case(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="cases")
    buyer = models.ForeignKey(Buyer, on_delete=models.PROTECT, related_name="cases")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    platform = models.CharField(max_length=20)                  # copied from the shop for filtering
    platform_case_id = models.CharField(max_length=100, blank=True)

    case_type = models.CharField(_("type"), max_length=30, choices=choices(lc.CaseType))
    route = models.CharField(max_length=20, choices=choices(lc.Route))
    reason_code = models.CharField(max_length=60, default="other")
    reason_text = models.TextField(blank=True)
    problem_type = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.PLATFORM)

    state = models.CharField(max_length=40, choices=choices(lc.CaseState))
    is_open = models.BooleanField(default=True)                 # = state not terminal; indexed for the queue
    close_reason = models.CharField(max_length=30, blank=True, choices=choices(lc.CloseReason))
    refund_state = models.CharField(max_length=20, choices=choices(lc.RefundState), default=lc.RefundState.NONE)
    return_state = models.CharField(max_length=20, choices=choices(lc.ReturnState), default=lc.ReturnState.NONE)
    arbitration_state = models.CharField(max_length=30, choices=choices(lc.ArbitrationState),
                                         default=lc.ArbitrationState.NONE)
    # A read-only mirror of the platform's own view.
    platform_status_raw = models.CharField(max_length=60, blank=True)
    platform_type_raw = models.CharField(max_length=60, blank=True)
    platform_payload = models.JSONField(default=dict, blank=True)
    platform_updated_at = models.DateTimeField(null=True, blank=True)

    currency = models.CharField(max_length=3)
    requested_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    approved_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    urgent = models.BooleanField(default=False)
    vip = models.BooleanField(default=False)
    priority = models.IntegerField(default=0)
    priority_band = models.CharField(max_length=10, default="normal")
    time_band = models.SmallIntegerField(default=0)             # so the sweep re-scores only on change
    next_due_at = models.DateTimeField(null=True, blank=True)   # nearest open seller deadline

    policy_version = models.CharField(max_length=40, blank=True)
    policy_verdict = models.CharField(max_length=20, blank=True)
    policy_result = models.JSONField(default=dict, blank=True)

    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="assigned_cases")
    first_replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)            # compare-and-set on every change

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "platform_case_id"], condition=~models.Q(platform_case_id=""),
                                    name="case_platform_id_unique"),
        ]
        indexes = [
            # the queue's first page: WHERE organisation=? AND is_open ORDER BY priority DESC, id DESC
            models.Index(fields=["organisation", "-priority", "-id"], condition=models.Q(is_open=True),
                         name="case_queue_idx"),
            # filtered queue pages: ... AND shop=? / state=? ORDER BY priority DESC, id DESC
            models.Index(fields=["organisation", "shop", "-priority", "-id"], condition=models.Q(is_open=True),
                         name="case_queue_shop_idx"),
            models.Index(fields=["organisation", "state", "-priority", "-id"], name="case_state_idx"),
            # "deadline before": WHERE organisation=? AND next_due_at < ?
            models.Index(fields=["organisation", "next_due_at"], condition=models.Q(is_open=True),
                         name="case_due_idx"),
            # the queue sorted by newest: ... AND is_open ORDER BY created_at DESC, id DESC
            models.Index(fields=["organisation", "-created_at", "-id"], condition=models.Q(is_open=True),
                         name="case_created_idx"),
            # the sweep's re-scoring: WHERE is_open AND next_due_at <= now + 72h
            models.Index(fields=["next_due_at"], condition=models.Q(is_open=True), name="case_sweep_due_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"AS{self.pk:08d}" if self.pk else "AS(new)"

    @property
    def profile(self):
        return self.shop.profile


class CaseLine(models.Model):
    """The quantity of one order line this case covers (a case may span several orders)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="case_lines")
    quantity = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    released = models.BooleanField(default=False)   # quantity given back to the ledger on close

    def __str__(self) -> str:
        return f"{self.order_line} × {self.quantity}"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")


def evidence_path(instance, filename):
    return f"evidence/{instance.case.organisation_id}/{instance.case_id}/{instance.sha256[:16]}-{filename}"


class Evidence(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(upload_to=evidence_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(max_length=10, choices=choices(lc.Actor))
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "sha256"], name="evidence_once_per_case")]


class Message(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    author = models.CharField(max_length=10, choices=choices(lc.Actor))
    author_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    body = models.TextField()
    external_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()


class OfferKind(models.TextChoices):
    REFUND = "refund", _("Full refund")
    PARTIAL_REFUND = "partial_refund", _("Partial refund")
    EXCHANGE = "exchange", _("Exchange")
    REPAIR = "repair", _("Repair")
    RESHIP = "reship", _("Reship")
    COUPON = "coupon", _("Coupon")
    GIFT = "gift", _("Small gift")


OFFER_ROUTES = {
    OfferKind.REFUND: lc.Route.REFUND,
    OfferKind.PARTIAL_REFUND: lc.Route.REFUND,
    OfferKind.EXCHANGE: lc.Route.RETURN_THEN_SHIP,
    OfferKind.REPAIR: lc.Route.RETURN_THEN_SHIP,
    OfferKind.RESHIP: lc.Route.SHIP,
    OfferKind.COUPON: lc.Route.NONE,
    OfferKind.GIFT: lc.Route.NONE,
}


class Offer(models.Model):
    """A proposed resolution (counter-offer) and its answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="offers")
    kind = models.CharField(max_length=20, choices=OfferKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    exchange_sku = models.ForeignKey(Sku, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    repair_by = models.CharField(max_length=100, blank=True)   # "in_house" or the service partner's name
    coupon_code = models.CharField(max_length=60, blank=True)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, default="proposed",
                              choices=[(s, s) for s in ("proposed", "accepted", "declined", "withdrawn")])
    created_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)


class ReturnShipment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="return_shipments")
    carrier = models.CharField(max_length=50)
    tracking_number = models.CharField(max_length=60)
    paid_by = models.CharField(max_length=12, default="buyer")   # buyer | seller | insurance
    status = models.CharField(max_length=20, choices=choices(lc.ReturnState), default=lc.ReturnState.IN_TRANSIT)
    shipped_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)


class InspectionOutcome(models.TextChoices):
    OK = "ok", _("As expected")
    DAMAGED_BY_BUYER = "damaged_by_buyer", _("Damaged by the buyer")
    EMPTY_BOX = "empty_box", _("Empty box")
    WRONG_ITEM = "wrong_item", _("Wrong item returned")
    USED = "used", _("Used")


class Inspection(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="inspections")
    outcome = models.CharField(max_length=20, choices=InspectionOutcome.choices)
    quantity_ok = models.PositiveIntegerField(default=0)
    quantity_damaged = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)
    inspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField()


class Refund(models.Model):
    """Approving a refund and paying it are separate steps (ANCHORS.md 8.7)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=choices(lc.RefundState), default=lc.RefundState.APPROVED)
    method = models.CharField(max_length=30, default="original")  # original route, store credit, offline, platform
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField()
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    paid_at = models.DateTimeField(null=True, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    expected_from = models.DateTimeField(null=True, blank=True)
    expected_to = models.DateTimeField(null=True, blank=True)
    external_id = models.CharField(max_length=100, blank=True)


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)   # the team was reminded
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["due_at"], condition=models.Q(done_at__isnull=True),
                                name="followup_due_idx")]


class Rating(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_1_to_5")]


class DeadlineStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


class Deadline(models.Model):
    """One live timer of a case: who must act by when, and what happens if they do not."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=30, choices=choices(DeadlineKind))
    party = models.CharField(max_length=10, choices=choices(Party))
    step = models.CharField(max_length=40, blank=True)   # the case state it belongs to; closes when it is left
    due_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=choices(DeadlineSource))
    clock = models.CharField(max_length=20, choices=choices(Clock))
    on_timeout = models.CharField(max_length=30, choices=choices(TimeoutOutcome))
    status = models.CharField(max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN)
    note = models.CharField(max_length=300, blank=True)   # where the time comes from, fallbacks said
    warned_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    extended_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            # the sweep: WHERE status='open' AND due_at <= ? ORDER BY due_at
            models.Index(fields=["due_at"], condition=models.Q(status="open"), name="deadline_sweep_idx"),
            models.Index(fields=["case", "status"], name="deadline_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.party}, due {self.due_at:%Y-%m-%d %H:%M} ({self.status})"


class TimelineEvent(models.Model):
    """Append-only log of everything that happened to a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)               # "transition", "created", "deadline.warning", ...
    actor = models.CharField(max_length=10, choices=choices(lc.Actor))
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    action = models.CharField(max_length=30, blank=True)
    state_before = models.CharField(max_length=40, blank=True)
    state_after = models.CharField(max_length=40, blank=True)
    message_zh = models.TextField(blank=True)
    message_en = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    visible_to_buyer = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="timeline_case_idx")]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("timeline events are append-only")
        super().save(*args, **kwargs)


class IdempotencyRecord(models.Model):
    """A request or platform event already handled: a repeat returns the first result."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=40)          # "case.create", "order.create", "webhook.douyin", ...
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64, blank=True)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "scope", "key"], name="idempotency_unique")]
