"""One case: the page, its evidence files, and assignment.

`case_detail` renders everything about the case (web/present_case.py computes it) with the actions
the viewer may take (web/views_actions.py answers them) and the reply composer.  A case of another
organisation is a 404, as if it did not exist.  `assign` serves the queue's claim button and the
`a` key (htmx, answered with the row) and the case page's claim / assign form (a redirect back).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales import clock
from aftersales.accounts.models import Membership
from aftersales.cases import services
from aftersales.cases.models import Evidence
from aftersales.errors import AftersalesError, NotFound, ValidationFailed
from aftersales.web import present, present_actions, present_case
from aftersales.web.access import member_required, who
from aftersales.web.errors import error_response


def _case_or_404(request, case_id: int):
    try:
        return services.get_case(request.organisation, case_id)
    except NotFound:
        raise Http404(_("No such case")) from None


def case_context(request, case, *, composer: present_actions.Composer | None = None, live: bool = False) -> dict:
    """Everything the page and its partials show.  The answers to actions (`live`) render parts of
    it again, the composer only when one is given (after a reply)."""
    acting = who(request)
    now = clock.now()
    panel = present_actions.panel(case, acting)
    deadlines = present_case.deadlines(case, now)
    return {
        "case": case, "head": present_case.head(case, acting, now), "policy": present_case.policy(case),
        "orders": present_case.orders(case), "buyer": present_case.buyer(case),
        "evidence": present_case.evidence(case), "logistics": present_case.logistics(case),
        "timeline": present_case.timeline(case), "panel": panel,
        "open_deadlines": [d for d in deadlines if d.is_open], "closed_deadlines": [d for d in deadlines if not d.is_open],
        "composer": composer or (None if live else present_actions.composer(case, "reply" in panel)),
        "composer_oob": composer is not None,
        "countdown_words": present_case.countdown_words(), "page_title": case.number, "nav": "queue",
        "choices": present_actions.choices(), "carriers": present_case.CARRIERS,
    }


@require_GET
@member_required()
def case_detail(request, case_id: int):
    case = _case_or_404(request, case_id)
    return render(request, "web/case.html", case_context(request, case))


@require_GET
@member_required()
def evidence_file(request, case_id: int, evidence_id: int):
    """An evidence file of a case of the viewer's organisation, shown inline (its type was sniffed
    from its bytes at upload, cases/evidence.py)."""
    case = _case_or_404(request, case_id)
    item = Evidence.objects.filter(case=case, pk=evidence_id).first()
    if item is None:
        raise Http404(_("No such file"))
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, filename=item.original_name)
    response["Cache-Control"] = "private, max-age=3600"
    return response


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
