from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectorsConfig(AppConfig):
    name = "aftersales.connectors"
    verbose_name = _("Platform connectors")

    def ready(self):
        # The real platform sender joins the core's @sender registry (notify/delivery.py), and the
        # scheduled pull joins the worker's tick (cases/tasks.PERIODIC).
        from aftersales.cases import tasks as core_tasks
        from aftersales.connectors import outbound  # noqa: F401  (registers @sender("platform"))
        from aftersales.connectors.tasks import sync_due

        core_tasks.every_tick(sync_due)
