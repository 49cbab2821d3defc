from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "aftersales.analytics"
    verbose_name = _("Analytics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Monday's review (and the hourly roll-up of the current week) join the worker's tick.
        from aftersales.analytics import delivery  # noqa: F401  (registers the e-mail's words, @renderer)
        from aftersales.analytics.tasks import weekly_review
        from aftersales.cases import tasks as core_tasks

        core_tasks.every_tick(weekly_review)
