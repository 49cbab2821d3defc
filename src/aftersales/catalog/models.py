"""Shops, their service promises, and the goods they sell."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Organisation
from aftersales.domain.platforms import PROFILES
from aftersales.domain.policies import Exclusion


# The colour of a case's channel label in the agents' queue.  A shop's `channel_colours` overrides
# some channels ({"email": "blue", "platform": "green"}) and keeps the others; "none" takes a
# channel's colour away.  Colour names, not CSS, so that a stored value never reaches a style attribute.
CHANNEL_COLOURS = ("red", "orange", "yellow", "green", "blue", "purple", "grey", "none")
DEFAULT_CHANNEL_COLOURS = {"chat": "red", "hotline": "orange", "email": "yellow"}


def _platform_choices():
    return [(code, p.name_en) for code, p in sorted(PROFILES.items())]


class Shop(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="shops"
    )
    name = models.CharField(_("name"), max_length=200)
    platform = models.CharField(_("platform"), max_length=20, choices=_platform_choices)
    platform_shop_id = models.CharField(_("platform shop id"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=10, default="CN")
    time_zone = models.CharField(_("time zone"), max_length=50, default="Asia/Shanghai")
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    business_calendar = models.CharField(
        _("business calendar"),
        max_length=10,
        blank=True,
        help_text=_("CN, or an ISO country code; blank: the platform's"),
    )
    return_contact = models.CharField(_("return contact"), max_length=100, blank=True)
    return_phone = models.CharField(_("return phone"), max_length=40, blank=True)
    return_address = models.TextField(_("return address"), blank=True)

    # Policy: the shop's rules; `policy_version` goes up on every change and is stored on each case.
    policy_version = models.PositiveIntegerField(_("policy version"), default=1)
    no_reason_days = models.PositiveSmallIntegerField(_("no reason days"), default=7)
    quality_exchange_days = models.PositiveSmallIntegerField(_("quality exchange days"), default=15)
    excluded_categories = models.JSONField(_("excluded categories"), default=list, blank=True)
    vip_spend_threshold = models.DecimalField(
        _("vip spend threshold"), max_digits=12, decimal_places=2, default=Decimal("5000")
    )
    auto_approve_unshipped_refund = models.BooleanField(_("auto approve unshipped refund"), default=True)
    auto_approve_small_return_max = models.DecimalField(
        _("auto approve small return max"), max_digits=12, decimal_places=2, default=Decimal("100")
    )
    # Service promises (deadline records of source "policy").
    first_reply_hours = models.PositiveSmallIntegerField(_("first reply hours"), default=24)
    review_business_days = models.PositiveSmallIntegerField(_("review business days"), default=2)
    refund_within_days = models.PositiveSmallIntegerField(_("refund within days"), default=3)
    followup_days = models.PositiveSmallIntegerField(_("followup days"), default=3)
    channel_weights = models.JSONField(_("channel weights"), default=dict, blank=True)
    # The largest coupon or gift an agent may offer without a supervisor (cases.team.check_compensation);
    # in the shop's currency.  Not part of the policy: changing it does not bump policy_version.
    agent_compensation_limit = models.DecimalField(
        _("agent compensation limit"), max_digits=12, decimal_places=2, default=Decimal("50"),
        help_text=_("Largest coupon or gift an agent may offer without a supervisor's approval"))
    channel_colours = models.JSONField(
        _("channel colours"), default=dict, blank=True,
        help_text=_('Queue label colour per channel, e.g. {"chat": "red", "hotline": "orange", "email": "yellow"}; '
                    "colours: red, orange, yellow, green, blue, purple, grey, none"))

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "platform", "platform_shop_id"], name="shop_platform_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def profile(self):
        return PROFILES[self.platform]

    @property
    def calendar(self) -> str:
        return self.business_calendar or self.profile.calendar

    def channel_colour(self, channel: str) -> str:
        """The colour name of `channel`'s label in the queue ("" for none)."""
        colour = {**DEFAULT_CHANNEL_COLOURS, **(self.channel_colours or {})}.get(channel, "")
        return colour if colour in CHANNEL_COLOURS and colour != "none" else ""

    def clean(self):
        super().clean()
        colours = self.channel_colours or {}
        if not isinstance(colours, dict) or not all(
                isinstance(k, str) and v in CHANNEL_COLOURS for k, v in colours.items()):
            raise ValidationError({"channel_colours": _("a mapping of channel to one of: %(colours)s")
                                   % {"colours": ", ".join(CHANNEL_COLOURS)}})


class Product(models.Model):
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="products")
    external_id = models.CharField(_("external id"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    category = models.CharField(_("category"), max_length=100, blank=True)
    no_reason_eligible = models.BooleanField(_("no reason eligible"), default=True)
    exclusion = models.CharField(
        _("exclusion"),
        max_length=30,
        blank=True,
        default="",
        choices=[(e.value, e.name.replace("_", " ").lower()) for e in Exclusion],
    )
    warranty_days = models.PositiveIntegerField(_("warranty days"), default=0)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [models.UniqueConstraint(fields=["shop", "external_id"], name="product_unique")]

    def __str__(self) -> str:
        return self.title


class Sku(models.Model):
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="skus")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="skus")
    code = models.CharField(_("code"), max_length=100)
    title = models.CharField(_("title"), max_length=300, blank=True)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    # Units on hand for exchanges (the buyer portal shows it and reserves one per exchange chosen);
    # null: not tracked here.
    stock = models.PositiveIntegerField(_("stock"), null=True, blank=True)

    class Meta:
        verbose_name = "SKU"
        constraints = [models.UniqueConstraint(fields=["shop", "code"], name="sku_unique")]

    def __str__(self) -> str:
        return self.code
