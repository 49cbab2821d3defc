"""Supervisor and configuration pages (included by web/urls.py inside the `web` namespace).

Supervisor pages (owners and supervisors): web/views_supervisor.py.  Configuration (owners
only; a supervisor is refused, see docs/WORKBENCH.md): web/views_config.py."""

from django.urls import path

from aftersales.web import views_config, views_supervisor

urlpatterns: list = [
    path("supervisor/deadlines/", views_supervisor.board, name="supervisor-board"),
    path("supervisor/team/", views_supervisor.team, name="supervisor-team"),
    path("supervisor/team/assign/", views_supervisor.assign, name="supervisor-assign"),
    path("supervisor/team/round-robin/", views_supervisor.round_robin, name="supervisor-round-robin"),
    path("supervisor/figures/", views_supervisor.figures, name="supervisor-figures"),
    path("settings/", views_config.home, name="config"),
    path("settings/shops/<int:shop_id>/", views_config.shop, name="config-shop"),
    path("settings/shops/<int:shop_id>/<slug:section>/", views_config.shop_save, name="config-shop-save"),
    path("settings/replies/", views_config.replies, name="config-replies"),
    path("settings/replies/new/", views_config.reply_save, name="config-reply-new"),
    path("settings/replies/<int:template_id>/", views_config.reply_save, name="config-reply"),
    path("settings/people/", views_config.people, name="config-people"),
    path("settings/people/new/", views_config.person_new, name="config-person-new"),
    path("settings/people/<int:membership_id>/", views_config.person_save, name="config-person"),
    path("settings/people/<int:membership_id>/active/", views_config.person_active, name="config-person-active"),
]
