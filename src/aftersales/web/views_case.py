"""One case.

PLACEHOLDER: `case_detail` is a stand-in so that the queue's links and Enter key lead somewhere;
the case page (order, buyer history, evidence, logistics, timeline, deadlines, actions, reply
composer) replaces it.  Keep its URL name `web:case` and its 404 for other organisations' cases.

`assign` is real and stays: the queue's "claim" button and the `a` key post to it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales import clock
from aftersales.accounts.models import Membership
from aftersales.cases import services
from aftersales.errors import AftersalesError, NotFound, ValidationFailed
from aftersales.web import present
from aftersales.web.access import member_required, who
from aftersales.web.errors import error_response


def _case_or_404(request, case_id: int):
    try:
        return services.get_case(request.organisation, case_id)
    except NotFound:
        raise Http404(_("No such case")) from None


@require_GET
@member_required()
def case_detail(request, case_id: int):
    case = _case_or_404(request, case_id)
    return render(request, "web/case_placeholder.html", {"case": case, "page_title": case.number})


@require_POST
@member_required()
def assign(request, case_id: int):
    """`to`: "me" (claim), "nobody" (back to the pool), or a member's user id (supervisors).
    From the queue (`from=queue`, htmx) the answer is the case's row; otherwise back to the case."""
    to = request.POST.get("to", "me")
    if to == "me":
        assignee = request.user
    elif to == "nobody":
        assignee = None
    else:
        m = (Membership.objects.select_related("user").filter(organisation=request.organisation, user_id=to).first()
             if to.isdigit() else None)
        if m is None:
            return error_response(request, ValidationFailed.field("to", "not a member of this organisation"))
        assignee = m.user
    try:
        case = services.assign_case(request.organisation, case_id, who(request), assignee)
    except AftersalesError as exc:
        return error_response(request, exc)
    note = (_("%(case)s is now yours.") % {"case": case.number} if assignee == request.user else
            _("%(case)s assigned to %(person)s.") % {"case": case.number, "person": present.person(assignee)}
            if assignee else _("%(case)s is unassigned.") % {"case": case.number})
    if request.htmx and request.POST.get("from") == "queue":
        row = present.one_row(request.organisation, case.pk, who(request), clock.now())
        return render(request, "web/partials/queue_row.html", {"row": row, "flash": [("success", note)]})
    messages.success(request, note)
    return redirect("web:case", case_id=case.pk)
