"""The buyer portal's own rows: the status link of a case, a shop's portal settings, pickups."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusLink(models.Model):
    """The unguessable address of a case's status page (/portal/status/<token>/): the same link
    in every notification.  Whoever holds it sees that one case, nothing else."""

    case = models.OneToOneField("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                                related_name="status_link")
    token = models.CharField(_("token"), max_length=64, unique=True)   # looked up on every status page view
    # The buyer's language, as last chosen in the portal ("zh-hans" | "en"); blank: the shop's.
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created at"))
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("status link")
        verbose_name_plural = _("status links")

    def __str__(self) -> str:
        return f"{self.token[:6]}…"


class ShopPortal(models.Model):
    """What a shop offers its buyers in the portal beyond the policy (a shop without a row offers
    no pickup and no compensation for delays)."""

    shop = models.OneToOneField("catalog.Shop", verbose_name=_("shop"), on_delete=models.CASCADE,
                                related_name="portal")
    pickup_carrier = models.CharField(
        _("pickup carrier"), max_length=20, blank=True,
        help_text=_("A carrier code (portal/carriers.py) that collects returns at the buyer's door; blank: no pickup"))
    return_note = models.TextField(_("return note"), blank=True,
                                   help_text=_("Packing instructions shown with the return address"))
    delay_compensation = models.CharField(
        _("delay compensation"), max_length=200, blank=True,
        help_text=_("What the apology for a missed promise offers, e.g. a coupon code"))

    class Meta:
        verbose_name = _("shop portal settings")
        verbose_name_plural = _("shop portal settings")

    def __str__(self) -> str:
        return str(self.shop)


class PickupWindow(models.TextChoices):
    MORNING = "09-12", _("09:00–12:00")
    NOON = "12-15", _("12:00–15:00")
    AFTERNOON = "15-18", _("15:00–18:00")
    EVENING = "18-21", _("18:00–21:00")


class Pickup(models.Model):
    """A buyer's request that the shop's carrier collect the return.  The team books it with the
    carrier; the parcel's tracking number then moves the case as usual (ship_return)."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="pickups")
    carrier = models.CharField(_("carrier"), max_length=20)
    day = models.DateField(_("day"))
    window = models.CharField(_("time window"), max_length=5, choices=PickupWindow.choices)
    address = models.TextField(_("address"))
    phone = models.CharField(_("phone"), max_length=40)
    status = models.CharField(_("status"), max_length=10, default="requested",
                              choices=[("requested", _("Pickup requested")), ("cancelled", _("Pickup cancelled"))])
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("pickup")
        verbose_name_plural = _("pickups")

    def __str__(self) -> str:
        return f"{self.carrier} {self.day} {self.window}"
