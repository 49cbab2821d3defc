"""Buyers, orders and what was shipped: the facts a case is judged against."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Organisation
from aftersales.catalog.models import Shop, Sku
from aftersales.domain.policies import Protection as ProtectionKind


class Buyer(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="buyers")
    external_id = models.CharField(_("external id"), max_length=100)  # platform buyer id, or e-mail for own stores
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    lifetime_spend = models.DecimalField(_("lifetime spend"), max_digits=14, decimal_places=2, default=Decimal("0"))
    order_count = models.PositiveIntegerField(_("order count"), default=0)
    case_count = models.PositiveIntegerField(_("case count"), default=0)
    refund_count = models.PositiveIntegerField(_("refund count"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("buyer")
        verbose_name_plural = _("buyers")
        constraints = [models.UniqueConstraint(fields=["shop", "external_id"], name="buyer_unique")]

    def __str__(self) -> str:
        return self.name or self.external_id


class Order(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="orders")
    buyer = models.ForeignKey(Buyer, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="orders")
    external_id = models.CharField(_("order number"), max_length=100)
    currency = models.CharField(_("currency"), max_length=3)
    paid_amount = models.DecimalField(_("paid amount"), max_digits=12, decimal_places=2)
    placed_at = models.DateTimeField(_("placed at"))
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # How the buyer paid ("alipay", "wechat_pay", "credit_card", ...; domain/refund_arrival.py): it
    # says how long a refund takes to arrive.  Blank: not known, the generic window applies.  A database
    # default too, so that raw-SQL writers (the benchmark's loaders) need not name it.
    payment_method = models.CharField(_("payment method"), max_length=30, blank=True, default="", db_default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [models.UniqueConstraint(fields=["shop", "external_id"], name="order_unique")]

    def __str__(self) -> str:
        return self.external_id


class OrderLine(models.Model):
    """One line of an order with its after-sales quantity ledger.

    The ledger columns only move through conditional updates in cases.ledger, so that a line is
    never requested, or refunded, beyond what was bought.
    """

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey(
        Sku, verbose_name=_("sku"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True)  # Douyin s_id, Taobao sub-order
    sku_code = models.CharField(_("sku code"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    category = models.CharField(_("category"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    paid_amount = models.DecimalField(_("paid amount"), max_digits=12, decimal_places=2)
    # ledger
    qty_requested = models.PositiveIntegerField(_("qty requested"), default=0)  # in open cases
    qty_received = models.PositiveIntegerField(_("qty received"), default=0)
    qty_received_damaged = models.PositiveIntegerField(_("qty received damaged"), default=0)
    qty_refunded = models.PositiveIntegerField(_("qty refunded"), default=0)
    qty_exchanged = models.PositiveIntegerField(_("qty exchanged"), default=0)
    amount_refunded = models.DecimalField(_("amount refunded"), max_digits=12, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(qty_requested__lte=models.F("quantity")), name="line_requested_within_quantity"
            ),
            models.CheckConstraint(
                condition=models.Q(qty_refunded__lte=models.F("quantity")), name="line_refunded_within_quantity"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_refunded__lte=models.F("paid_amount")), name="line_refund_within_paid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku_code} × {self.quantity}"

    @property
    def quantity_refundable(self) -> int:
        return self.quantity - self.qty_refunded - self.qty_requested


class Protection(models.Model):
    """Purchased protection on a line: extended warranty, accident cover, 运费险."""

    class Meta:
        verbose_name = _("protection")
        verbose_name_plural = _("protections")

    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), on_delete=models.CASCADE, related_name="protections"
    )
    kind = models.CharField(
        _("kind"), max_length=40, choices=[(p.value, p.name.replace("_", " ").lower()) for p in ProtectionKind]
    )
    provider = models.CharField(_("provider"), max_length=100, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)


class Shipment(models.Model):
    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(_("carrier"), max_length=50)
    tracking_number = models.CharField(_("tracking number"), max_length=60)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
