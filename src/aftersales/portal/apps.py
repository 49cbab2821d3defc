from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "aftersales.portal"
    label = "portal"
    verbose_name = _("Buyer portal")

    def ready(self):
        # The buyer's words for every outbox topic "buyer.*", and the reactions to facts from
        # other apps (a return parcel delivered, a delivery problem).
        from aftersales.portal import notices, receivers  # noqa: F401
