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

        core_tasks.every_tick(flag_stuck_parcels)
        # The carrier's scans go into the risk app's dispute pack, where that app is installed.
        from django.apps import apps

        if apps.is_installed("aftersales.risk"):
            from aftersales.logistics.pack import tracking_events_section
            from aftersales.risk import pack

            if tracking_events_section not in pack.SECTIONS:
                pack.SECTIONS.append(tracking_events_section)
