"""The team's follow-up list: cases whose follow-up fell due and is not done yet.

A buyer who answered "not satisfied" in the portal comes first, with their words; then the rest by
due time.  "Done" records what the agent did (services.complete_follow_up writes the timeline).
Any member sees the list of their organisation; the queue holds open cases only, so a completed
case that needs a call back would otherwise be seen by nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Case as SqlCase, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales import clock
from aftersales.cases import services
from aftersales.cases.models import FollowUp
from aftersales.errors import AftersalesError
from aftersales.web import present
from aftersales.web.access import member_required, who
from aftersales.web.errors import error_response

LIMIT = 200
OUTCOME_MAX = 500


@dataclass(frozen=True)
class FollowUpRow:
    follow_up: FollowUp
    number: str
    url: str
    shop_name: str
    buyer: str
    unhappy: bool
    comment: str
    due_text: str
    answered_text: str


def rows(organisation, now) -> tuple[list[FollowUpRow], int]:
    due = FollowUp.objects.filter(case__organisation=organisation, done_at__isnull=True, due_at__lte=now)
    total = due.count()
    drawn = (due.select_related("case__shop", "case__buyer")
             .annotate(first=SqlCase(When(satisfied=False, then=Value(0)), default=Value(1), output_field=IntegerField()))
             .order_by("first", "due_at", "id")[:LIMIT])
    out = []
    for fu in drawn:
        case = fu.case
        tz = case.shop.time_zone
        out.append(FollowUpRow(
            follow_up=fu, number=case.number, url=reverse("web:case", args=[case.pk]), shop_name=case.shop.name,
            buyer=case.buyer.name if case.buyer_id else "", unhappy=fu.satisfied is False,
            comment=fu.buyer_comment, due_text=present.shop_time(fu.due_at, tz)[0],
            answered_text=present.shop_time(fu.answered_at, tz)[0] if fu.answered_at else ""))
    return out, total


@require_GET
@member_required()
def follow_ups(request):
    drawn, total = rows(request.organisation, clock.now())
    return render(request, "web/followups/list.html", {
        "rows": drawn, "total": total, "hidden": max(0, total - len(drawn)),
        "page_title": _("Follow-ups"), "nav": "follow_ups"})


@require_POST
@member_required()
def follow_up_done(request, case_id: int):
    outcome = (request.POST.get("outcome") or "").strip()
    if not outcome:
        messages.error(request, _("Say what you did (the outcome) before marking the follow-up done."))
        return redirect("web:follow-ups")
    if len(outcome) > OUTCOME_MAX:
        messages.error(request, _("The outcome is too long (at most %(n)d characters).") % {"n": OUTCOME_MAX})
        return redirect("web:follow-ups")
    try:
        services.complete_follow_up(request.organisation, case_id, who(request), outcome)
    except AftersalesError as exc:
        return error_response(request, exc)
    messages.success(request, _("Follow-up done."))
    return redirect("web:follow-ups")
