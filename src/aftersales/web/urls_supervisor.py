"""Supervisor and configuration pages (included by web/urls.py inside the `web` namespace)."""

urlpatterns: list = []
