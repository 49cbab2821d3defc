from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "aftersales.logistics"
    verbose_name = _("Logistics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The stuck-parcel check joins the worker's tick (cases/tasks.PERIODIC); it returns at once
        # when it ran less than an interval ago.
        from aftersales.cases import tasks as core_tasks
        from aftersales.logistics.tasks import flag_stuck_parcels

        if flag_stuck_parcels not in core_tasks.PERIODIC:
            core_tasks.PERIODIC.append(flag_stuck_parcels)
