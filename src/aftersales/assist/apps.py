from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistConfig(AppConfig):
    name = "aftersales.assist"
    verbose_name = _("Assistance")

    def ready(self):
        # New buyer messages are read as they arrive (the "message" fact), and the organisations'
        # models are refitted by the worker's tick when agents have corrected types since.
        from aftersales.assist import receivers  # noqa: F401  (connects to cases.signals.facts_changed)
        from aftersales.assist.tasks import retrain_due
        from aftersales.cases import tasks as core_tasks

        core_tasks.every_tick(retrain_due)
