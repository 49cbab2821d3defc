"""The agent workbench's pages.  Included at the site's root (aftersales/urls.py), after the admin
and the API."""

from django.urls import include, path

from aftersales.web import views_actions, views_auth, views_case, views_followups, views_queue

app_name = "web"
urlpatterns = [
    path("", views_queue.queue, name="queue"),
    path("queue/rows/", views_queue.queue_rows, name="queue-rows"),
    path("cases/<int:case_id>/", views_case.case_detail, name="case"),
    path("cases/<int:case_id>/assign/", views_case.assign, name="case-assign"),
    path("cases/<int:case_id>/act/", views_actions.act, name="case-act"),
    path("cases/<int:case_id>/reply/", views_actions.reply, name="case-reply"),
    path("cases/<int:case_id>/reply/template/", views_actions.reply_template, name="case-reply-template"),
    path("cases/<int:case_id>/evidence/<int:evidence_id>/", views_case.evidence_file, name="case-evidence"),
    path("follow-ups/", views_followups.follow_ups, name="follow-ups"),
    path("follow-ups/<int:case_id>/done/", views_followups.follow_up_done, name="follow-up-done"),
    path("login/", views_auth.login, name="login"),
    path("logout/", views_auth.logout, name="logout"),
    path("organisation/", views_auth.switch_organisation, name="switch-organisation"),
    path("", include("aftersales.web.urls_supervisor")),
]
