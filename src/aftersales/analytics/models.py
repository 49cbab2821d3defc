"""Weekly counts, kept so that the review and the dashboard read a few hundred rows instead of
grouping a million cases (analytics.stats writes them; docs/ANALYTICS.md)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Organisation
from aftersales.catalog.models import Shop


class WeeklySkuProblem(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="+")
    week = models.DateField(_("week"))   # its Monday
    sku_code = models.CharField(_("sku code"), max_length=100)
    problem = models.CharField(_("problem"), max_length=60)   # Case.problem_type, else the reason code
    cases = models.PositiveIntegerField(_("cases"))

    class Meta:
        verbose_name = _("weekly SKU problem")
        verbose_name_plural = _("weekly SKU problems")
        # the review: WHERE organisation=? AND week IN (...)
        indexes = [models.Index(fields=["organisation", "week"], name="weekly_sku_org_week_idx")]


class WeeklyShop(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="+")
    week = models.DateField(_("week"))
    orders = models.PositiveIntegerField(_("orders"), default=0)
    cases = models.PositiveIntegerField(_("cases"), default=0)
    refunds = models.PositiveIntegerField(_("refunds"), default=0)
    refund_amount = models.DecimalField(_("refund amount"), max_digits=14, decimal_places=2, default=Decimal("0"))
    first_response_seconds = models.BigIntegerField(_("first response seconds"), default=0)   # a sum
    first_responses = models.PositiveIntegerField(_("first responses"), default=0)
    resolution_seconds = models.BigIntegerField(_("resolution seconds"), default=0)           # a sum
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    unsatisfied = models.PositiveIntegerField(_("unsatisfied"), default=0)
    rating_sum = models.PositiveIntegerField(_("rating sum"), default=0)
    ratings = models.PositiveIntegerField(_("ratings"), default=0)

    class Meta:
        verbose_name = _("weekly shop figures")
        verbose_name_plural = _("weekly shop figures")
        constraints = [models.UniqueConstraint(fields=["organisation", "shop", "week"], name="weekly_shop_unique")]


class WeeklyReason(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="+")
    week = models.DateField(_("week"))
    reason_code = models.CharField(_("reason code"), max_length=60)
    cases = models.PositiveIntegerField(_("cases"))
    refunds = models.PositiveIntegerField(_("refunds"))

    class Meta:
        verbose_name = _("weekly reason")
        verbose_name_plural = _("weekly reasons")
        indexes = [models.Index(fields=["organisation", "week"], name="weekly_reason_org_week_idx")]


class WeeklyCarrier(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    week = models.DateField(_("week"))
    carrier = models.CharField(_("carrier"), max_length=30)
    parcels = models.PositiveIntegerField(_("parcels"))
    delayed = models.PositiveIntegerField(_("delayed"))
    lost = models.PositiveIntegerField(_("lost"))
    damaged = models.PositiveIntegerField(_("damaged"))
    delivered = models.PositiveIntegerField(_("delivered"), default=0)
    delivery_seconds = models.BigIntegerField(_("delivery seconds"), default=0)   # a sum over the delivered

    class Meta:
        verbose_name = _("weekly carrier figures")
        verbose_name_plural = _("weekly carrier figures")
        indexes = [models.Index(fields=["organisation", "week"], name="weekly_carrier_org_week_idx")]


class RolledUpWeek(models.Model):
    """A week whose rows above were computed, and when (a week that ended before that is final)."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    week = models.DateField(_("week"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("rolled-up week")
        verbose_name_plural = _("rolled-up weeks")
        constraints = [models.UniqueConstraint(fields=["organisation", "week"], name="rolled_up_week_unique")]
