"""The buyer portal, under /portal/ (aftersales/urls.py)."""

from django.urls import path, re_path

from aftersales.portal import views

TOKEN = r"(?P<token>[A-Za-z0-9_-]{20,64})"

app_name = "portal"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("leave/", views.leave, name="leave"),
    path("orders/<int:order_id>/", views.order_page, name="order"),
    path("orders/<int:order_id>/policy/", views.policy_preview, name="policy"),
    re_path(rf"^status/{TOKEN}/$", views.status, name="status"),
    re_path(rf"^status/{TOKEN}/follow-up/$", views.follow_up, name="follow-up"),
    re_path(rf"^status/{TOKEN}/files/(?P<evidence_id>[0-9]{{1,12}})/$", views.evidence_file, name="evidence"),
    re_path(rf"^status/{TOKEN}/(?P<step>[a-z]+)/$", views.act, name="act"),
]
