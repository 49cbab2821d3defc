"""The risk panel's actions and the dispute pack download (the workbench's face of aftersales.risk)."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales import clock
from aftersales.cases import services as case_services
from aftersales.errors import AftersalesError, NotFound
from aftersales.risk import pack, services
from aftersales.risk.present import PACK_ROLES, panel
from aftersales.web.access import forbidden, member_required, who
from aftersales.web.errors import error_response


def _case(request, case_id):
    try:
        return case_services.get_case(request.organisation, case_id)
    except NotFound:
        raise Http404 from None


def _back(request, case):
    if request.htmx:
        return render(request, "risk/partials/case_risk.html", {"risk": panel(case, request.membership.role)})
    return redirect("web:case", case_id=case.pk)


@require_POST
@member_required()
def score(request, case_id: int):
    """Score a case that has no risk yet (cases from before the risk app): an explicit step, so
    that opening the case page never writes."""
    case = _case(request, case_id)
    services.ensure_scored(case)
    return _back(request, case)


@require_POST
@member_required()
def restrict(request, case_id: int):
    case = _case(request, case_id)
    try:
        days = int(request.POST.get("days", "30"))
    except ValueError:
        days = 0
    try:
        if not 1 <= days <= 365:
            from aftersales.errors import ValidationFailed

            raise ValidationFailed.field("days", "a whole number of days from 1 to 365")
        services.restrict_buyer(request.organisation, case.buyer_id, who(request), request.POST.get("kind", ""),
                                request.POST.get("reason", ""), clock.now() + timedelta(days=days), case_id=case.pk)
    except AftersalesError as exc:
        return error_response(request, exc)
    return _back(request, case)


@require_POST
@member_required()
def lift(request, case_id: int, restriction_id: int):
    case = _case(request, case_id)
    try:
        services.lift_restriction(request.organisation, restriction_id, who(request), case_id=case.pk)
    except AftersalesError as exc:
        return error_response(request, exc)
    return _back(request, case)


@require_GET
@member_required()
def download_pack(request, case_id: int):
    case = _case(request, case_id)
    if request.membership.role not in PACK_ROLES:
        return forbidden(request, _("Your role may not export the dispute pack."))
    return pack_response(case, request.GET.get("format", "zip"))


def pack_response(case, fmt: str) -> HttpResponse:
    if fmt == "pdf":
        response = HttpResponse(pack.pdf_bytes(case), content_type="application/pdf")
        name = f"{case.number}-dispute.pdf"
    else:
        response = HttpResponse(pack.zip_bytes(case), content_type="application/zip")
        name = f"{case.number}-dispute.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
