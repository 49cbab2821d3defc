from django.contrib import admin
from django.urls import path, re_path

from aftersales.api import errors as api_errors
from aftersales.api.main import urls as api_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api_urls()),
    re_path(r"^api/", api_errors.not_found_view),
]
