"""Risk rows: one identity per person across an organisation's shops, its maintained aggregates,
the stored score of each case, restrictions on a buyer, and the fingerprints (photo and text)
that find one thing reused across cases.

No core table is migrated: everything hangs off cases, buyers and evidence by foreign key.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Organisation
from aftersales.cases.models import Case, Evidence
from aftersales.catalog.models import Shop
from aftersales.orders.models import Buyer


class BuyerIdentity(models.Model):
    """One person, as far as the organisation can tell: buyers of several shops sharing a phone,
    a platform buyer id, an e-mail or a receiver name and address are linked to one identity."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("buyer identity")
        verbose_name_plural = _("buyer identities")


class IdentityKey(models.Model):
    """A normalised key ("phone:+8613800138000", "platform:douyin:123", "email:a@b.c",
    "receiver:<sha1>") that points at an identity."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    key = models.CharField(_("key"), max_length=120)
    identity = models.ForeignKey(BuyerIdentity, verbose_name=_("identity"), on_delete=models.CASCADE,
                                 related_name="keys")

    class Meta:
        verbose_name = _("identity key")
        verbose_name_plural = _("identity keys")
        # linking a buyer: WHERE organisation_id = ? AND key IN (...)
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="risk_identity_key_unique")]


class BuyerLink(models.Model):
    buyer = models.OneToOneField(Buyer, verbose_name=_("buyer"), on_delete=models.CASCADE, related_name="risk_link")
    identity = models.ForeignKey(BuyerIdentity, verbose_name=_("identity"), on_delete=models.CASCADE,
                                 related_name="links")

    class Meta:
        verbose_name = _("buyer link")
        verbose_name_plural = _("buyer links")


class BuyerRiskStats(models.Model):
    """The identity's history, kept up to date as cases are created and facts arrive, so that
    scoring one request reads one row instead of counting a million cases."""

    identity = models.OneToOneField(BuyerIdentity, verbose_name=_("identity"), on_delete=models.CASCADE,
                                    related_name="stats")
    orders = models.PositiveIntegerField(_("orders"), default=0)
    spend = models.DecimalField(_("spend"), max_digits=14, decimal_places=2, default=Decimal("0"))
    cases = models.PositiveIntegerField(_("cases"), default=0)
    refund_only = models.PositiveIntegerField(_("refund-only requests"), default=0)
    not_received = models.PositiveIntegerField(_("not-received claims"), default=0)
    not_received_delivered = models.PositiveIntegerField(_("not-received claims while delivered"), default=0)
    rejected_inspections = models.PositiveIntegerField(_("rejected inspections"), default=0)
    protected_returns = models.PositiveIntegerField(_("returns with insurance or coupon"), default=0)
    delivery_to_request_hours = models.FloatField(_("hours from delivery to request (mean)"), null=True, blank=True)
    recent_requests = models.JSONField(_("recent request times"), default=list, blank=True)  # ISO times, last 7 days
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("buyer risk figures")
        verbose_name_plural = _("buyer risk figures")


class CaseRisk(models.Model):
    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="risk")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="+")
    identity = models.ForeignKey(BuyerIdentity, verbose_name=_("identity"), on_delete=models.SET_NULL, null=True,
                                 related_name="case_risks")
    score = models.IntegerField(_("score"), default=0)
    level = models.CharField(_("level"), max_length=10, default="low")
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    # What this case added to the identity's figures, so that re-scoring adds only the difference.
    counted = models.JSONField(_("counted"), default=dict, blank=True)
    case_created_at = models.DateTimeField(_("case created at"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("case risk")
        verbose_name_plural = _("case risks")
        indexes = [
            # weekly_flags: WHERE organisation_id = ? AND case_created_at >= ? AND < ? GROUP BY shop_id, level
            models.Index(fields=["organisation", "case_created_at"], name="risk_case_org_created_idx"),
        ]


class ShopRiskSettings(models.Model):
    """A shop's thresholds and risky categories (the catalog has no such flag)."""

    shop = models.OneToOneField(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="risk_settings")
    medium_threshold = models.PositiveSmallIntegerField(_("medium from"), default=35)
    high_threshold = models.PositiveSmallIntegerField(_("high from"), default=65)
    risky_categories = models.JSONField(_("risky categories"), default=list, blank=True)

    class Meta:
        verbose_name = _("shop risk settings")
        verbose_name_plural = _("shop risk settings")


class RestrictionKind(models.TextChoices):
    NO_INSTANT_REFUND = "no_instant_refund", _("No instant refunds")
    HOLD_ORDERS = "hold_orders", _("Orders held for review")


class BuyerRestriction(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    identity = models.ForeignKey(BuyerIdentity, verbose_name=_("identity"), on_delete=models.CASCADE,
                                 related_name="restrictions")
    kind = models.CharField(_("kind"), max_length=20, choices=RestrictionKind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("lifted by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("buyer restriction")
        verbose_name_plural = _("buyer restrictions")
        indexes = [
            # active restrictions of an identity: WHERE identity_id = ? AND lifted_at IS NULL AND expires_at > now
            models.Index(fields=["identity", "expires_at"], name="risk_restr_identity_idx"),
            # weekly_flags: WHERE organisation_id = ? AND created_at in the week
            models.Index(fields=["organisation", "created_at"], name="risk_restr_org_created_idx"),
        ]


class EvidenceHash(models.Model):
    """A photo's perceptual hash (ImageHash's pHash, 64 bits) cut into four 16-bit bands, each
    indexed: two photos within Hamming distance 3 share a band, so candidates are found by index."""

    evidence = models.OneToOneField(Evidence, verbose_name=_("evidence"), on_delete=models.CASCADE,
                                    related_name="risk_hash")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")
    identity = models.ForeignKey(BuyerIdentity, verbose_name=_("identity"), on_delete=models.SET_NULL, null=True,
                                 related_name="+")
    phash = models.BigIntegerField(_("perceptual hash"))
    b0 = models.IntegerField(_("band 0"))
    b1 = models.IntegerField(_("band 1"))
    b2 = models.IntegerField(_("band 2"))
    b3 = models.IntegerField(_("band 3"))

    class Meta:
        verbose_name = _("evidence hash")
        verbose_name_plural = _("evidence hashes")
        # reuse lookup: WHERE organisation_id = ? AND (b0 = ? OR b1 = ? OR b2 = ? OR b3 = ?)
        indexes = [models.Index(fields=["organisation", f"b{i}"], name=f"risk_evhash_b{i}_idx") for i in range(4)]


class ComplaintText(models.Model):
    """A SimHash of a buyer's complaint text (reason text or a message), banded like the photos."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")
    identity = models.ForeignKey(BuyerIdentity, verbose_name=_("identity"), on_delete=models.SET_NULL, null=True,
                                 related_name="+")
    simhash = models.BigIntegerField(_("simhash"))
    b0 = models.IntegerField(_("band 0"))
    b1 = models.IntegerField(_("band 1"))
    b2 = models.IntegerField(_("band 2"))
    b3 = models.IntegerField(_("band 3"))

    class Meta:
        verbose_name = _("complaint text")
        verbose_name_plural = _("complaint texts")
        constraints = [models.UniqueConstraint(fields=["case", "simhash"], name="risk_text_case_unique")]
        # near-identical lookup: WHERE organisation_id = ? AND (b0 = ? OR b1 = ? OR ...)
        indexes = [models.Index(fields=["organisation", f"b{i}"], name=f"risk_text_b{i}_idx") for i in range(4)]
