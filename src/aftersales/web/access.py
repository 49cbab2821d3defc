"""Who is at the workbench, for which organisation, and what they may see: the one place the pages
check it (STYLE habit 6).  Every workbench view is wrapped in `member_required`:

    @member_required()                                         # any member of the organisation
    def queue(request): ...

    @member_required(roles=SUPERVISOR_ROLES)                   # owners and supervisors only
    def deadline_board(request): ...

The wrapper sends an anonymous visitor to the login page (an htmx request gets an HX-Redirect
instead of a login page pasted into a fragment), answers 403 with a page that says why to a user
who belongs to no organisation or whose role is not among `roles`, and sets `request.membership`
and `request.organisation` for the view.  Every query a view makes filters by
`request.organisation`; a case of another organisation is a 404, as if it did not exist.

A user who belongs to several organisations picks one with the switcher in the header; the choice
is kept in the session (`SESSION_KEY`).  `who(request)` is the `cases.permissions.Who` that the
services take: the role and refund approval limit of that membership.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from aftersales.accounts.models import Membership, Role
from aftersales.cases.permissions import Who
from aftersales.web.errors import refusal

SESSION_KEY = "web.organisation"
# Role groups the pages use (the actions themselves are cases.permissions.ROLE_ACTIONS).
SUPERVISOR_ROLES = frozenset({Role.OWNER, Role.SUPERVISOR})
OWNER_ROLES = frozenset({Role.OWNER})


def memberships(request) -> list[Membership]:
    """The signed-in user's active memberships, by organisation name (one query per request).  A
    deactivated membership (the owner's "deactivate" in the people settings) opens nothing."""
    if not hasattr(request, "_workbench_memberships"):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            request._workbench_memberships = []
        else:
            request._workbench_memberships = list(
                Membership.objects.select_related("organisation", "user").filter(user=user, active=True)
                .order_by("organisation__name", "organisation_id"))
    return request._workbench_memberships


def current_membership(request) -> Membership | None:
    """The membership the user works under now: the one chosen in the session, else the first."""
    found = memberships(request)
    if not found:
        return None
    chosen = request.session.get(SESSION_KEY)
    return next((m for m in found if m.organisation_id == chosen), found[0])


def choose_organisation(request, organisation_id) -> bool:
    """Switch to another organisation of the user's; False when they are not a member of it."""
    for m in memberships(request):
        if str(m.organisation_id) == str(organisation_id):
            request.session[SESSION_KEY] = m.organisation_id
            return True
    return False


def who(request) -> Who:
    """The acting member, for the services (role and refund approval limit included)."""
    membership = getattr(request, "membership", None) or current_membership(request)
    if membership is None:
        raise PermissionError("who() outside member_required: no membership")
    return Who.member(membership)


def forbidden(request, reason: str):
    """403 with the reason: a page, or for an htmx request the message in the flash area."""
    return refusal(request, reason, status=403)


def member_required(view=None, *, roles=None):
    """Login and a membership required; with `roles`, one of those roles too.  Use as
    `@member_required()` or `@member_required(roles={Role.OWNER})`."""
    allowed = frozenset(roles) if roles else None

    def decorate(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(redirect_to_login(request.get_full_path()).url)
                return redirect_to_login(request.get_full_path())
            membership = current_membership(request)
            if membership is None:
                return render(request, "web/no_membership.html", status=403)
            if allowed is not None and membership.role not in allowed:
                return forbidden(request, _("Your role (%(role)s) may not open this page.")
                                 % {"role": membership.get_role_display()})
            request.membership = membership
            request.organisation = membership.organisation
            return view_func(request, *args, **kwargs)

        wrapper.member_required = True   # tests/web/test_access.py checks every workbench view has it
        return wrapper

    return decorate(view) if view is not None else decorate
