from django.urls import path

from aftersales.connectors import views

app_name = "connectors"
urlpatterns = [
    path("webhooks/<str:platform>/", views.webhook, name="webhook"),
    path("cases/<int:case_id>/sync/", views.panel, name="case-sync"),
    path("cases/<int:case_id>/sync/retry/", views.retry, name="case-sync-retry"),
]
