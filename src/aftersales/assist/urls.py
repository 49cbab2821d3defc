from django.urls import path

from aftersales.assist import views

app_name = "assist"
urlpatterns = [
    path("cases/<int:case_id>/assist/type/", views.correct, name="case-correct"),
    path("cases/<int:case_id>/assist/apply/", views.apply, name="case-apply"),
    path("supervisor/playbook/", views.playbook_page, name="playbook"),
]
