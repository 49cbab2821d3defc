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
from aftersales.cases import explain as ex
from aftersales.catalog.models import Shop, Sku
from aftersales.domain import lifecycle as lc
from aftersales.orders.models import Buyer, Order, OrderLine


class Channel(models.TextChoices):
    CHAT = "chat", _("In-app chat")
    HOTLINE = "hotline", _("Hotline")
    EMAIL = "email", _("E-mail")
    PLATFORM = "platform", _("Platform")
    PORTAL = "portal", _("Buyer portal")
    IMPORT = "import", _("Import")
    API = "api", _("API")


class Case(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="cases")
    buyer = models.ForeignKey(Buyer, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="cases")
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    platform = models.CharField(_("platform"), max_length=20)  # copied from the shop for filtering
    platform_case_id = models.CharField(_("platform case id"), max_length=100, blank=True)

    case_type = models.CharField(_("type"), max_length=30, choices=ex.label_choices(ex.CASE_TYPE_LABELS))
    route = models.CharField(_("route"), max_length=20, choices=ex.label_choices(ex.ROUTE_LABELS))
    reason_code = models.CharField(_("reason code"), max_length=60, default="other")
    reason_text = models.TextField(_("reason text"), blank=True)
    problem_type = models.CharField(_("problem type"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.PLATFORM)

    state = models.CharField(_("state"), max_length=40, choices=ex.label_choices(ex.STATE_LABELS))
    is_open = models.BooleanField(_("is open"), default=True)  # = state not terminal; indexed for the queue
    close_reason = models.CharField(
        _("close reason"), max_length=30, blank=True, choices=ex.label_choices(ex.CLOSE_REASON_LABELS)
    )
    refund_state = models.CharField(
        _("refund state"), max_length=20, choices=ex.label_choices(ex.REFUND_STATE_LABELS), default=lc.RefundState.NONE
    )
    return_state = models.CharField(
        _("return state"), max_length=20, choices=ex.label_choices(ex.RETURN_STATE_LABELS), default=lc.ReturnState.NONE
    )
    arbitration_state = models.CharField(
        _("arbitration state"),
        max_length=30,
        choices=ex.label_choices(ex.ARBITRATION_LABELS),
        default=lc.ArbitrationState.NONE,
    )
    # A read-only mirror of the platform's own view.
    platform_status_raw = models.CharField(_("platform status raw"), max_length=60, blank=True)
    platform_type_raw = models.CharField(_("platform type raw"), max_length=60, blank=True)
    platform_payload = models.JSONField(_("platform payload"), default=dict, blank=True)
    platform_updated_at = models.DateTimeField(_("platform updated at"), null=True, blank=True)

    currency = models.CharField(_("currency"), max_length=3)
    requested_amount = models.DecimalField(_("requested amount"), max_digits=12, decimal_places=2, default=Decimal("0"))
    approved_amount = models.DecimalField(_("approved amount"), max_digits=12, decimal_places=2, null=True, blank=True)

    urgent = models.BooleanField(_("urgent"), default=False)
    vip = models.BooleanField(_("vip"), default=False)
    # Further priority terms other parts set, by source: {"parcel_stuck": [200, "包裹停滞", "parcel stuck"]}
    # (cases.scoring.set_boost / clear_boost); counted in `priority` with the others.
    priority_boosts = models.JSONField(_("priority boosts"), null=True, blank=True)
    priority = models.IntegerField(_("priority"), default=0)
    priority_band = models.CharField(_("priority band"), max_length=10, default="normal")
    time_band = models.SmallIntegerField(_("time band"), default=0)  # so the sweep re-scores only on change
    next_due_at = models.DateTimeField(_("next due at"), null=True, blank=True)  # nearest open seller deadline

    policy_version = models.CharField(_("policy version"), max_length=40, blank=True)
    policy_verdict = models.CharField(_("policy verdict"), max_length=20, blank=True)
    policy_result = models.JSONField(_("policy result"), default=dict, blank=True)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    first_replied_at = models.DateTimeField(_("first replied at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)  # compare-and-set on every change

    class Meta:
        verbose_name = _("after-sales case")
        verbose_name_plural = _("after-sales cases")
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "platform_case_id"],
                condition=~models.Q(platform_case_id=""),
                name="case_platform_id_unique",
            ),
        ]
        indexes = [
            # the queue's first page: WHERE organisation=? AND is_open ORDER BY priority DESC, id DESC
            models.Index(
                fields=["organisation", "-priority", "-id"], condition=models.Q(is_open=True), name="case_queue_idx"
            ),
            # filtered queue pages: ... AND shop=? / state=? ORDER BY priority DESC, id DESC
            models.Index(
                fields=["organisation", "shop", "-priority", "-id"],
                condition=models.Q(is_open=True),
                name="case_queue_shop_idx",
            ),
            models.Index(fields=["organisation", "state", "-priority", "-id"], name="case_state_idx"),
            # "deadline before": WHERE organisation=? AND next_due_at < ?
            models.Index(fields=["organisation", "next_due_at"], condition=models.Q(is_open=True), name="case_due_idx"),
            # the queue sorted by newest: ... AND is_open ORDER BY created_at DESC, id DESC
            models.Index(
                fields=["organisation", "-created_at", "-id"], condition=models.Q(is_open=True), name="case_created_idx"
            ),
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

    class Meta:
        verbose_name = _("case line")
        verbose_name_plural = _("case lines")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="case_lines"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    released = models.BooleanField(_("released"), default=False)  # quantity given back to the ledger on close

    def __str__(self) -> str:
        return f"{self.order_line} × {self.quantity}"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")


def evidence_path(instance, filename):
    return f"evidence/{instance.case.organisation_id}/{instance.case_id}/{instance.sha256[:16]}-{filename}"


class Evidence(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("sha256"), max_length=64)
    uploaded_by = models.CharField(_("uploaded by"), max_length=10, choices=ex.label_choices(ex.ACTOR_NAMES))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [models.UniqueConstraint(fields=["case", "sha256"], name="evidence_once_per_case")]


class Message(models.Model):
    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    author = models.CharField(_("author"), max_length=10, choices=ex.label_choices(ex.ACTOR_NAMES))
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author user"), on_delete=models.SET_NULL, null=True, blank=True
    )
    body = models.TextField(_("body"))
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"))


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

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="offers")
    kind = models.CharField(_("kind"), max_length=20, choices=OfferKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    exchange_sku = models.ForeignKey(
        Sku, verbose_name=_("exchange sku"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Units of exchange_sku taken from the shop's stock for this exchange (the portal's choice), until the
    # exchange ships (consumed) or the case ends without shipping it (given back): ledger.*_exchange_stock.
    stock_held = models.PositiveIntegerField(_("stock held"), default=0, db_default=0)
    repair_by = models.CharField(_("repair by"), max_length=100, blank=True)  # "in_house" or the service partner's name
    coupon_code = models.CharField(_("coupon code"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        default="proposed",
        choices=[(s, s) for s in ("proposed", "accepted", "declined", "withdrawn")],
    )
    created_at = models.DateTimeField(_("created at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)


class ReturnShipment(models.Model):
    class Meta:
        verbose_name = _("return shipment")
        verbose_name_plural = _("return shipments")
        indexes = [
            # the queue's search: WHERE tracking_number = ? (cases.queries.search)
            models.Index(fields=["tracking_number"], name="return_tracking_idx"),
        ]

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="return_shipments")
    carrier = models.CharField(_("carrier"), max_length=50)
    tracking_number = models.CharField(_("tracking number"), max_length=60)
    paid_by = models.CharField(_("paid by"), max_length=12, default="buyer")  # buyer | seller | insurance
    status = models.CharField(
        _("status"), max_length=20, choices=ex.label_choices(ex.RETURN_STATE_LABELS), default=lc.ReturnState.IN_TRANSIT
    )
    shipped_at = models.DateTimeField(_("shipped at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)


class InspectionOutcome(models.TextChoices):
    OK = "ok", _("As expected")
    DAMAGED_BY_BUYER = "damaged_by_buyer", _("Damaged by the buyer")
    EMPTY_BOX = "empty_box", _("Empty box")
    WRONG_ITEM = "wrong_item", _("Wrong item returned")
    USED = "used", _("Used")


class Inspection(models.Model):
    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="inspections")
    outcome = models.CharField(_("outcome"), max_length=20, choices=InspectionOutcome.choices)
    quantity_ok = models.PositiveIntegerField(_("quantity ok"), default=0)
    quantity_damaged = models.PositiveIntegerField(_("quantity damaged"), default=0)
    note = models.TextField(_("note"), blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspected by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"))


class Refund(models.Model):
    """Approving a refund and paying it are separate steps (ANCHORS.md 8.7)."""

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="refunds")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=20, choices=ex.label_choices(ex.REFUND_STATE_LABELS), default=lc.RefundState.APPROVED
    )
    method = models.CharField(
        _("method"), max_length=30, default="original"
    )  # original route, store credit, offline, platform
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"))
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)
    expected_from = models.DateTimeField(_("expected from"), null=True, blank=True)
    expected_to = models.DateTimeField(_("expected to"), null=True, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)


class FollowUp(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="follow_ups")
    due_at = models.DateTimeField(_("due at"))
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)  # the team was reminded
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    # The buyer's own answer to the follow-up message (the portal's one click), apart from the team's call.
    satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    buyer_comment = models.TextField(_("buyer comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["due_at"], condition=models.Q(done_at__isnull=True), name="followup_due_idx")]


class Rating(models.Model):
    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_1_to_5")]


class DeadlineStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


class Deadline(models.Model):
    """One live timer of a case: who must act by when, and what happens if they do not."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("kind"), max_length=30, choices=ex.label_choices(ex.DEADLINE_LABELS))
    party = models.CharField(_("party"), max_length=10, choices=ex.label_choices(ex.PARTY_LABELS))
    step = models.CharField(
        _("step"), max_length=40, blank=True
    )  # the case state it belongs to; closes when it is left
    due_at = models.DateTimeField(_("due at"))
    source = models.CharField(_("source"), max_length=10, choices=ex.label_choices(ex.SOURCE_LABELS))
    clock = models.CharField(_("clock"), max_length=20, choices=ex.label_choices(ex.CLOCK_LABELS))
    on_timeout = models.CharField(_("on timeout"), max_length=30, choices=ex.label_choices(ex.OUTCOME_LABELS))
    status = models.CharField(_("status"), max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN)
    note = models.CharField(_("note"), max_length=300, blank=True)  # where the time comes from, fallbacks said
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    extended_count = models.PositiveSmallIntegerField(_("extended count"), default=0)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            # the sweep: WHERE status='open' AND due_at <= ? ORDER BY due_at
            models.Index(fields=["due_at"], condition=models.Q(status="open"), name="deadline_sweep_idx"),
            models.Index(fields=["case", "status"], name="deadline_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.party}, due {self.due_at:%Y-%m-%d %H:%M} ({self.status})"


class TimelineEvent(models.Model):
    """Append-only log of everything that happened to a case."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=40)  # "transition", "created", "deadline.warning", ...
    actor = models.CharField(_("actor"), max_length=10, choices=ex.label_choices(ex.ACTOR_NAMES))
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor user"), on_delete=models.SET_NULL, null=True, blank=True
    )
    action = models.CharField(_("action"), max_length=30, blank=True)
    state_before = models.CharField(_("state before"), max_length=40, blank=True)
    state_after = models.CharField(_("state after"), max_length=40, blank=True)
    message_zh = models.TextField(_("message zh"), blank=True)
    message_en = models.TextField(_("message en"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    visible_to_buyer = models.BooleanField(_("visible to buyer"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
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

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(_("scope"), max_length=40)  # "case.create", "order.create", "webhook.douyin", ...
    key = models.CharField(_("key"), max_length=200)
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True)
    result = models.JSONField(_("result"), default=dict)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["organisation", "scope", "key"], name="idempotency_unique")]


class ReplyTemplate(models.Model):
    """A shop's own wording of a reply to buyers.  The organisation's active templates of a problem
    type and language replace the defaults of that type and language (cases/reply_defaults.py;
    cases/replies.py fills them in for a case)."""

    LANGUAGES = [("zh", _("Chinese")), ("en", _("English"))]

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="reply_templates"
    )
    kind = models.CharField(_("problem type"), max_length=30, choices=ex.label_choices(ex.PROBLEM_KINDS))
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGES)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(
        _("body"),
        help_text=_("Placeholders: {buyer_name} {order_number} {case_number} {shop_name} {tracking_number} "
                    "{refund_eta}"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["kind", "language", "position", "id"]
        indexes = [
            # the composer: WHERE organisation=? AND is_active ORDER BY kind, language, position
            models.Index(fields=["organisation", "kind", "language", "position"],
                         condition=models.Q(is_active=True), name="reply_template_idx"),
        ]

    def __str__(self) -> str:
        return self.title
