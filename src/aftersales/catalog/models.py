"""Shops, their service promises, and the goods they sell."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Organisation
from aftersales.domain.platforms import PROFILES
from aftersales.domain.policies import Exclusion


def _platform_choices():
    return [(code, p.name_en) for code, p in sorted(PROFILES.items())]


class Shop(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="shops")
    name = models.CharField(_("name"), max_length=200)
    platform = models.CharField(_("platform"), max_length=20, choices=_platform_choices)
    platform_shop_id = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=10, default="CN")
    time_zone = models.CharField(max_length=50, default="Asia/Shanghai")
    currency = models.CharField(max_length=3, default="CNY")
    business_calendar = models.CharField(max_length=10, blank=True,
                                         help_text=_("CN, or an ISO country code; blank: the platform's"))
    return_contact = models.CharField(max_length=100, blank=True)
    return_phone = models.CharField(max_length=40, blank=True)
    return_address = models.TextField(blank=True)

    # Policy: the shop's rules; `policy_version` goes up on every change and is stored on each case.
    policy_version = models.PositiveIntegerField(default=1)
    no_reason_days = models.PositiveSmallIntegerField(default=7)
    quality_exchange_days = models.PositiveSmallIntegerField(default=15)
    excluded_categories = models.JSONField(default=list, blank=True)
    vip_spend_threshold = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("5000"))
    auto_approve_unshipped_refund = models.BooleanField(default=True)
    auto_approve_small_return_max = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("100"))
    # Service promises (deadline records of source "policy").
    first_reply_hours = models.PositiveSmallIntegerField(default=24)
    review_business_days = models.PositiveSmallIntegerField(default=2)
    refund_within_days = models.PositiveSmallIntegerField(default=3)
    followup_days = models.PositiveSmallIntegerField(default=3)
    channel_weights = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "platform", "platform_shop_id"],
                                    name="shop_platform_id_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def profile(self):
        return PROFILES[self.platform]

    @property
    def calendar(self) -> str:
        return self.business_calendar or self.profile.calendar


class Product(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="products")
    external_id = models.CharField(max_length=100)
    title = models.CharField(max_length=300)
    category = models.CharField(max_length=100, blank=True)
    no_reason_eligible = models.BooleanField(default=True)
    exclusion = models.CharField(max_length=30, blank=True, default="",
                                 choices=[(e.value, e.name.replace("_", " ").lower()) for e in Exclusion])
    warranty_days = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "external_id"], name="product_unique")]

    def __str__(self) -> str:
        return self.title


class Sku(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="skus")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus")
    code = models.CharField(max_length=100)
    title = models.CharField(max_length=300, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "SKU"
        constraints = [models.UniqueConstraint(fields=["shop", "code"], name="sku_unique")]

    def __str__(self) -> str:
        return self.code
