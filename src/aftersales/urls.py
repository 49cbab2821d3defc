from django.contrib import admin
from django.urls import include, path, re_path

from aftersales.api import errors as api_errors
from aftersales.api.main import urls as api_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api_urls()),
    re_path(r"^api/", api_errors.not_found_view),
    path("i18n/", include("django.conf.urls.i18n")),   # set_language: the header's language switch
    path("", include("aftersales.logistics.urls")),     # /webhooks/carriers/<carrier>/ (tracking pushes)
    path("", include("aftersales.connectors.urls")),    # /webhooks/<platform>/ and the case's sync panel
    path("portal/", include("aftersales.portal.urls")),   # the buyer portal (no account needed)
    path("", include("aftersales.risk.urls")),           # the case's risk panel actions, the dispute pack
    path("", include("aftersales.assist.urls")),         # the case page's assistance forms
    path("", include("aftersales.analytics.urls")),     # /analytics/ dashboard, weekly review, exports
    path("", include("aftersales.web.urls")),           # the agent workbench: the queue at /
]
