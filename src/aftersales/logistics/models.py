"""Parcels (outbound shipments and returns) and the carriers' scans of them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Organisation
from aftersales.domain.tracking import Problem, Status

STATUS_CHOICES = [(s.value, s.value.replace("_", " ")) for s in Status]


class Direction(models.TextChoices):
    OUTBOUND = "outbound", _("outbound")
    RETURN = "return", _("return")


class Parcel(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+")
    carrier = models.CharField(_("carrier"), max_length=30)
    tracking_number = models.CharField(_("tracking number"), max_length=60)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.OUTBOUND)
    shipment = models.ForeignKey("orders.Shipment", verbose_name=_("shipment"), on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")
    return_shipment = models.ForeignKey("cases.ReturnShipment", verbose_name=_("return shipment"),
                                        on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES, default=Status.ACCEPTED)
    problem = models.CharField(_("problem"), max_length=10, blank=True, default=Problem.NONE)
    first_event_at = models.DateTimeField(_("first event at"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last event at"), null=True, blank=True)   # the last movement
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    stuck_since = models.DateTimeField(_("stuck since"), null=True, blank=True)
    stuck_action = models.CharField(_("suggested action"), max_length=30, blank=True)
    lost = models.BooleanField(_("lost"), default=False)
    damaged = models.BooleanField(_("damaged"), default=False)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        constraints = [models.UniqueConstraint(fields=["organisation", "carrier", "tracking_number"],
                                               name="parcel_unique")]
        indexes = [
            # the stuck check: WHERE status NOT IN (delivered, returned) AND last_event_at < cutoff
            models.Index(fields=["last_event_at"], condition=~models.Q(status__in=["delivered", "returned"]),
                         name="parcel_moving_idx"),
            # carrier rates of a week: WHERE organisation=? AND first_event_at in [start, end)
            models.Index(fields=["organisation", "first_event_at"], name="parcel_org_first_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"

    @classmethod
    def of_case(cls, case) -> models.QuerySet:
        """The case's parcels: its order's shipments and its own returns, in its organisation."""
        which = models.Q(return_shipment__case_id=case.pk)
        if case.order_id:
            which |= models.Q(shipment__order_id=case.order_id)
        return cls.objects.filter(which, organisation_id=case.organisation_id).distinct()


class TrackingEvent(models.Model):
    parcel = models.ForeignKey(Parcel, verbose_name=_("parcel"), on_delete=models.CASCADE, related_name="events")
    key = models.CharField(_("event key"), max_length=120)   # the carrier's event id, or status@time
    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES)
    problem = models.CharField(_("problem"), max_length=10, blank=True, default="")
    occurred_at = models.DateTimeField(_("occurred at"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    source = models.CharField(_("source"), max_length=40, blank=True)   # "import", "webhook", "client", "douyin", ...
    raw = models.JSONField(_("raw"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["occurred_at", "id"]
        constraints = [models.UniqueConstraint(fields=["parcel", "key"], name="tracking_event_unique")]


class CarrierWebhook(models.Model):
    """The secret a carrier (or a tracking aggregator) signs its pushes to this organisation with."""

    organisation = models.OneToOneField(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                        related_name="+")
    secret = models.CharField(_("secret"), max_length=100)

    class Meta:
        verbose_name = _("carrier webhook")
        verbose_name_plural = _("carrier webhooks")


class JobRun(models.Model):
    """When a periodic job last did its work, so that the worker's every-tick call is cheap."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    last_run_at = models.DateTimeField(_("last run at"))

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
