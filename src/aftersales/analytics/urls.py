from django.urls import path

from aftersales.analytics import views

app_name = "analytics"
urlpatterns = [
    path("analytics/", views.dashboard_page, name="dashboard"),
    path("analytics/export.<str:fmt>", views.dashboard_export, name="dashboard-export"),
    path("analytics/review/", views.review_page, name="review"),
    path("analytics/review/export.<str:fmt>", views.review_export, name="review-export"),
    path("queue/export.<str:fmt>", views.queue_export, name="queue-export"),
]
