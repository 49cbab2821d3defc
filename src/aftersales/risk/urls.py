from django.urls import path

from aftersales.risk import views

app_name = "risk"
urlpatterns = [
    path("cases/<int:case_id>/risk/score/", views.score, name="score"),
    path("cases/<int:case_id>/risk/restrict/", views.restrict, name="restrict"),
    path("cases/<int:case_id>/risk/restrictions/<int:restriction_id>/lift/", views.lift, name="lift"),
    path("cases/<int:case_id>/dispute-pack/", views.download_pack, name="pack"),
]
