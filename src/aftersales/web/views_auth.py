"""Logging in and out, and choosing the organisation to work for."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.web.access import choose_organisation, forbidden, member_required
from aftersales.web.forms import LoginForm

login = auth_views.LoginView.as_view(template_name="web/login.html", authentication_form=LoginForm,
                                     redirect_authenticated_user=True)
logout = auth_views.LogoutView.as_view()


@require_POST
@member_required()
def switch_organisation(request):
    """The header's organisation switcher: a member of several organisations works for one at a time
    (kept in the session).  Back to the queue, since the page shown belonged to the other one."""
    if not choose_organisation(request, request.POST.get("organisation", "")):
        return forbidden(request, _("You are not a member of that organisation."))
    return redirect("web:queue")
