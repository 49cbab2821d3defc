from django.urls import path

from aftersales.logistics import views

app_name = "logistics"
urlpatterns = [
    path("webhooks/carriers/<str:carrier>/", views.carrier_webhook, name="carrier-webhook"),
]
